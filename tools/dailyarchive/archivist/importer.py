"""`invoke import`: legacy bulletins (plain text, HTML pages, WordPress exports) into the archive.

Every input is read and inferred first; then, under the archive's lock, each bulletin is written as
one whole folder (temporary folder, then a rename) or refused with a reason. An interrupted import
leaves whole bulletins only; a dot-named temporary folder it may leave is invisible to `check` and
removed by the next import. Nothing existing is ever overwritten."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..model.load import Gazetteer, load_archive
from ..build.locks import hold
from ..model.safebody import unsafe_constructs
from .importers import MAX_BYTES, reader_for, suffixes
from .importers.figures import suggest_figures
from .importers.infer import complete, date_in_name, plain
from .importers.model import ImportedBulletin, ImportRefused
from .importers.render import imported_version
from .record import bulletin_folders, folder_of, known_series, see_also_target, slug_for
from .refused import Refused
from .writer import sweep_leftovers, write_bulletin_folder

Status = Literal["written", "would write", "refused", "skipped"]


@dataclass
class Outcome:
    """What happened to one input (or one post of an export)."""

    label: str
    status: Status
    detail: str = ""  #: the path written, or why it was refused or skipped
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """Every outcome in input order, the proposed tags not in tags.yml, and leftovers swept."""

    outcomes: list[Outcome] = field(default_factory=list)
    unknown_tags: Counter[str] = field(default_factory=Counter)
    swept: list[Path] = field(default_factory=list)

    def count(self, status: Status) -> int:
        """How many outcomes have `status`."""
        return sum(outcome.status == status for outcome in self.outcomes)


def import_path(root: Path, series: str, source: Path, drafts: bool = False, dry_run: bool = False,
                today: dt.date | None = None) -> ImportReport:
    """Import the file or folder `source` into `series`; with `dry_run`, report without writing."""
    known_series(root, series)
    today = today or dt.date.today()
    report = ImportReport()
    bulletins = _read_all(_input_files(source, report), drafts, report)
    with hold(root, "import"):
        if not dry_run:
            report.swept = sweep_leftovers(root)
        placer = _Placer.of(root, series, today, dry_run, report)
        for bulletin in sorted(bulletins, key=lambda b: (b.date or dt.date.max, b.label)):
            report.outcomes.append(placer.place(bulletin))
    order = {b.label: n for n, b in enumerate(bulletins)}
    report.outcomes.sort(key=lambda o: order.get(o.label, -1))
    return report


def _input_files(source: Path, report: ImportReport) -> list[Path]:
    """The files to read: `source` itself, or the files of the folder a reader takes (others reported)."""
    if source.is_file():
        return [source]
    if not source.is_dir():
        raise Refused(f"{source}: no such file or folder: give a file or a folder of {', '.join(suffixes())} files")
    files = []
    for path in sorted(p for p in source.rglob("*") if not any(part.startswith(".") for part in p.parts[-1:])):
        if path.is_file() and reader_for(path) is not None:
            files.append(path)
        elif path.is_file():
            report.outcomes.append(Outcome(str(path), "skipped", f"not one of {', '.join(suffixes())}"))
    if not files:
        raise Refused(f"{source}: no {', '.join(suffixes())} file in the folder: nothing to import")
    return files


def _read_all(files: list[Path], drafts: bool, report: ImportReport) -> list[ImportedBulletin]:
    """Every bulletin of every input, completed by inference; an input that cannot be read is refused."""
    bulletins: list[ImportedBulletin] = []
    for path in files:
        reader = reader_for(path)
        if reader is None:
            report.outcomes.append(Outcome(str(path), "refused", f"no reader for {path.suffix} files: give "
                                                                 f"one of {', '.join(suffixes())}"))
            continue
        try:
            reading = reader.read(path, _read_capped(path, MAX_BYTES[reader]), drafts)
        except ImportRefused as exc:
            report.outcomes.append(Outcome(str(path), "refused", str(exc)))
            continue
        report.outcomes += [Outcome(f"{path}: {item}", "skipped", why) for item, why in reading.skipped]
        name_date = date_in_name(path)
        bulletins += [complete(bulletin, name_date) for bulletin in reading.bulletins]
    return bulletins


def _read_capped(path: Path, limit: int) -> bytes:
    """The bytes of an input, refused above `limit` or when it cannot be read."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise ImportRefused(f"{size / 2**20:.1f} MiB is over the {limit // 2**20} MiB limit for this kind of "
                                "input: split it (WordPress exports by date range), or move images and data out")
        with open(path, "rb") as stream:
            data = stream.read(limit + 1)
    except OSError as exc:
        raise ImportRefused(f"cannot read the file ({exc.strerror or exc}): fix its permissions") from None
    if len(data) > limit:
        raise ImportRefused(f"over the {limit // 2**20} MiB limit for this kind of input: split it")
    return data


@dataclass
class _Placer:
    """Decides, bulletin by bulletin in date order, what is written where; remembers what this run wrote."""

    root: Path
    series: str
    today: dt.date
    dry_run: bool
    report: ImportReport
    ids: dict[str, Path]  #: bulletin id → folder, of the archive and of this run
    series_by_name: dict[str, str]  #: display name and slug (lower case) → slug, for "See also Syria Daily, ..."
    places: dict[str, str]  #: place name or alias (lower case) → canonical name
    tags: Gazetteer
    planned: dict[str, str] = field(default_factory=dict)  #: bulletin id → the input it came from

    @classmethod
    def of(cls, root: Path, series: str, today: dt.date, dry_run: bool, report: ImportReport) -> _Placer:
        """A placer for the archive at `root` as it is now (call it holding the lock)."""
        archive = load_archive(root, versions=False)
        ids = {i: f for slug in archive.series for i, f in bulletin_folders(root, slug).items()}
        names = {s.name.casefold(): s.slug for s in archive.series.values()} | {s.casefold(): s for s in archive.series}
        return cls(root, series, today, dry_run, report, ids, names, dict(archive.gazetteers["places"].by_alias),
                   archive.gazetteers["tags"])

    def place(self, bulletin: ImportedBulletin) -> Outcome:
        """Refuse the bulletin with a reason, or write it (or say it would be written)."""
        outcome = Outcome(bulletin.label, "refused", notes=list(bulletin.notes), warnings=list(bulletin.warnings))
        refusal = bulletin.refusal or _refusal(bulletin, self.today)
        slug = ""
        if not refusal:
            try:
                slug = slug_for(bulletin.title)
            except Refused as exc:
                refusal = str(exc)
        if refusal or bulletin.date is None:
            outcome.detail = refusal
            return outcome
        bulletin_id = f"{self.series}/{bulletin.date.isoformat()}-{slug}"
        if bulletin_id in self.planned:
            outcome.detail = (f"same date and title as {self.planned[bulletin_id]}: nothing written for this one; "
                              "merge the two by hand, or import one of them")
            return outcome
        if bulletin_id in self.ids:
            outcome.detail = f"{bulletin_id} is already in the archive ({self.ids[bulletin_id]}): never overwritten"
            return outcome
        see_also = self._see_also(bulletin, outcome)
        figures = suggest_figures([plain(p) for p in bulletin.paragraphs], bulletin.date, self.places)
        outcome.notes.append(f"date {bulletin.date} from {bulletin.date_from}; {len(figures)} figure(s) suggested "
                             "(review: pending)")
        unsafe = _unsafe("\n\n".join(bulletin.paragraphs))
        if unsafe:
            outcome.detail = f"the body holds what a bulletin may not: {unsafe}; nothing written"
            return outcome
        text = imported_version(self.series, bulletin, see_also, self._tags(bulletin, outcome), figures)
        folder = folder_of(self.root, self.series, bulletin.date, slug)
        self.planned[bulletin_id] = bulletin.label
        if not self.dry_run:
            write_bulletin_folder(folder, {"v1.md": text})
        outcome.status, outcome.detail = ("would write" if self.dry_run else "written"), str(folder / "v1.md")
        self.ids[bulletin_id] = folder
        return outcome

    def _see_also(self, bulletin: ImportedBulletin, outcome: Outcome) -> list[str]:
        """see_also targets for the links that name a bulletin of the archive; the others stay in the body."""
        targets: list[str] = []
        for link in bulletin.see_also:
            series = self.series_by_name.get(link.series.casefold(), "") if link.series else self.series
            if not series:
                outcome.warnings.append(f"see also {link.date}: series {link.series!r} is not in series.yml; "
                                        f"looked in {self.series}")
                series = self.series
            matches = sorted(i for i in self.ids if i.startswith(f"{series}/{link.date.isoformat()}-"))
            if not matches:
                bulletin.paragraphs.append(link.markdown)
                outcome.warnings.append(f"see also {link.date} ({link.headline!r}): no bulletin of that date in "
                                        f"{series}; kept as text in the body")
                continue
            if series != self.series or len(matches) > 1:
                targets.append(matches[0])
            else:
                targets.append(see_also_target(matches[0], self.ids))
            outcome.notes.append(f"see also {link.date}: {matches[0]}")
            if len(matches) > 1:
                outcome.warnings.append(f"see also {link.date}: {len(matches)} bulletins that day, linked to "
                                        f"{matches[0]}: check it against {link.headline!r}")
        return targets

    def _tags(self, bulletin: ImportedBulletin, outcome: Outcome) -> list[str]:
        """The proposed tags that tags.yml knows (as canonical names); the others go into the report."""
        known = list(dict.fromkeys(c for name in bulletin.tags if (c := self.tags.canonical(name)) is not None))
        unknown = [name for name in bulletin.tags if self.tags.canonical(name) is None]
        self.report.unknown_tags.update(unknown)
        if unknown:
            outcome.warnings.append(f"tags not in tags.yml, not written: {', '.join(unknown)}")
        return known


def _refusal(bulletin: ImportedBulletin, today: dt.date) -> str:
    """Why a completed bulletin cannot be written ('' when it can)."""
    if bulletin.date is not None and bulletin.date > today:
        return f"its date {bulletin.date} (from {bulletin.date_from}) is in the future: check the input"
    if not bulletin.paragraphs:
        return "no paragraph of text besides the headline and caption: nothing to import"
    return ""


def _unsafe(body: str) -> str:
    """What the safe body profile finds in an imported body ('' when nothing)."""
    findings = unsafe_constructs(body)
    return "; ".join(f"line {f.line}: {f.construct}" for f in findings)
