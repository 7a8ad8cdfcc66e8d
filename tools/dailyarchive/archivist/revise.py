"""`invoke revise`: copy a bulletin's latest version to the next one, with `version`, `revised` and
`revision_note` set by editing the YAML text, so the copied comments and layout stay as they were."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..model import safefile
from ..model.errors import Problem
from ..model.load import split_front_matter
from ..build.locks import hold
from .record import FOLDER_NAME, bulletin_folders
from .refused import BulletinNotFound, Refused
from .template import quoted
from .writer import write_new_file

VERSION_FILE = re.compile(r"^v([1-9][0-9]*)\.md$")
#: What an empty note is written as: `check` reports revision-missing until the archivist fills it.
NOTE_TODO = '""  # what was corrected and why (required: `invoke check` reports it until written)'


def find_bulletin(root: Path, reference: str) -> Path:
    """The folder of a bulletin named by its id `<series>/<date>-<slug>` or by its folder's path."""
    folder = Path(reference)
    folder = folder.parent if folder.is_file() else folder
    if folder.is_dir() and FOLDER_NAME.match(folder.resolve().name) and latest_version(folder):
        if not folder.resolve().is_relative_to(root.resolve()):
            raise BulletinNotFound(f"{folder} is not in the archive {root}: pass that archive with --archive")
        return folder.resolve()
    series, _, name = reference.strip("/").partition("/")
    folders = bulletin_folders(root, series) if name else {}
    if reference.strip("/") in folders:
        return folders[reference.strip("/")]
    close = [bulletin_id for bulletin_id in folders if bulletin_id.startswith(reference.strip("/"))]
    hint = f"did you mean {', '.join(close[:3])}?" if close else "give <series>/<date>-<slug> or the folder's path"
    raise BulletinNotFound(f"no bulletin '{reference}' in {root}: {hint}")


def latest_version(folder: Path) -> int:
    """The highest N of the folder's vN.md files (0 when there is none)."""
    numbers = [int(m[1]) for p in folder.iterdir() if (m := VERSION_FILE.match(p.name))]
    return max(numbers, default=0)


def revise_bulletin(root: Path, reference: str, note: str = "", today: dt.date | None = None) -> Path:
    """Write `v<N+1>.md` as a copy of the latest `vN.md` of the bulletin, under the archive's lock;
    return its path. An empty note is written as an empty `revision_note` that `check` reports."""
    today = today or dt.date.today()
    with hold(root, "revise"):
        folder = find_bulletin(root, reference)
        number = latest_version(folder)
        source = folder / f"v{number}.md"
        problems: list[Problem] = []
        read = safefile.read_text(source, problems)  # a link, FIFO or device is refused, never opened to hang
        if read is None:
            raise Refused(f"{source}: cannot read the latest version ({problems[0].message}): fix it first")
        text, _ = read
        revised = next_version_text(text, number + 1, today, " ".join(note.split()))
        return write_new_file(folder / f"v{number + 1}.md", revised)


def next_version_text(text: str, number: int, today: dt.date, note: str) -> str:
    """The text of version `number`: the front matter's `version`, `revised` and `revision_note`
    lines replaced (or added after `version`), every other line kept byte for byte."""
    front, _, _ = split_front_matter(text)
    if front is None:
        raise Refused("the latest version has no front matter between '---' lines: fix it first (invoke check)")
    start = text.index("\n") + 1
    lines = front.splitlines(keepends=True)
    values = {"version": str(number), "revised": today.isoformat(), "revision_note": quoted(note) if note else NOTE_TODO}
    for key in ("revision_note", "revised"):
        lines = _without_key(lines, key)
    at = _key_line(lines, "version")
    if at is None:
        raise Refused("the latest version has no `version:` line: fix it first (invoke check)")
    end = _value_end(lines, at)
    newline = "\r\n" if lines[at].endswith("\r\n") else "\n"
    lines[at:end] = [f"{key}: {value}{newline}" for key, value in values.items()]
    return text[:start] + "".join(lines) + text[start + len(front):]


def _key_line(lines: list[str], key: str) -> int | None:
    """Index of the top-level line `key: ...`."""
    pattern = re.compile(rf"^{re.escape(key)}\s*:(\s|$)")
    return next((i for i, line in enumerate(lines) if pattern.match(line)), None)


def _value_end(lines: list[str], at: int) -> int:
    """Index after the value of the top-level key at `at` (its indented or `- ` continuation lines)."""
    end = at + 1
    while end < len(lines) and (lines[end][:1] in (" ", "\t") or lines[end].startswith("- ") or (
            not lines[end].strip() and end + 1 < len(lines) and lines[end + 1][:1] in (" ", "\t"))):
        end += 1
    return end


def _without_key(lines: list[str], key: str) -> list[str]:
    """The lines without the top-level key `key` and its value."""
    at = _key_line(lines, key)
    return lines if at is None else lines[:at] + lines[_value_end(lines, at):]
