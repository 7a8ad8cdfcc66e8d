"""Read an archive folder into validated models and a list of every problem found."""

from __future__ import annotations

import difflib
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .collector import collector_paused
from .errors import ArchiveNotFound, Problem
from .safefile import control_character, read_text
from .schema import GazetteerEntry, Series, Version
from .yamlmarks import Key, Parsed, YamlSyntaxError, parse

VERSION_PATH = re.compile(
    r"^(?P<series>[^/]+)/(?P<year>[^/]+)/(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)/v(?P<n>[1-9][0-9]*)\.md$"
)
#: The line that closes the front matter (searched from the newline that ends the opening `---`).
_CLOSING_LINE = re.compile(r"\n(?:---|\.\.\.)[ \t]*\r?(?=\n|\Z)")
GAZETTEER_FILES = {"places": "places.yml", "actors": "actors.yml", "tags": "tags.yml"}
M = TypeVar("M", bound=BaseModel)


@dataclass
class VersionFile:
    """One `vN.md` file: where it is, what the path says, and its parsed front matter."""

    path: Path
    series: str
    year: str
    date: str
    slug: str
    number: int
    meta: Version | None = None
    parsed: Parsed | None = None
    body: str = ""
    body_line: int = 1
    sha256: str = ""
    #: `<size>:<mtime_ns>` of the file just before it was read: a file with the same later was not changed since.
    read_as: str = ""

    @property
    def bulletin_id(self) -> str:
        """`<series>/<date>-<slug>`, the bulletin's permanent identity."""
        return f"{self.series}/{self.date}-{self.slug}"

    def line_of(self, *key: str | int) -> int:
        """The file line of a front-matter key (or of the nearest enclosing one)."""
        return self.parsed.line_of(key, 2) if self.parsed else 1


@dataclass
class Gazetteer:
    """Entries of places.yml, actors.yml or tags.yml and a lookup from any alias."""

    path: Path
    entries: list[GazetteerEntry] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)
    by_alias: dict[str, str] = field(default_factory=dict)
    broken: bool = False  #: the file could not be read as a list: names are not checked against it
    _suggestions: dict[str, str | None] = field(default_factory=dict, repr=False, compare=False)

    def canonical(self, name: str) -> str | None:
        """The canonical name for `name` or one of its aliases (case-insensitive)."""
        return self.by_alias.get(name.casefold())

    def resolve(self, name: str) -> str:
        """The canonical name for `name`, or `name` as written when the gazetteer lacks it."""
        return self.by_alias.get(name.casefold(), name)

    def suggest(self, name: str) -> str | None:
        """The closest known name or alias, for a "did you mean" hint (remembered: an unknown
        name is usually unknown in many bulletins, and the search is slow on a large gazetteer)."""
        if name not in self._suggestions:
            close = difflib.get_close_matches(name.casefold(), list(self.by_alias), n=1, cutoff=0.6)
            self._suggestions[name] = self.by_alias[close[0]] if close else None
        return self._suggestions[name]


@dataclass
class LoadedArchive:
    """Everything read from an archive folder, valid or not, and the problems found."""

    root: Path
    series: dict[str, Series]
    gazetteers: dict[str, Gazetteer]
    versions: list[VersionFile]
    problems: list[Problem]

    def valid_versions(self) -> list[VersionFile]:
        """The version files whose front matter passed the schema."""
        return [v for v in self.versions if v.meta is not None]

    def latest_versions(self) -> dict[str, VersionFile]:
        """The valid version with the highest number of each bulletin, by bulletin id."""
        latest: dict[str, VersionFile] = {}
        for version in self.valid_versions():
            current = latest.get(version.bulletin_id)
            if current is None or version.number > current.number:
                latest[version.bulletin_id] = version
        return latest


def load_archive(root: Path | str, versions: bool = True) -> LoadedArchive:
    """Read every file of the archive at `root`; never stops at the first problem.

    With `versions=False` only series.yml and the gazetteers are read (see `version_paths`).
    """
    root = Path(root)
    if not os.path.lexists(root / "series.yml"):  # a link, a FIFO ... named series.yml is reported by the reader
        raise ArchiveNotFound(f"{root}: no series.yml here; pass the archive folder (the one holding series.yml)")
    problems: list[Problem] = []
    series = _load_series(root / "series.yml", problems)
    gazetteers = {name: _load_gazetteer(root / file, problems) for name, file in GAZETTEER_FILES.items()}
    archive = LoadedArchive(root, series, gazetteers, [], problems)
    if versions:
        with collector_paused(freeze=True):
            for path in version_paths(root, problems):
                version = load_version(path, root, problems)
                if version is not None:
                    archive.versions.append(version)
    return archive


def load_version(path: Path, root: Path, problems: list[Problem]) -> VersionFile | None:
    """Read and validate one version file; append its problems; None when the path is not a version."""
    version, found = read_version(path, root)
    problems.extend(found)
    if version is not None and version.parsed is not None:
        version.meta = _validate(Version, version.parsed, version.path, problems)
    return version


def volume_of(root: Path, path: Path | str) -> str:
    """The volume of a version file: `<series>/<year>`, its folder's folder below `root` (a misplaced file's
    likewise)."""
    folder, prefix = str(path).rsplit(os.sep, 2)[0], f"{root}{os.sep}"
    if folder.startswith(prefix):  # as text: the chronology asks this of every event
        return folder[len(prefix):].replace(os.sep, "/")
    return Path(path).parent.parent.relative_to(root).as_posix()


def version_paths(root: Path, problems: list[Problem]) -> list[Path]:
    """Every Markdown file below the series folders, in path order; symbolic links to folders are reported."""
    return [Path(path) for path in version_files(root, problems)]


def version_files(root: Path, problems: list[Problem], stamps: dict[str, list[Any]] | None = None) -> list[str]:
    """`version_paths` as text (a build lists tens of thousands, and a `Path` each costs more than listing it).

    With `stamps`, each folder listed below `root` gets the name, size and time of each entry: a folder
    whose stamp is unchanged holds the same files, each unchanged unless written to within its own time."""
    found: list[str] = []
    folders = [str(root)]
    while folders:
        folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            problems.append(Problem(Path(folder), 1, "error", "file-unreadable",
                                    f"cannot list the folder ({exc.strerror or exc}): fix its permissions"))
            continue
        for entry in entries:
            if entry.name.startswith((".", "_")):
                continue
            if entry.is_dir(follow_symlinks=False):
                folders.append(entry.path)
            elif _is_folder_link(entry):
                problems.append(Problem(Path(entry.path), 1, "warning", "file-unreadable",
                                        "a symbolic link to a folder is not followed: move the bulletin into the archive"))
            elif folder != str(root) and entry.name.endswith(".md"):
                found.append(entry.path)
        if stamps is not None and folder != str(root):
            stamps[folder] = sorted(_entry_stamp(entry) for entry in entries)
    return sorted(found, key=lambda path: path.split(os.sep))  # in the order of Path's parts


def _entry_stamp(entry: os.DirEntry[str]) -> list[Any]:
    """`[name, size, mtime_ns, is a link]` of a folder entry (not followed), `[name]` when it cannot be read."""
    try:
        info = entry.stat(follow_symlinks=False)
    except OSError:
        return [entry.name]
    return [entry.name, info.st_size, info.st_mtime_ns, entry.is_symlink()]


def _is_folder_link(entry: os.DirEntry[str]) -> bool:
    """True for a symbolic link to a folder (a link in a loop is left to the file reader)."""
    try:
        return entry.is_symlink() and entry.is_dir()
    except OSError:
        return False


def read_version(path: Path, root: Path) -> tuple[VersionFile | None, list[Problem]]:
    """Read one version file and parse its front matter (no validation): the file and its problems."""
    problems: list[Problem] = []
    match = VERSION_PATH.match(path.relative_to(root).as_posix())
    if not match:
        problems.append(Problem(path, 1, "error", "path-layout",
                                "not where a version belongs: put it at <series>/<year>/<date>-<slug>/vN.md "
                                "(slug in lower-case letters, digits and hyphens)"))
        return None, problems
    version = VersionFile(path, match["series"], match["year"], match["date"], match["slug"], int(match["n"]))
    before = file_stamp(path)  # before reading: a change after it makes the stamp differ
    read = read_text(path, problems)
    if read is None:
        return version, problems
    text, raw = read
    version.sha256, version.read_as = hashlib.sha256(raw).hexdigest(), before
    front, version.body, version.body_line = split_front_matter(text)
    control = control_character(path, text) or (front is not None and control_character(path, front, 2, yaml=True))
    if control:  # nothing of a file with control characters is used: fields must never vanish unseen
        problems.append(control)
        return version, problems
    if front is None:
        problems.append(Problem(path, 1, "error", "front-matter-missing",
                                "no front matter: start the file with a line '---', the YAML fields, and another '---'"))
        return version, problems
    version.parsed = _parse_yaml(path, front, 2, problems)
    return version, problems


def file_stamp(path: Path | str) -> str:
    """`<size>:<mtime_ns>` of a file ('' when it cannot be read)."""
    try:
        info = os.stat(path)
    except OSError:
        return ""
    return f"{info.st_size}:{info.st_mtime_ns}"


def _parse_yaml(path: Path, text: str, first_line: int, problems: list[Problem]) -> Parsed | None:
    """The parsed YAML, or None after reporting its syntax error (or its anchor or alias)."""
    try:
        return parse(text, first_line=first_line)
    except YamlSyntaxError as exc:
        problems.append(Problem(path, exc.line, "error", exc.rule, f"column {exc.column}: {exc}"))
        return None


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split `---` front matter from the body: (yaml or None, body, first line of the body).

    The body is everything after the closing line, exactly (leading empty lines and a `---` block
    of its own included); without front matter it is the whole text."""
    first_newline = text.find("\n")
    if not text.startswith("---") or first_newline < 0 or text[:first_newline].rstrip() != "---":
        return None, text, 1
    closing = _CLOSING_LINE.search(text, first_newline)
    if closing is None:
        return None, text, 1
    front = text[first_newline + 1 : closing.start() + 1]
    body_start = closing.end() + 1  # after the newline that ends the closing line
    return front, text[body_start:], text.count("\n", 0, closing.end()) + 2


def _validate(model: type[M], parsed: Parsed, path: Path, problems: list[Problem], key: Key = ()) -> M | None:
    """Validate data against a model, turning each pydantic error into a located problem."""
    data = parsed.data
    for at in key:
        data = data[at]
    for duplicate, line in parsed.duplicates:
        if duplicate[: len(key)] == key:
            problems.append(Problem(path, line, "error", "field-invalid",
                                    f"`{duplicate[-1]}` is given twice: keep one (YAML keeps only the last)"))
    if not isinstance(data, dict):
        what = "front matter" if not key else "entry"
        fix = ("write `key: value` lines (series, date, title, version ...)" if not key
               else "write it as `- name: ...` with its fields below")
        problems.append(Problem(path, parsed.line_of(key, 1), "error", "field-invalid",
                                f"the {what} must be key: value pairs, found {_kind_of(data)}: {fix}"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            problems.append(_problem_from(error, model, parsed, path, key))
        return None


def _problem_from(error: Any, model: type[BaseModel], parsed: Parsed, path: Path, key: Key) -> Problem:
    """One located problem from one pydantic error, with a hint on how to fix it."""
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    name = ".".join(str(p) for p in loc) or "front matter"
    line = parsed.line_of((*key, *loc), 2)
    kind = error["type"]
    if kind == "missing":
        return Problem(path, parsed.line_of((*key, *loc[:-1]), 1), "error", "field-required",
                       f"`{name}` is missing: add `{loc[-1]}:` with a value")
    if kind == "extra_forbidden":
        fields = _fields_at(model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), fields, n=1)
        hint = f"did you mean `{close[0]}`?" if close else "remove it or check the spelling (see docs/format.md)"
        return Problem(path, line, "error", "field-unknown", f"unknown key `{name}`: {hint}")
    message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    if kind in ("string_too_long", "too_long"):
        return Problem(path, line, "error", "field-too-long", _too_long(name, error))
    if kind == "date_format":
        return Problem(path, line, "error", "date-format", f"`{name}`: {message}")
    if kind == "value_error":  # the schema's own validators say how to fix it
        return Problem(path, line, "error", "field-invalid", f"`{name}`: {message}")
    found = error.get("input")
    if isinstance(found, (str, int, float, bool)) or found is None:
        shown = repr(found) if len(repr(found)) <= 60 else repr(found)[:57] + "..."
        message = f"{message}, found {shown}"
    return Problem(path, line, "error", "field-invalid", f"`{name}`: {message} (docs/format.md lists the fields)")


def _too_long(name: str, error: Any) -> str:
    """How long a text or a list is, its limit, and the fix."""
    limit = error.get("ctx", {}).get("max_length")
    if error["type"] == "too_long":
        count = error.get("ctx", {}).get("actual_length") or len(error.get("input") or ())
        return (f"`{name}` has {count:,} entries, over the limit of {limit:,}: split the bulletin, "
                "or keep the entries that matter (docs/format.md, Limits)")
    return (f"`{name}` is {len(error.get('input') or ''):,} characters long, over the limit of {limit:,}: shorten it; "
            "the full text belongs in the body (docs/format.md, Limits)")


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model reached by following `loc` (list indexes skipped)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        annotation = current.model_fields[part].annotation
        args = getattr(annotation, "__args__", ())
        current = next((a for a in args if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if current is None:
            return []
    return list(current.model_fields)


def _load_list(path: Path, model: type[M], problems: list[Problem]) -> list[tuple[M, int]] | None:
    """A YAML file holding a list of entries, each validated against `model`, with its line;
    None when the file as a whole cannot be used (missing, unreadable, not YAML, not a list)."""
    if not os.path.lexists(path):
        problems.append(Problem(path, 1, "error", "gazetteer-invalid",
                                f"{path.name} is missing: create it (an empty list `[]` is allowed)"))
        return None
    read = read_text(path, problems)
    control = read and control_character(path, read[0], yaml=True)
    if control:
        problems.append(control)
    parsed = _parse_yaml(path, read[0], 1, problems) if read and not control else None
    if parsed is None:
        return None
    if parsed.data is None:
        return []
    if not isinstance(parsed.data, list):
        problems.append(Problem(path, 1, "error", "gazetteer-invalid",
                                f"expected a list of entries, each starting with '- name:', found {_kind_of(parsed.data)}"))
        return None
    entries = [(_validate(model, parsed, path, problems, (i,)), parsed.line_of((i,), 1)) for i in range(len(parsed.data))]
    return [(entry, line) for entry, line in entries if entry is not None]


def _kind_of(data: Any) -> str:
    """How a message names the type of a YAML value."""
    names = {str: "text", bool: "true/false", int: "a number", float: "a number", list: "a list",
             dict: "key: value pairs", type(None): "nothing"}
    return names.get(type(data), type(data).__name__)


def _load_series(path: Path, problems: list[Problem]) -> dict[str, Series]:
    """series.yml: every series by slug; a slug given twice is reported."""
    series: dict[str, Series] = {}
    for entry, line in _load_list(path, Series, problems) or []:
        if entry.slug in series:
            problems.append(Problem(path, line, "error", "gazetteer-invalid",
                                    f"series '{entry.slug}' is listed twice: keep one entry"))
        series.setdefault(entry.slug, entry)
    return series


def _load_gazetteer(path: Path, problems: list[Problem]) -> Gazetteer:
    """Read places.yml, actors.yml or tags.yml; report repeated names, unknown parents and cycles."""
    gazetteer = Gazetteer(path)
    loaded = _load_list(path, GazetteerEntry, problems)
    if loaded is None:
        gazetteer.broken = True
        return gazetteer
    for entry, line in loaded:
        if entry.name.casefold() in gazetteer.by_alias:
            owner = gazetteer.by_alias[entry.name.casefold()]
            problems.append(Problem(path, line, "error", "gazetteer-invalid",
                                    f"'{entry.name}' is already {'an entry' if owner == entry.name else f'an alias of {owner!r}'}"
                                    f" (line {gazetteer.lines[owner]}): merge the two entries"))
            continue
        gazetteer.entries.append(entry)
        gazetteer.lines[entry.name] = line
        for alias in (entry.name, *entry.aliases):
            owner = gazetteer.by_alias.setdefault(alias.casefold(), entry.name)
            if owner != entry.name:
                problems.append(Problem(path, line, "error", "gazetteer-invalid",
                                        f"alias '{alias}' names both '{owner}' and '{entry.name}': keep it on one entry"))
    for entry in gazetteer.entries:
        if entry.parent and gazetteer.canonical(entry.parent) is None:
            hint = gazetteer.suggest(entry.parent)
            fix = f"did you mean '{hint}'?" if hint else "add it or fix the name"
            problems.append(Problem(path, gazetteer.lines[entry.name], "error", "gazetteer-invalid",
                                    f"parent '{entry.parent}' of '{entry.name}' is not in {path.name}: {fix}"))
    problems.extend(_parent_cycles(gazetteer))
    return gazetteer


def _parent_cycles(gazetteer: Gazetteer) -> Iterator[Problem]:
    """One problem per circle of parents (A in B, B in A), at its first entry in the file."""
    parent_of = {e.name: gazetteer.canonical(e.parent) for e in gazetteer.entries if e.parent}
    reported: set[frozenset[str]] = set()
    for start in parent_of:
        chain: list[str] = []
        name: str | None = start
        while name in parent_of and name not in chain:
            chain.append(name)
            name = parent_of[name]
        if name not in chain:
            continue
        cycle = chain[chain.index(name):]
        if frozenset(cycle) in reported:
            continue
        reported.add(frozenset(cycle))
        first = min(cycle, key=lambda n: gazetteer.lines[n])
        loop = cycle[cycle.index(first):] + cycle[: cycle.index(first)] + [first]
        yield Problem(gazetteer.path, gazetteer.lines[first], "error", "gazetteer-invalid",
                      f"parents go round in a circle ({' → '.join(loop)}): give one of them a parent outside the circle")
