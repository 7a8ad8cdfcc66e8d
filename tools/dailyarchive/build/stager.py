"""The stager: an archive → every file of the site, as a plan keyed by path, without Sphinx.

`stage(archive, docs, settings, cache)` loads and checks the archive once and returns a `Site`:
the Sphinx projects to build (one volume per series-year, `<series>/<year>`, and the `site`
project with the hand-written docs, home, series, names, chronology and chart pages), each
with its staged files and a digest of exactly those files, and the files written straight into
the HTML output (feeds, sitemap, TimeMaps, search shards, chart SVGs, data downloads, the
static pages of latest versions). `invoke build`, `invoke bench` and the Sphinx extension
all call it. It runs in two steps (`stage_projects`, then `Staging.finish`): `invoke build` starts
Sphinx on the projects between them, while the feeds, search shards and the rest are made. What it
makes is kept in `cache` under the digest of its inputs (each volume's catalog rows and problems,
`reading`; bulletin pages, chart pages and their SVGs, search shards, citation files), so a rebuild
makes again only what its changed files feed.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any, TypeVar

import pandas as pd

from .. import addresses
from ..catalog.catalog import Catalog
from ..site.charts import TOLL_MEASURES, add_templates, known_templates, place_key
from ..site.chartset import (CHARTS_VERSION, ChartData, RowsMemo, chart_data, chart_rows_group, page_plan,
                             plan_digest, render)
from ..site.cite import VolumeCitations, version_files
from ..site.chronology import ChronologySettings, chronology_pages, event_order, event_records
from ..model.collector import collector_paused
from ..model.errors import Problem
from ..archivist.fixity import head_text, sealed_problems
from ..site.feeds import Site as Addressing
from ..site.feeds import feed_path, feeds, robots, sitemap, sitemap_urls, tag_slugs, timemaps
from ..site.pages import PageSettings, VolumeMemo, staged_pages
from ..publish.data import DOWNLOAD_DIR
from ..catalog.rules import ordered
from ..site.search import SEARCH_DIR, file_digest, search_files
from ..model.load import volume_of
from .datadownloads import data_downloads, made_downloads
from .parcels import Parcel, Shared, parcel_folder, unpacked
from .reading import read_archive
from .stage import Content, FileMemo, GroupedMemo, LedgeredWriter, content_bytes, content_digest, write_if_changed
from ..model.memo import Kept
from ..site.timeline import timeline_files
from .volumes import code_digest

Files = dict[str, Content]
T = TypeVar("T")
#: Parts of the hand-written docs folder that are never staged.
SKIP_PARTS = {"_build", "__pycache__", ".ipynb_checkpoints"}
#: The folder of drawn SVGs in the cache; a new name when the way an SVG is drawn changes (v2: notes under it).
SVG_CACHE = "svg-v2"
#: The record of `cache/search/` that names the text kept for each search file (`search_shards`).
SHARDS = "shards"
NO_SEAL = "Nothing of this archive is sealed yet (`invoke seal` seals what is published and starts the seal log)."


@dataclass(frozen=True)
class StageSettings:
    """What the staged files depend on beyond the archive and the docs (each part of every digest)."""

    latest_count: int = 10
    charts_per_bulletin: int = 1
    chronology_max_events: int = ChronologySettings().max_events
    baseurl: str = ""
    search: bool = True
    #: Each series-year its own project (`invoke build`); False stages one project (the extension alone).
    volumes: bool = True
    #: Month pages list their bulletins in a toctree (PDF and EPUB; see `PageSettings`).
    bulletin_toctree: bool = False


@dataclass
class Project:
    """One Sphinx project: its name (`site` or `<series>/<year>`) and its staged source files."""

    name: str
    files: Files = field(default_factory=dict)

    @property
    def digest(self) -> str:
        """A hash of every staged file (path and content): equal digests build equal output."""
        return digest_of(self.files)


@dataclass(frozen=True)
class Installed:
    """What a worker installed into the HTML output itself (`installed_catalog_files`): the paths of the files
    (for the list of outputs, `stage.remove_stale`), the cache's texts they were copied from (which the build
    keeps, `stage.unused_texts`), how many it wrote, and the problems found making them."""

    paths: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    written: int = 0
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Site:
    """Everything one build makes, before Sphinx runs."""

    projects: dict[str, Project]
    #: Files copied as they are into the HTML output, by path from its root.
    outputs: Files
    problems: list[Problem]
    #: Docname → `[[title, feed path], ...]`: the feeds a page announces in its head.
    feed_links: dict[str, list[list[str]]]
    #: Documents of the Sphinx project that are not staged (its own hand-written pages).
    known_docs: frozenset[str] = frozenset()
    #: A sealed file changed or cannot be proved intact: the build fails even without warnings as errors.
    seal_broken: bool = False
    #: What was read, in one line (`archive_summary`).
    summary: str = ""
    #: The documents of every project, as planned (a build hands the projects' files over to their builds).
    staged_docs: frozenset[str] = frozenset()
    #: Output files a worker installed itself (`installed_catalog_files`), not among `outputs`.
    installed: Installed = field(default_factory=Installed)

    @property
    def docnames(self) -> set[str]:
        """Every document of every project."""
        return set(self.staged_docs | self.known_docs)


def digest_of(files: Files) -> str:
    """A hash of `files` (path and content), independent of their order."""
    total = hashlib.sha256()
    for path in sorted(files):
        total.update(f"{path}\0{content_digest(files[path])}\0".encode())
    return total.hexdigest()


def stage(archive: Path, docs: Path | None, settings: StageSettings = StageSettings(),
          cache: Path | None = None, known_docs: frozenset[str] = frozenset()) -> Site:
    """Load and check `archive`, then plan every file of the site (see the module's docstring).

    `docs` is the hand-written project staged with the site (None: it is the Sphinx project's own
    folder, whose pages are `known_docs`).
    """
    return stage_projects(archive, docs, settings, cache, known_docs).finish()


@dataclass
class Staging:
    """A site staged in two steps: its Sphinx projects first (`stage_projects`), then the files only the
    HTML output holds (`finish`), so that a build can run Sphinx on the projects while those are made.

    It holds the catalog until `finish`; drop it then.
    """

    site: Site
    catalog: Catalog
    settings: StageSettings
    #: The SVGs of the charts, still being drawn.
    drawings: Drawings
    cache: Path | None = None
    #: The version sources the build withholds (`withheld_sources`).
    withheld: frozenset[str] = frozenset()
    #: `catalog_files`, being made (and installed: `installed_catalog_files`) on a worker while the projects are
    #: planned (None: `finish` makes them).
    aside: Future[tuple[Files, list[Problem]] | Installed] | None = None
    #: What each volume was read from (`reading.Reading.digests`).
    read_from: dict[str, str] = field(default_factory=dict)
    #: The folder the local workers leave their large results in (`parcels`; None: no local workers).
    parcels: TemporaryDirectory[str] | None = None

    @collector_paused()
    def finish(self, arrived: Callable[[Files], object] = lambda files: None) -> Site:
        """Add the sitemap, robots.txt, search shards, timeline, feeds, TimeMaps, version files and the chart SVGs
        to the site's outputs (the data downloads are there already); the site is then complete. None of these
        is a source of a project, so a build starts the projects first. `arrived` is given each part as it is
        added, so that a build can install it while the next is made."""
        outputs = self.site.outputs
        parts = [self.discovery_files, self.aside_files, self.drawings.files]
        for part in parts:  # the SVGs last: the drawer draws meanwhile
            files = part()
            outputs.update(files)
            arrived(files)
        if self.parcels is not None:
            self.parcels.cleanup()
        return self.site

    def discovery_files(self) -> Files:
        """The sitemap, robots.txt and search shards (`discovery_files`)."""
        return discovery_files(self.catalog, self.site.docnames, self.settings, self.cache)

    def aside_files(self) -> Files:
        """`catalog_files`, as made on a worker meanwhile (or here); their problems join the site's. Those the
        worker installed itself are recorded as the site's `installed`, not returned."""
        made = worked_or_here(self.aside, catalog_files, self.catalog, self.settings, self.withheld, self.cache,
                              self.read_from)
        if isinstance(made, Installed):
            self.site.installed = made
            self.site.problems.extend(made.problems)
            return {}
        self.site.problems.extend(made[1])
        return made[0]


@collector_paused()
def stage_projects(archive: Path, docs: Path | None, settings: StageSettings = StageSettings(),
                   cache: Path | None = None, known_docs: frozenset[str] = frozenset(),
                   workers: Executor | None = None, drawer: Executor | None = None,
                   install_into: tuple[Path, Path] | None = None) -> Staging:
    """Load and check `archive` and plan the Sphinx projects of the site, with the output files they depend on
    (data downloads, static pages); `Staging.finish` adds the rest (see `stage`). The data downloads and new
    chart SVGs are made on `workers` (the build's worker processes) while the staging goes on, when given, and so
    are the files made from the catalog alone (`catalog_files`), while the projects are planned; with
    `install_into` (the HTML output and a ledger, `installed_catalog_files`), the worker installs those itself.
    The SVGs are drawn by `drawer` when given (`volumes.drawer`), by the workers otherwise."""
    local = isinstance(workers, ProcessPoolExecutor)  # a Dask cluster's workers may not see the archive's folder
    reading = read_archive(archive, cache, readers=workers if local else None)
    withheld = withheld_sources(reading.problems, archive)
    hand_written = docs_files(docs) if docs else {}
    charting, aside = None, None
    parcels = parcel_folder() if local else None
    if workers is not None:  # the charts first: the projects wait for them, the catalog's files only the finish
        folder = parcels.name if parcels is not None else ""
        shipped: bytes | Shared = shipped_catalog(reading.catalog)
        if folder:
            shipped = Shared.left(shipped, folder)
        charting = start_chart_work(workers, shipped, reading.problems, settings, cache, data_dictionary(hand_written),
                                    folder)
        made_aside = catalog_files if install_into is None else installed_catalog_files
        aside = workers.submit(with_catalog, made_aside, shipped, settings, withheld, cache, reading.digests,
                               *(install_into or ()), parcels=folder)
    sealed = sealed_problems(archive)
    staging = plan_projects(reading.catalog, reading.problems, hand_written, settings, cache, known_docs,
                            drawer=drawer or workers, volume_digests=reading.digests, charting=charting)
    staging.withheld, staging.aside, staging.read_from, staging.parcels = withheld, aside, reading.digests, parcels
    site = staging.site
    site.problems = ordered([*site.problems, *sealed])
    site.seal_broken = any(p.level == "error" for p in sealed)
    site.projects[addresses.SITE_PROJECT].files[addresses.SEAL_INCLUDE] = (head_text(archive) or NO_SEAL) + "\n"
    return staging


def memo_in(cache: Path | None, name: str) -> FileMemo | None:
    """The memo `cache/<name>/`, salted with the toolkit's digest (None without a cache)."""
    return FileMemo(cache / name, code_digest()) if cache is not None else None


def grouped_memo_in(cache: Path | None, name: str, group_of: Callable[[str], str]) -> GroupedMemo | None:
    """The memo `cache/<name>/` with one file a group of keys (None without a cache)."""
    return GroupedMemo(cache / name, code_digest(), group_of) if cache is not None else None


def volume_memo(cache: Path | None, volume_digests: dict[str, str] | None) -> VolumeMemo | None:
    """The memo `cache/volume-pages/` of each volume's bulletin pages, under what the volumes were read from
    (None without a cache or the volumes' digests)."""
    memo = memo_in(cache, "volume-pages")
    return VolumeMemo(memo, volume_digests) if memo is not None and volume_digests else None


def top_folder(path: str) -> str:
    """`places` for `places/aleppo/index.md`: the pages of one kind of name (or one series) share a group."""
    return path.partition("/")[0]


def plan_projects(catalog: Catalog, problems: list[Problem], docs: Files, settings: StageSettings,
                  cache: Path | None = None, known_docs: frozenset[str] = frozenset(),
                  drawer: Executor | None = None, volume_digests: dict[str, str] | None = None,
                  charting: ChartJobs | None = None) -> Staging:
    """The projects of a catalog, with the output files they depend on (see `stage_projects`;
    `volume_digests`: what each volume was read from, `reading.Reading.digests`). The charts are made on the
    workers while the pages are made here (`charting`, started by `start_chart_work`; here without workers),
    and their new SVGs drawn by `drawer` (the build's drawing process or its workers; here without one)."""
    chronology = chronology_pages(catalog, ChronologySettings(settings.chronology_max_events),
                                  chronology_records(catalog, volume_digests or {}, cache))
    existing = frozenset(project_docnames(docs)) | frozenset(project_docnames(chronology)) | known_docs
    remembered = grouped_memo_in(cache, "pages", addresses.bulletin_volume)
    lists = grouped_memo_in(cache, "lists", top_folder)
    pages = staged_pages(catalog, PageSettings(latest_count=settings.latest_count, existing_docs=existing,
                                               bulletin_toctree=settings.bulletin_toctree, volumes=settings.volumes,
                                               latex=not settings.volumes),
                         remembered, lists, volume_memo(cache, volume_digests))
    for memo in (remembered, lists):
        if memo is not None:
            memo.save()
    staged_docs = frozenset(project_docnames({**docs, **pages, **chronology}))  # the charts add no document
    outputs: Files = {}
    charts, drawings, downloads = chart_results(charting, catalog, problems, settings, cache, data_dictionary(docs))
    drawings.start(drawer)
    staged: Files = {**docs, **pages, **chronology, **charts}
    for path in [p for p in staged if p.startswith(addresses.EXTRA_DIR + "/")]:
        outputs[path.removeprefix(addresses.EXTRA_DIR + "/")] = staged.pop(path)
    for name, content in downloads.items():
        outputs[f"{DOWNLOAD_DIR}/{name}"] = content
    links = feed_links(catalog)
    staged[addresses.FEED_LINKS] = json.dumps(links, sort_keys=True, ensure_ascii=False) + "\n"
    projects = split_projects(staged, set(catalog.series["slug"]), settings.volumes)
    site = Site(projects, outputs, problems, links, known_docs, summary=archive_summary(catalog),
                staged_docs=staged_docs)
    return Staging(site, catalog, settings, drawings, cache)


def chronology_records(catalog: Catalog, volume_digests: dict[str, str],
                       cache: Path | None) -> list[dict[str, Any]] | None:
    """`chronology.event_records` of the catalog, joined from each volume's: a volume's records are made from its
    own rows and the archive's YAML files, so they are kept in `cache/chronology/` under the digest the volume
    was read with, and only a changed volume's are made again (None without a cache: the pages make them)."""
    memo = memo_in(cache, "chronology")
    if memo is None or not volume_digests:
        return None
    events = catalog.latest("events")
    paths = events["path"].tolist()
    of_path = {path: volume_of(catalog.root, path) for path in set(paths)}
    volumes = pd.Series([of_path[path] for path in paths], index=events.index, dtype=object)
    keyed: list[list[Any]] = []
    missing = []
    for volume in sorted(set(volumes)):
        kept = memo.recall(volume, volume_digests.get(volume, ""))
        if isinstance(kept, list):
            keyed += kept
        else:
            missing.append(volume)
    rows = events[volumes.isin(missing)]
    made: dict[str, list[list[Any]]] = {volume: [] for volume in missing}
    order = event_order(rows)
    listed = sorted(range(len(rows)), key=order.__getitem__)  # the order event_records lists them in
    for position, record in zip(listed, event_records(catalog, rows)):
        made[volumes[rows.index[position]]].append([list(order[position]), record])
    for volume, pairs in made.items():
        memo.keep(volume, volume_digests.get(volume, ""), pairs)
        keyed += pairs
    return [record for _, record in sorted(keyed, key=lambda pair: tuple(pair[0]))]


def archive_summary(catalog: Catalog) -> str:
    """`26 bulletins (28 versions) in 1 series, 28 April 2019 to 31 August 2019`."""
    bulletins = catalog.bulletins
    count = len(bulletins)
    text = f"{_counted(count, 'bulletin')} ({_counted(len(catalog.versions), 'version')}) in {len(catalog.series)} series"
    if count:
        first, last = (f"{d.day} {d:%B %Y}" for d in (bulletins["date"].min(), bulletins["date"].max()))
        text += f", {first} to {last}"
    return text


def _counted(number: int, noun: str) -> str:
    """`1 bulletin`, `28 bulletins`."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def docs_files(docs: Path) -> Files:
    """The hand-written docs project (conf.py, pages, templates, static files) as bytes by path."""
    return {path.relative_to(docs).as_posix(): path.read_bytes() for path in sorted(docs.rglob("*"))
            if path.is_file() and not SKIP_PARTS.intersection(path.relative_to(docs).parts)}


def project_docnames(files: Iterable[str]) -> list[str]:
    """The docnames among staged paths (Markdown files outside the helper folder)."""
    return [path.removesuffix(".md") for path in files
            if path.endswith(".md") and not path.startswith(addresses.INCLUDE_DIR + "/")]


def split_projects(staged: Files, series: set[str], volumes: bool) -> dict[str, Project]:
    """Group staged files into the site project and one project per volume (each file in one project)."""
    projects = {addresses.SITE_PROJECT: Project(addresses.SITE_PROJECT)}
    for path, content in staged.items():
        name = (addresses.volume_of(path, series) if volumes else None) or addresses.SITE_PROJECT
        projects.setdefault(name, Project(name)).files[path] = content
    return dict(sorted(projects.items()))


def data_dictionary(docs: Files) -> str:
    """The text of the docs' data dictionary (`data.md`): the data package describes the CSVs with it."""
    return content_bytes(docs.get("data.md", b"")).decode("utf-8")


@dataclass
class ChartJobs:
    """The charts' share of the staging, being made on two workers while the pages are made here (it reads no
    body): the chart pages with their drawings (`chart_pages`), and the data downloads (`data_downloads`)."""

    pages: Future[tuple[Files, Drawings]]
    downloads: Future[dict[str, bytes | Kept]]


def start_chart_work(workers: Executor, shipped: bytes | Shared, problems: list[Problem], settings: StageSettings,
                     cache: Path | None, dictionary: str, parcels: str = "") -> ChartJobs:
    """Start the charts' share of the staging on `workers` (`shipped`: the catalog, `shipped_catalog`; `parcels`:
    where local workers leave their results, `with_catalog`)."""
    return ChartJobs(workers.submit(with_catalog, chart_pages, shipped, problems, settings.charts_per_bulletin, cache,
                                    parcels=parcels),
                     workers.submit(with_catalog, data_downloads, shipped, problems, dictionary, cache,
                                    parcels=parcels))


def chart_results(jobs: ChartJobs | None, catalog: Catalog, problems: list[Problem], settings: StageSettings,
                  cache: Path | None, dictionary: str) -> tuple[Files, Drawings, dict[str, bytes | Kept]]:
    """The chart pages, their drawings and the data downloads: what the workers made (`jobs`), or made here
    (`chart_work`) without workers, or where a worker failed."""
    if jobs is None:
        return chart_work(catalog, problems, settings.charts_per_bulletin, cache, dictionary)
    charts, drawings = worked_or_here(jobs.pages, chart_pages, catalog, problems, settings.charts_per_bulletin, cache)
    return charts, drawings, worked_or_here(jobs.downloads, data_downloads, catalog, problems, dictionary, cache)


@collector_paused()
def chart_work(catalog: Catalog, problems: list[Problem], per_bulletin: int = 1, cache: Path | None = None,
               dictionary: str = "") -> tuple[Files, Drawings, dict[str, bytes | Kept]]:
    """`chart_pages` and `data_downloads` in one process, from one computation of the chart data."""
    data = remembered_chart_data(catalog, problems, cache)
    charts, drawings = chart_files(catalog, data, per_bulletin, cache)
    return charts, drawings, made_downloads(catalog, data.points, data.excluded, dictionary, cache)


@collector_paused()
def chart_pages(catalog: Catalog, problems: list[Problem], per_bulletin: int = 1,
                cache: Path | None = None) -> tuple[Files, Drawings]:
    """The chart pages (`chart_files`) and their SVGs still to draw (`Drawings`, to start with the build's
    workers)."""
    return chart_files(catalog, remembered_chart_data(catalog, problems, cache), per_bulletin, cache)


def remembered_chart_data(catalog: Catalog, problems: list[Problem], cache: Path | None) -> ChartData:
    """`chart_data`, each chart's rows kept in `cache/chart-rows/` (its index) and `cache/chart-row-lists/` (its rows)
    (`chartset.chart_rows`)."""
    index, rows = grouped_memo_in(cache, "chart-rows", chart_rows_group), memo_in(cache, "chart-row-lists")
    data = chart_data(catalog, problems, RowsMemo(index, rows) if index is not None and rows is not None else None)
    if index is not None:
        index.save()
    return data


def chart_files(catalog: Catalog, data: ChartData, per_bulletin: int = 1,
                cache: Path | None = None) -> tuple[Files, Drawings]:
    """`<CHART_DIR>/<key>.json` for every page that may show charts, and the SVGs of the archive-level charts
    (`Drawings`: those drawn before, and the new ones to draw, on the build's workers once started).

    A chart whose inputs are unchanged (`chartset.plan_digest`) is read back from `cache` instead of drawn again.
    """
    plan = page_plan(catalog, data, per_bulletin=per_bulletin)
    keys = {f"series/{s}" for s in catalog.series["slug"]}
    keys |= {place_key(str(p)) for p in catalog.places.index}
    figures = catalog.latest("figures")
    keys |= {f"bulletin/{b}" for b in figures.loc[figures["measure"].isin(list(TOLL_MEASURES)), "bulletin_id"]}
    kept = ChartMemo(cache)
    templates = memo_in(cache, "chart-templates")
    if templates is not None:
        add_templates(templates.recall("templates", CHARTS_VERSION))
    made = len(known_templates())
    files: Files = {}
    drawings = Drawings(cache)
    for key in sorted(keys | set(plan)):
        svg = not key.startswith("bulletin/")
        planned = plan.get(key, [])
        digest = "/".join(plan_digest(data, p) for p in planned)
        cached = kept.recall(key, digest)
        if cached is None:
            charts = [render(data, p) for p in planned]
            text = '{"charts":[' + ",\n".join(c.as_json(svg=svg) for c in charts) + "]}\n"
            names = list(dict.fromkeys(c.digest for c in charts)) if svg else []
            for chart in charts if svg else []:
                drawings.draw(chart.digest, chart.image_spec)
            staged = kept.keep(key, digest, text, names)
        else:
            staged, names = cached
        files[f"{addresses.CHART_DIR}/{key}.json"] = staged
        drawings.show(names)
    kept.save()
    if templates is not None and len(known_templates()) > made:
        templates.keep("templates", CHARTS_VERSION, known_templates())
    return files, drawings


class Drawings:
    """The SVGs the chart pages show: those drawn before are read back from the cache; new ones are drawn by
    vl-convert on `executor` (the build's workers) while the staging goes on, or here when there is none.

    vl-convert holds the GIL while it draws (about 0.05 s a chart, on one and a half cores), so a thread of
    this process would stall the staging. Its first drawing in a process starts its JavaScript engine
    (about 0.35 s), so one process draws them all (`volumes.drawer`), in batches of `BATCH`, while the
    workers build: a full build's hundred take less time than its volumes.
    """

    BATCH = 64

    def __init__(self, cache: Path | None, executor: Executor | None = None) -> None:
        self.cache, self.executor = cache, executor
        self.shown: dict[str, None] = {}  # in order, each once
        self.specs: dict[str, str] = {}  # new drawings, not started yet
        self.batches: list[tuple[dict[str, str], Future[list[bytes]]]] = []  # specs by name, and their drawing
        self.asked: set[str] = set()

    def draw(self, name: str, image_spec: Callable[[], dict[str, Any]]) -> None:
        """Draw the SVG `name` (once)."""
        if name not in self.asked:
            self.asked.add(name)
            self.specs[name] = json.dumps(image_spec(), ensure_ascii=False)
            if len(self.specs) >= self.BATCH:
                self.start()

    def start(self, executor: Executor | None = None) -> None:
        """Hand the drawings not started yet to the executor, in batches (nothing without one: `files` draws
        them). A worker plans the drawings without an executor (`chart_work`); the build starts them on its
        drawing process (`volumes.drawer`), or on its workers where it has none (a Dask cluster)."""
        self.executor = executor or self.executor
        if self.executor is None:
            return
        pending = list(self.specs.items())
        for first in range(0, len(pending), self.BATCH):
            batch = dict(pending[first:first + self.BATCH])
            self.batches.append((batch, self.executor.submit(draw_svgs, list(batch.values()))))
        self.specs = {}

    def show(self, names: Iterable[str]) -> None:
        """The SVGs `names` are shown by a page: they are files of the output."""
        self.shown.update(dict.fromkeys(names))

    def files(self) -> Files:
        """Every SVG shown, by its path from the output root (waits for the drawings; keeps them in the cache)."""
        drawn = dict(zip(self.specs, draw_svgs(list(self.specs.values()))))
        for specs, batch in self.batches:
            drawn.update(zip(specs, worked_or_here(batch, draw_svgs, list(specs.values()))))
        svgs = self.cache / SVG_CACHE if self.cache is not None else None
        for name, image in drawn.items():
            if svgs is not None:
                write_if_changed(svgs / f"{name}.svg", image)
        return {f"{addresses.SVG_DIR}/{name}.svg": drawn[name] if name in drawn else self._kept(name)
                for name in self.shown}

    def _kept(self, name: str) -> bytes:
        if self.cache is None:
            raise FileNotFoundError(f"chart {name}: no SVG in the cache and no spec to draw it from")
        return (self.cache / SVG_CACHE / f"{name}.svg").read_bytes()


def worked_or_here(future: Future[T] | None, work: Callable[..., T], *arguments: Any) -> T:
    """What a worker made (`future`), or `work(*arguments)` made here when there was no worker or it failed
    (a worker that died, a cluster that went away): the staging never depends on the workers' health."""
    if future is not None:
        try:
            return unpacked(future.result())
        except Exception:  # the same work here either succeeds or raises its own error
            pass
    return work(*arguments)


#: A chart of one point: drawing it starts vl-convert's JavaScript engine (`warm_up`).
ONE_POINT = json.dumps({"data": {"values": [{"x": 0}]}, "mark": "point",
                        "encoding": {"x": {"field": "x", "type": "quantitative"}}})


def warm_up() -> bool:
    """Start what a worker's first chart drawing would (vl-convert's JavaScript engine, about 0.4 s): a build
    does it on its workers while it reads the archive, so that a rebuild's few new SVGs are drawn at once."""
    draw_svgs([ONE_POINT])
    return True


def draw_svgs(specs: list[str]) -> list[bytes]:
    """The SVGs of Vega-Lite specs (JSON text: vl-convert reads it in half the time of a dict), by vl-convert.

    Without specs, vl-convert is not even imported: a process that has imported it forks no workers
    (`volumes.worker_context`)."""
    if not specs:
        return []
    import vl_convert

    return [vl_convert.vegalite_to_svg(spec).encode("utf-8") for spec in specs]


class ChartMemo:
    """The staged text and SVG names of every chart page, by the digest of its inputs, in one memo entry a
    volume (the bulletins' "as of" charts) and one for the site's charts (`GroupedMemo`): a few reads a build,
    not one a page. The texts are files of the memo (`Kept`), read only when they must be staged again."""

    def __init__(self, cache: Path | None) -> None:
        self.memo = grouped_memo_in(cache, "charts", self.group_of)
        self.svgs = cache / SVG_CACHE if cache is not None else None
        self._drawn: set[str] | None = None

    @staticmethod
    def group_of(key: str) -> str:
        """`bulletin/<series>/<year>` for a bulletin's charts, `site` for the others."""
        if not key.startswith("bulletin/"):
            return "site"
        series, _, rest = key.removeprefix("bulletin/").partition("/")
        return f"bulletin/{series}/{rest[:4]}"

    def recall(self, key: str, digest: str) -> tuple[Kept, list[str]] | None:
        """The text (a file of the memo) and SVG names of the chart page `key` drawn before from the same
        inputs, or None."""
        if self.memo is None:
            return None
        entry = self.memo.recall(key, digest)
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str) and len(entry[0]) == 64
                and isinstance(entry[1], list)):
            return None
        if not all(isinstance(n, str) and n in self.drawn() for n in entry[1]):
            return None
        return (self.memo.text_file(entry[0]), entry[1]) if self.memo.has_text(entry[0]) else None

    def drawn(self) -> set[str]:
        """The names of the SVGs in the cache, listed once (one directory read, not a `stat` a chart)."""
        if self._drawn is None:
            try:
                self._drawn = {e.name.removesuffix(".svg") for e in os.scandir(self.svgs) if e.name.endswith(".svg")}
            except (OSError, TypeError):  # no cache (None), or none drawn yet
                self._drawn = set()
        return self._drawn

    def keep(self, key: str, digest: str, text: str, svgs: list[str]) -> Content:
        """Remember what the chart page `key` was drawn as; its text as staged (a file of the memo)."""
        if self.memo is None:
            return text
        kept = self.memo.put_text(text)
        self.memo.keep(key, digest, [kept.sha256, svgs])
        return kept

    def save(self) -> None:
        """Write the groups that changed or lost pages (pages that no longer exist are dropped)."""
        if self.memo is not None:
            self.memo.save()


def feed_links(catalog: Catalog) -> dict[str, list[list[str]]]:
    """The feeds each page announces: the home page every series feed, a series or tag page its own."""
    links: dict[str, list[list[str]]] = {}
    published = set(catalog.bulletins["series"].tolist())
    for row in catalog.series.itertuples():
        if row.slug in published:
            for page in (addresses.ROOT_DOC, f"{row.slug}/index"):
                links.setdefault(page, []).append([str(row.name), feed_path("series", row.slug)])
    for tag, slug in tag_slugs(catalog).items():
        links.setdefault(f"tags/{slug}/index", []).append([f"Tag: {tag}", feed_path("tag", slug)])
    return links


def discovery_files(catalog: Catalog, docnames: Iterable[str], settings: StageSettings,
                    cache: Path | None = None) -> Files:
    """The sitemap of the site's documents `docnames`, robots.txt and the search shards (HTML builder
    addresses: `<docname>.html`)."""
    where = addressing(settings)
    docnames = sorted(d for d in docnames if d != addresses.SEARCH_DOC)
    files = {**sitemap(sitemap_urls(catalog, where, docnames), where), "robots.txt": robots(where)}
    if settings.search:
        files.update({f"{SEARCH_DIR}/{name}": text for name, text in search_shards(catalog, cache).items()})
    return files


@collector_paused()
def catalog_files(catalog: Catalog, settings: StageSettings, withheld: frozenset[str] = frozenset(),
                  cache: Path | None = None, read_from: dict[str, str] | None = None) -> tuple[Files, list[Problem]]:
    """The output files made from the catalog alone, without the bodies: the timeline, feeds, TimeMaps and each
    version's source, `.bib` and `.ris` (`withheld`: the sources not published); and the problems found making
    them (a version file changed since it was read). A build makes them on a worker (`without_bodies`: the
    catalog crosses to it in a tenth of the bytes). With `read_from` (what each volume was read from), the `.bib`
    and `.ris` files of a volume read from the same inputs as before come back whole (`cite.VolumeCitations`)."""
    where = addressing(settings)
    files: Files = {**timeline_files(catalog, memo_in(cache, "timeline")), **feeds(catalog, where),
                    **timemaps(catalog, where, memo_in(cache, "timemaps"), read_from)}
    base = where.baseurl
    cited = grouped_memo_in(cache, "citations", addresses.bulletin_volume)
    records = memo_in(cache, "citation-volumes")
    whole = VolumeCitations(records, read_from, base) if records is not None and read_from else None
    problems: list[Problem] = []
    files.update(version_files(catalog, lambda docname: f"{base}{docname}.html" if base else "", problems,
                               withheld=withheld, memo=cited, volumes=whole))
    if cited is not None:
        cited.save()
    return files, problems


def installed_catalog_files(catalog: Catalog, settings: StageSettings, withheld: frozenset[str], cache: Path | None,
                            read_from: dict[str, str] | None, html: Path, ledger: Path) -> Installed:
    """`catalog_files`, written into `html` by the worker that made them, with a ledger of their own (`ledger`,
    `stage.LedgeredWriter`): the 41,000 citations, feeds and TimeMaps of a 10,000-bulletin archive are
    installed beside the parent's work, and only their paths cross back to it, not their contents' records."""
    files, problems = catalog_files(catalog, settings, withheld, cache, read_from)
    writer = LedgeredWriter(html, ledger)
    writer.write(files)
    return Installed(list(files), [c.path for c in files.values() if isinstance(c, Kept)], writer.close(), problems)


def shipped_catalog(catalog: Catalog) -> bytes:
    """The catalog as the workers get it: without the bodies (`without_bodies`), pickled."""
    return pickle.dumps(without_bodies(catalog), protocol=pickle.HIGHEST_PROTOCOL)


def with_catalog(work: Callable[..., T], shipped: bytes | Shared, *arguments: Any, parcels: str = "") -> T | Parcel:
    """`work(catalog, *arguments)` on a worker, the catalog `shipped` as a pickle (or a local pool's file of it,
    `Shared`): made once for every job that takes it, where each job's own arguments would pickle the catalog
    again (0.4 s of the parent's time at 10,000 bulletins). With `parcels` (a local pool's folder), the result
    comes back as a `Parcel` left there (see `build.parcels`; `worked_or_here` opens it)."""
    made = work(pickle.loads(shipped.read() if isinstance(shipped, Shared) else shipped), *arguments)
    return Parcel.packed(made, parcels) if parcels else made


def without_bodies(catalog: Catalog) -> Catalog:
    """The catalog without the versions' bodies (the pages and the search read them; `catalog_files` does not)."""
    return replace(catalog, versions=catalog.versions.drop(columns=["body"]))


def addressing(settings: StageSettings) -> Addressing:
    """The site's addresses: its base URL, when one is set."""
    return Addressing(baseurl=settings.baseurl.rstrip("/") + "/" if settings.baseurl.strip() else "")


def withheld_sources(problems: list[Problem], archive: Path | None) -> frozenset[str]:
    """Paths from the output root (`<url>/v<N>.md`) of the version files whose body the build withholds.

    A body outside the safe profile (`body-unsafe`) is withheld from its page, and its source file is
    not published beside it. A bulletin's folder in the archive is its URL.
    """
    if archive is None:
        return frozenset()
    root = archive.resolve()
    paths = set()
    for problem in problems:
        if problem.rule == "body-unsafe":
            try:
                paths.add(Path(problem.path).resolve().relative_to(root).as_posix())
            except ValueError:
                continue
    return frozenset(paths)


def search_shards(catalog: Catalog, cache: Path | None) -> dict[str, str | Kept]:
    """Every search file; a shard whose digest is unchanged comes back from `cache/search/` (a `Kept` text:
    its digest known, unread) instead of being made again."""
    memo = memo_in(cache, "search")
    kept = memo.recall(SHARDS, "") if memo is not None else None
    named: dict[str, str] = kept if isinstance(kept, dict) else {}

    def cached_digest(name: str) -> str | None:
        if memo is None or not isinstance(named.get(name), str) or not memo.has_text(named[name]):
            return None
        try:
            with open(memo.text_file(named[name]).path, encoding="utf-8") as stream:
                return file_digest(stream.readline())
        except (OSError, UnicodeDecodeError):
            return None

    tokens = grouped_memo_in(cache, "search-tokens", addresses.bulletin_volume)
    made, names = search_files(catalog, lambda docname: f"{docname}.html", url_style="html", existing=cached_digest,
                               tokens=tokens)
    if tokens is not None:
        tokens.save()
    if memo is None:
        return {**made}
    shards = {name: memo.put_text(made[name]) if name in made else memo.text_file(named[name])
              for name in sorted(names)}
    memo.keep(SHARDS, "", {name: file.sha256 for name, file in shards.items()})
    return {**shards}
