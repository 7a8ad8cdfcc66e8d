"""The checks: each version file on its own (paths, versions, names, figures), then across files
(ids, version numbers, links, series of figures), in parallel for large archives."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import multiprocessing
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple

from ..model import safefile
from .catalog import find_bulletin, link_index, resolve_link
from ..model.errors import Problem
from ..model.memo import digest_of_record
from ..model.collector import collector_paused
from ..model.load import Gazetteer, LoadedArchive, VersionFile, load_archive, load_version, version_paths
from ..model.safebody import body_is_safe
from ..model.schema import Figure, FigureKind
from .series import EXCLUDING_RULES, falls, figure_at, figure_bounds, series_id_of, series_key, strand
from ..model.yamlmarks import Key

Locate = Callable[[Path, Key], int]  #: the line of a front-matter key in a version file
VersionRule = Callable[[VersionFile, LoadedArchive, dt.date], Iterator[Problem]]
Rule = Callable[[list["Summary"], Path, Locate], Iterator[Problem]]

#: Archives with at least this many version files are checked in parallel when workers > 1.
PARALLEL_FROM = 1000


def check(archive: LoadedArchive, today: dt.date | None = None) -> list[Problem]:
    """Every problem of the archive: what loading found plus every rule below, sorted by file and line."""
    today = today or dt.date.today()
    problems = list(archive.problems)
    found: dict[Path, list[Problem]] = {}
    for version in archive.valid_versions():
        found[version.path] = list(version_problems(version, archive, today))
        problems.extend(found[version.path])
    by_path = {version.path: version for version in archive.versions}
    summaries = [summarize(version, archive.gazetteers["places"], found.get(version.path))
                 for version in archive.versions]
    problems.extend(archive_problems(summaries, archive.root, lambda path, key: by_path[path].line_of(*key)))
    return ordered(problems)


def check_folder(root: Path | str, today: dt.date | None = None, workers: int = 1) -> list[Problem]:
    """`check` of the archive at `root`; a large archive is read and checked in `workers` processes
    (each file on its own, then the rules across files on small summaries): the same problems."""
    today = today or dt.date.today()
    archive = load_archive(root, versions=False)
    paths = version_paths(archive.root, archive.problems)
    if workers <= 1 or len(paths) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return check(load_archive(root), today)
    problems = list(archive.problems)
    summaries: list[Summary] = []
    context = multiprocessing.get_context("fork")  # the workers inherit the gazetteers, nothing is pickled
    with (collector_paused(freeze=True),
          ProcessPoolExecutor(workers, context, initializer=_start_worker, initargs=(archive, today)) as pool):
        for found, summary in pool.map(_check_file, paths, chunksize=64):
            problems.extend(found)
            if summary is not None:
                summaries.append(summary)
    problems.extend(archive_problems(summaries, archive.root, Reread(archive.root)))
    return ordered(problems)


def version_problems(version: VersionFile, archive: LoadedArchive, today: dt.date) -> Iterator[Problem]:
    """The problems of one valid version file on its own (VERSION_RULES)."""
    for rule in VERSION_RULES:
        yield from rule(version, archive, today)


def archive_inputs(archive: LoadedArchive, today: dt.date) -> str:
    """A digest of what every version rule reads beyond its own file and the folder it is in: the archive's
    YAML files (series, gazetteers) and today's date."""
    files = sorted(archive.root.glob("*.yml"))
    return digest_of_record([str(archive.root), today, [[p.name, _file_digest(p)] for p in files]])


def _file_digest(path: Path) -> str:
    """The checksum of a file read as the loader reads it (no FIFO or link is followed), '' when refused."""
    data = safefile.read_bytes(path, [])
    return hashlib.sha256(data).hexdigest() if data is not None else ""


def archive_problems(summaries: list[Summary], root: Path, locate: Locate) -> Iterator[Problem]:
    """The problems across version files (ARCHIVE_RULES), from their summaries."""
    for rule in ARCHIVE_RULES:
        yield from rule(summaries, root, locate)


def ordered(problems: Iterable[Problem]) -> list[Problem]:
    """Problems without repeats, by file, line, rule and message."""
    return sorted(set(problems), key=lambda p: (str(p.path), p.line, p.rule, p.message))


_worker: tuple[LoadedArchive, dt.date] | None = None


def _start_worker(archive: LoadedArchive, today: dt.date) -> None:
    global _worker
    _worker = (archive, today)


def _check_file(path: Path) -> tuple[list[Problem], Summary | None]:
    """In a worker: load one version file, check it on its own, and summarize it."""
    assert _worker is not None
    archive, today = _worker
    problems: list[Problem] = []
    version = load_version(path, archive.root, problems)
    if version is None:
        return problems, None
    if version.meta is not None:
        problems.extend(version_problems(version, archive, today))
    return problems, summarize(version, archive.gazetteers["places"])


class Reread:
    """Lines of keys for problems found across files, re-reading a file the first time it is asked for."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[Path, VersionFile | None] = {}

    def __call__(self, path: Path, key: Key) -> int:
        if path not in self.files:
            self.files[path] = load_version(path, self.root, [])
        version = self.files[path]
        return version.line_of(*key) if version is not None else 1


def _error(version: VersionFile, key: tuple[str | int, ...], rule: str, message: str) -> Problem:
    return Problem(version.path, version.line_of(*key), "error", rule, message)


def path_matches_front_matter(version: VersionFile, archive: LoadedArchive, today: dt.date) -> Iterator[Problem]:
    """The folder's series, year and date agree with the front matter; the series exists."""
    meta = version.meta
    assert meta is not None
    if meta.series != version.series:
        yield _error(version, ("series",), "path-mismatch",
                     f"series '{meta.series}' but the file is in folder '{version.series}': move it or fix `series`")
    if meta.series not in archive.series:
        known = ", ".join(sorted(archive.series)) or "none yet"
        yield _error(version, ("series",), "series-unknown",
                     f"series '{meta.series}' is not in series.yml (known: {known}): add it there")
    if meta.date.isoformat() != version.date:
        yield _error(version, ("date",), "path-mismatch",
                     f"date {meta.date} but the folder says {version.date}: rename the folder or fix `date`")
    if version.year != version.date[:4]:
        yield _error(version, ("date",), "path-mismatch",
                     f"the bulletin of {version.date} is in year folder '{version.year}': move it to '{version.date[:4]}'")


def version_fields(version: VersionFile, archive: LoadedArchive, today: dt.date) -> Iterator[Problem]:
    """`version` matches vN.md; corrections carry `revised` and `revision_note`; the body is not empty."""
    meta = version.meta
    assert meta is not None
    if meta.version != version.number:
        yield _error(version, ("version",), "version-number",
                     f"`version: {meta.version}` in file v{version.number}.md: make them agree")
    if meta.version > 1:
        for name in ("revised", "revision_note"):
            if not getattr(meta, name):
                what = "the date of the correction" if name == "revised" else "what was corrected and why"
                yield _error(version, ("version",), "revision-missing",
                             f"version {meta.version} is a correction: add `{name}:` ({what})")
    if meta.revised and meta.revised < meta.date:
        yield _error(version, ("revised",), "revision-date",
                     f"revised {meta.revised} is before the bulletin's date {meta.date}: give the day of the correction")
    if not version.body.strip():
        yield Problem(version.path, version.body_line, "error", "body-empty",
                      "the bulletin has no text after the front matter: write the body")


def no_future_dates(version: VersionFile, archive: LoadedArchive, today: dt.date) -> Iterator[Problem]:
    """No date of the front matter lies after today."""
    meta = version.meta
    assert meta is not None
    dates: list[tuple[tuple[str | int, ...], dt.date | None]] = [(("date",), meta.date), (("revised",), meta.revised)]
    dates += [(("figures", i, "since"), f.since) for i, f in enumerate(meta.figures)]
    dates += [(("figures", i, "as_of"), f.as_of) for i, f in enumerate(meta.figures)]
    dates += [(("events", i, "date"), e.date.start) for i, e in enumerate(meta.events)]
    dates += [(("sources", i, "accessed"), s.accessed) for i, s in enumerate(meta.sources)]
    for key, value in dates:
        if value is not None and value > today:
            yield _error(version, key, "date-future",
                         f"{value} is in the future (today is {today}): check the year, month and day")


def events_before_bulletin(version: VersionFile, archive: LoadedArchive, today: dt.date) -> Iterator[Problem]:
    """No event begins after the bulletin that reports it (a bulletin reports what already happened)."""
    meta = version.meta
    assert meta is not None
    for i, event in enumerate(meta.events):
        if event.date.start > meta.date:
            yield _error(version, ("events", i, "date"), "event-after-bulletin",
                         f"event date {event.date.text} begins after the bulletin's date {meta.date}: "
                         "check the year and month, or move the event to a later bulletin")


def names_are_known(version: VersionFile, archive: LoadedArchive, today: dt.date) -> Iterator[Problem]:
    """Places, actors and tags are in the gazetteer (a canonical name or an alias)."""
    meta = version.meta
    assert meta is not None
    uses: list[tuple[str, tuple[str | int, ...], str]] = []
    uses += [("places", ("places", i), n) for i, n in enumerate(meta.places)]
    uses += [("actors", ("actors", i), n) for i, n in enumerate(meta.actors)]
    uses += [("tags", ("tags", i), n) for i, n in enumerate(meta.tags)]
    uses += [("places", ("events", i, "place"), e.place) for i, e in enumerate(meta.events) if e.place]
    uses += [("actors", ("events", i, "actors", j), a) for i, e in enumerate(meta.events) for j, a in enumerate(e.actors)]
    uses += [("places", ("figures", i, "place"), f.place) for i, f in enumerate(meta.figures) if f.place]
    for kind, key, name in uses:
        gazetteer = archive.gazetteers[kind]
        if gazetteer.broken:
            continue  # its own yaml-syntax problem says why; one error, not one per name
        if gazetteer.canonical(name) is None:
            guess = gazetteer.suggest(name)
            hint = f"did you mean '{guess}'?" if guess else f"add it to {gazetteer.path.name} or fix the spelling"
            yield _error(version, key, f"{kind[:-1]}-unknown", f"'{name}' is not in {gazetteer.path.name}: {hint}")


def image_exists(version: VersionFile, archive: LoadedArchive, today: dt.date) -> Iterator[Problem]:
    """`image` names a file in the bulletin's folder."""
    meta = version.meta
    assert meta is not None
    if not meta.image:
        return
    if "/" in meta.image or "\\" in meta.image or meta.image.startswith("."):
        yield _error(version, ("image",), "image-missing",
                     f"'{meta.image}' is not a file name: put the image in the bulletin's folder and give its name")
    elif not (version.path.parent / meta.image).is_file():
        yield _error(version, ("image",), "image-missing",
                     f"'{meta.image}' is not in {version.path.parent.name}/: add the file or fix the name")


def caption_has_an_image(version: VersionFile, archive: LoadedArchive, today: dt.date) -> Iterator[Problem]:
    """A `caption` describes a photo: the latest version of a bulletin with a caption and no `image` gets a
    warning (the page would show the caption alone). Earlier versions are final, so only the latest is told."""
    meta = version.meta
    assert meta is not None
    if meta.caption.strip() and not meta.image and not (version.path.parent / f"v{version.number + 1}.md").exists():
        yield Problem(version.path, version.line_of("caption"), "warning", "caption-without-image",
                      "`caption` describes a photo but there is no `image`: put the photo in the bulletin's folder "
                      "and name it in `image`, or drop the caption (in a new version: `invoke revise`)")


def figures_are_consistent(version: VersionFile, archive: LoadedArchive, today: dt.date) -> Iterator[Problem]:
    """Bounds, subgroups, baselines and dates of each figure of one version."""
    yield from figure_problems(version)


def figure_problems(version: VersionFile) -> Iterator[Problem]:
    """The problems of `figures_are_consistent`, which need nothing but the version itself."""
    meta = version.meta
    assert meta is not None
    by_id: dict[str, Figure] = {}
    for i, figure in enumerate(meta.figures):
        if figure.id:
            if figure.id in by_id:
                yield _error(version, ("figures", i, "id"), "duplicate-id",
                             f"figure id '{figure.id}' is used twice in this version: rename one")
            else:
                by_id[figure.id] = figure
    for i, figure in enumerate(meta.figures):
        yield from _figure_bounds(version, i, figure)
        yield from _figure_dates(version, i, figure, meta.date)
        if figure.parent is not None:
            yield from _figure_parent(version, i, figure, by_id.get(figure.parent))


def figures_reviewed(version: VersionFile, archive: LoadedArchive, today: dt.date) -> Iterator[Problem]:
    """A warning for each figure an import suggested (`review: pending`) until the archivist confirms it."""
    meta = version.meta
    assert meta is not None
    for i, figure in enumerate(meta.figures):
        if figure.review is not None:
            number = figure.text if figure.value is None else f"{figure.value:g}"
            yield Problem(version.path, version.line_of("figures", i, "review"), "warning", "figure-pending",
                          f"figure {i + 1} ({figure.measure}, {figure.group}: {number}) was suggested by an import: "
                          "check it against the sentence above it, then remove `review: pending` (or the figure)")


def _figure_parent(version: VersionFile, i: int, figure: Figure, parent: Figure | None) -> Iterator[Problem]:
    """A subgroup names a figure of the same version, of the same measure, and is not larger."""
    key = ("figures", i, "parent")
    if parent is None:
        yield _error(version, key, "figure-parent",
                     f"parent '{figure.parent}' is not the id of a figure of this version: "
                     f"add `id: {figure.parent}` to the whole figure or fix the name")
    elif parent is figure:
        yield _error(version, key, "figure-parent", f"figure '{figure.id}' names itself as its parent: remove `parent`")
    elif parent.measure != figure.measure:
        yield _error(version, key, "figure-parent",
                     f"a subgroup counts the same thing as its parent, but this one is '{figure.measure}' "
                     f"and its parent '{parent.measure}': fix the measure or the parent")
    else:
        small, big = headline(figure), headline(parent)
        if small is not None and big is not None and small > big:
            yield _error(version, ("figures", i, "value"), "figure-parent",
                         f"subgroup {figure.group} ({small:g}) is larger than its parent {parent.group} "
                         f"({big:g}): check both numbers")


def headline(figure: Figure) -> float | None:
    """The number a figure is charted and compared at (`series.figure_bounds`); None when it has none."""
    number = figure_bounds(figure.qualifier.value, figure.value, figure.low, figure.high, figure.text).headline
    return None if math.isnan(number) else number


def _figure_bounds(version: VersionFile, i: int, figure: Figure) -> Iterator[Problem]:
    """low <= value <= high (low <= high when there is no value)."""
    low, value, high = figure.low, figure.value, figure.high
    pairs = [("low", low, "value", value), ("value", value, "high", high)] if value is not None else [
        ("low", low, "high", high)]
    for small_name, small, big_name, big in pairs:
        if small is not None and big is not None and small > big:
            yield _error(version, ("figures", i, big_name), "figure-bounds",
                         f"{small_name} {small:g} is above {big_name} {big:g}: swap or correct them")


def _figure_dates(version: VersionFile, i: int, figure: Figure, bulletin_date: dt.date) -> Iterator[Problem]:
    """since <= as_of <= the bulletin's date; running totals and windows have a `since`."""
    as_of = figure.as_of or bulletin_date
    if figure.kind in (FigureKind.running_total, FigureKind.window) and figure.since is None:
        yield _error(version, ("figures", i, "kind"), "figure-baseline",
                     f"a {figure.kind.value} needs `since:` (the date it counts from)")
    if figure.since and figure.since > as_of:
        yield _error(version, ("figures", i, "since"), "figure-dates",
                     f"since {figure.since} is after as_of {as_of}: a count starts before the day it describes; "
                     "check both dates")
    if as_of > bulletin_date:
        yield _error(version, ("figures", i, "as_of"), "figure-dates",
                     f"as_of {as_of} is after the bulletin's date {bulletin_date}: a bulletin cannot report the future; fix as_of")


class _Point(NamedTuple):
    """One figure of a valid version, placed in its series."""

    key: tuple[str, str, str, str]  # series, measure, group, canonical place
    kind: str
    is_stock: bool
    since: str
    as_of: dt.date
    value: float  #: the headline (`series.figure_bounds`), NaN when it has none
    path: Path
    index: int
    series_id: str  #: `series.series_id_of(series.series_key(...))`: the series of the charts
    charted: bool  #: False when an error of `figure_problems` or `review: pending` keeps it off the charts
    illustrative: bool = False  #: its bulletin is illustrative: compared only with illustrative reports (`strand`)


class Summary(NamedTuple):
    """What the rules across files need of one version file (small: it crosses processes)."""

    path: Path
    bulletin_id: str
    number: int
    series: str | None  #: None when the front matter did not pass the schema
    revised: dt.date | None
    see_also: tuple[str, ...]
    points: tuple[_Point, ...]
    #: The day of each event known to the day, by its index (`events_crowded`).
    event_days: tuple[tuple[str, int], ...] = ()


def summary_record(summary: Summary) -> list[object]:
    """A summary as JSON data (`summary_from_record` reads it back)."""
    points = [[list(p.key), p.kind, p.is_stock, p.since, p.as_of.isoformat(), p.value, str(p.path), p.index,
               p.series_id, p.charted, p.illustrative] for p in summary.points]
    return [str(summary.path), summary.bulletin_id, summary.number, summary.series,
            summary.revised.isoformat() if summary.revised else None, list(summary.see_also), points,
            [list(day) for day in summary.event_days]]


def summary_from_record(record: list[Any]) -> Summary:
    """The summary `summary_record` wrote."""
    path, bulletin_id, number, series, revised, see_also, points, days = record
    own = Path(path)  # the points' file: one path object for all
    return Summary(own, bulletin_id, number, series, dt.date.fromisoformat(revised) if revised else None,
                   tuple(see_also),
                   tuple(_Point(tuple(key), kind, stock, since, dt.date.fromisoformat(as_of), value,
                                own if at == path else Path(at), index, series_id, charted, illustrative)
                         for key, kind, stock, since, as_of, value, at, index, series_id, charted, illustrative
                         in points),
                   tuple((day, index) for day, index in days))


def summarize(version: VersionFile, places: Gazetteer, problems: list[Problem] | None = None) -> Summary:
    """The summary of one version file; its figures placed in their series. `problems` are the version's own
    (`version_problems`) when the caller has them: they say which figures stay off the charts."""
    meta = version.meta
    if meta is None:
        return Summary(version.path, version.bulletin_id, version.number, None, None, (), ())
    off = _charted_off(version, problems)
    points = []
    for i, figure in enumerate(meta.figures):
        place = places.resolve(figure.place) if figure.place else ""
        since = figure.since.isoformat() if figure.since else ""
        as_of = figure.as_of or meta.date
        series_id = series_id_of(*series_key(version.series, figure.measure, figure.group, place, figure.kind.value,
                                             since, as_of.isoformat()))
        bounds = figure_bounds(figure.qualifier.value, figure.value, figure.low, figure.high, figure.text)
        points.append(_Point((meta.series, figure.measure, figure.group, place), figure.kind.value,
                             figure.kind is FigureKind.stock, since, as_of, bounds.headline, version.path, i,
                             series_id, i not in off and figure.review is None, meta.illustrative))
    days = tuple((e.date.text, i) for i, e in enumerate(meta.events) if e.date.precision == "day"
                 and not e.date.qualifier)
    return Summary(version.path, version.bulletin_id, version.number, meta.series, meta.revised,
                   tuple(meta.see_also), tuple(points), days)


def _charted_off(version: VersionFile, problems: list[Problem] | None = None) -> set[int]:
    """Figures that an error of `figure_problems` keeps off the charts (`series.EXCLUDING_RULES`),
    found the way the charts find them (`series.figure_at`); from `problems` (the version's own) when given."""
    assert version.meta is not None
    excluding = [p for p in (figure_problems(version) if problems is None else problems)
                 if p.level == "error" and p.rule in EXCLUDING_RULES and p.path == version.path]
    if not excluding:
        return set()
    starts = [version.line_of("figures", i) for i in range(len(version.meta.figures))]
    found = (figure_at(starts, p.line) for p in excluding)
    return {i for i in found if i is not None}


def bulletin_ids_unique(summaries: list[Summary], root: Path, locate: Locate) -> Iterator[Problem]:
    """No two folders give the same bulletin id."""
    folders: dict[str, dict[Path, Summary]] = defaultdict(dict)
    for summary in summaries:
        folders[summary.bulletin_id].setdefault(summary.path.parent, summary)
    for bulletin_id, first_files in folders.items():
        if len(first_files) > 1:
            first, *others = sorted(first_files)
            for other in others:
                path = first_files[other].path
                yield Problem(path, locate(path, ("date",)), "error", "duplicate-id",
                              f"bulletin id {bulletin_id} is also the id of {_relative(root, first)}"
                              ": one bulletin is one folder; merge them or change a slug")


def versions_contiguous(summaries: list[Summary], root: Path, locate: Locate) -> Iterator[Problem]:
    """Each bulletin has v1, v2, ... without gaps; corrections are not dated before earlier ones."""
    by_folder: dict[Path, list[Summary]] = defaultdict(list)
    for summary in summaries:
        by_folder[summary.path.parent].append(summary)
    for versions in by_folder.values():
        versions.sort(key=lambda v: v.number)
        numbers = [v.number for v in versions]
        if numbers != list(range(1, len(numbers) + 1)):
            missing = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
            last = versions[-1].path
            yield Problem(last, locate(last, ("version",)), "error", "version-gap",
                          f"versions {numbers} of this bulletin skip v{missing[0]}: "
                          "number corrections v2, v3 ... without gaps (never delete a published version)")
        previous = None
        for version in versions:
            if version.revised and previous and version.revised < previous:
                yield Problem(version.path, locate(version.path, ("revised",)), "error", "revision-date",
                              f"revised {version.revised} is before the previous version's revision {previous}: "
                              "a later correction cannot be dated earlier; fix the date")
            previous = version.revised or previous


def see_also_targets_exist(summaries: list[Summary], root: Path, locate: Locate) -> Iterator[Problem]:
    """Every see_also names exactly one other bulletin of the archive."""
    index = link_index({summary.bulletin_id for summary in summaries})
    for summary in summaries:
        for i, target in enumerate(summary.see_also):
            wanted = resolve_link(target, summary.series or "")
            resolved = find_bulletin(wanted, index)
            if resolved is None:
                message = f"see_also '{target}' names no bulletin: {_link_hint(wanted, index)}"
            elif resolved == summary.bulletin_id:
                message = f"see_also '{target}' points at this bulletin itself: remove it"
            else:
                continue
            yield Problem(summary.path, locate(summary.path, ("see_also", i)), "error", "see-also-unknown", message)


def _link_hint(wanted: str, index: dict[str, list[str]]) -> str:
    """How to fix a see_also target that names no bulletin, or several."""
    matches = index.get(wanted, [])
    if len(matches) > 1:
        return f"several bulletins share that date ({', '.join(sorted(matches))}): give the full id"
    return "give the date of a bulletin of this series (2019-07-05) or a full id <series>/<date>-<slug>"


def series_consistent(summaries: list[Summary], root: Path, locate: Locate) -> Iterator[Problem]:
    """Within one series (measure, group, place) of the latest versions: stocks and flows are
    not mixed, and a running total (same baseline) does not fall from one date to a later one
    (among the figures the charts draw: none that an error keeps off them)."""
    latest: dict[str, Summary] = {}
    for summary in summaries:
        current = latest.get(summary.bulletin_id)
        if summary.series is not None and (current is None or summary.number > current.number):
            latest[summary.bulletin_id] = summary
    points = sorted((p for s in latest.values() for p in s.points), key=lambda p: (p.as_of, str(p.path), p.index))
    first_kind: dict[tuple[str, ...], _Point] = {}
    reported: set[tuple[str, ...]] = set()
    mixed: set[tuple[Path, int]] = set()
    for point in points:
        first = first_kind.setdefault(point.key, point)
        if point.is_stock != first.is_stock and point.key not in reported:
            reported.add(point.key)
            mixed.add((point.path, point.index))
            yield Problem(point.path, locate(point.path, ("figures", point.index, "kind")), "error",
                          "figure-kind-mixed",
                          f"{_series_name(point.key)} is a {point.kind} here but a "
                          f"{'stock' if first.is_stock else 'flow'} ({first.kind}) in {_relative(root, first.path)}: "
                          "a stock and a flow cannot share a series; change the measure or the group of one")
    charted = [p for p in points
               if p.kind == FigureKind.running_total.value and p.charted and (p.path, p.index) not in mixed]
    yield from _falls(root, locate, charted)


def _falls(root: Path, locate: Locate, points: list[_Point]) -> Iterator[Problem]:
    """A warning for each running total that fell (`series.falls`, the rule the charts mark)."""
    below = falls([strand(p.series_id, p.illustrative) for p in points], [p.as_of for p in points],
                  [p.value for p in points])
    for point, peak_at in zip(points, below):
        if peak_at is None:
            continue
        peak = points[peak_at]
        yield Problem(point.path, locate(point.path, ("figures", point.index, "value")),
                      "warning", "running-total-fell",
                      f"{_series_name(point.key)} since {point.since}: {point.value:g} as of "
                      f"{point.as_of} is below {peak.value:g} as of {peak.as_of} in "
                      f"{_relative(root, peak.path)}: a revision, a change of scope or another source? "
                      "say which in the body (the chart marks the fall)")


#: More events than this on one day, across the latest versions, is a warning (`events-crowded`).
CROWDED_DAY = 1000


def events_crowded(summaries: list[Summary], root: Path, locate: Locate) -> Iterator[Problem]:
    """A day with more than CROWDED_DAY events in the latest versions: once, at the first event of that day."""
    latest: dict[str, Summary] = {}
    for summary in summaries:
        if summary.series is not None and summary.number >= getattr(latest.get(summary.bulletin_id), "number", 0):
            latest[summary.bulletin_id] = summary
    counts: dict[str, int] = {}
    first: dict[str, tuple[Path, int]] = {}
    for summary in sorted(latest.values(), key=lambda s: s.path):
        for day, index in summary.event_days:
            counts[day] = counts.get(day, 0) + 1
            first.setdefault(day, (summary.path, index))
    for day, count in sorted(counts.items()):
        if count > CROWDED_DAY:
            path, index = first[day]
            yield Problem(path, locate(path, ("events", index, "date")), "warning", "events-crowded",
                          f"{count} events are dated {day} (more than {CROWDED_DAY}): check for a duplicated "
                          "import; the timeline draws them all on that day")


def _series_name(key: tuple[str, ...]) -> str:
    """`killed (civilians, Idlib Province)`: how a message names a series."""
    return f"{key[1]} ({key[2]}, {key[3] or 'no place'})"


def _relative(root: Path, path: Path) -> str:
    """A path relative to the archive folder, as messages show it."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


VERSION_RULES: list[VersionRule] = [
    path_matches_front_matter, version_fields, no_future_dates, events_before_bulletin, names_are_known, image_exists,
    caption_has_an_image,
    figures_are_consistent, figures_reviewed, body_is_safe,
]
ARCHIVE_RULES: list[Rule] = [bulletin_ids_unique, versions_contiguous, see_also_targets_exist, series_consistent,
                             events_crowded]
