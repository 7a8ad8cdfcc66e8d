"""The catalog as plain lookups for page writers: built once, so each page costs the same at any size."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ...catalog.catalog import Catalog
from ...model.memo import digest_of_record
from ._text import name_slugs, page, present

NAME_KINDS = ("places", "actors", "tags")

Row = dict[str, Any]


@dataclass(frozen=True)
class PageSettings:
    """What the pages need to know beyond the catalog."""

    latest_count: int = 10
    #: Documents of the hand-written project (docnames), so the home page links only what exists.
    existing_docs: frozenset[str] = frozenset()
    #: A place, actor or tag page lists at most this many bulletins; a busier name gets listing pages
    #: of whole years (or months) packed up to this size.
    max_listing: int = 500
    #: Month pages put their bulletins in a toctree (PDF and EPUB need it for their structure). The
    #: HTML build leaves it out: a bulletin in a toctree makes Sphinx render the titles of its
    #: previous, next and four parent pages on every page (about 7% of the build), for links the
    #: pages do not show; bulletin pages carry their own breadcrumbs and previous/next links.
    bulletin_toctree: bool = True
    #: Each series-year is its own Sphinx project (a volume): a series page cannot put its years in a
    #: toctree. The extension marks every page of a volume an orphan (`sphinxext._volumes`), so volume
    #: pages carry no front matter: MyST parses it with PyYAML twice a page, 5% of a volume's build.
    volumes: bool = False
    #: Bulletin and version pages carry raw LaTeX (dateline, figures, events ...) for a LaTeX build of the
    #: staged pages. The volumes' HTML build leaves it out (a fifth of each page's text); the PDF and EPUB
    #: stage their own pages (`publish._stagebooks`).
    latex: bool = True


def orphan_page(ctx: Context, lines: list[str]) -> str:
    """A page no toctree lists (bulletin, version and diff pages): front matter says so, except in a
    volume, whose pages the extension marks."""
    return page(lines, orphan=not ctx.settings.volumes)


def docname(bulletin_url: str) -> str:
    """The Sphinx docname of a bulletin page from its URL path (`.../<date>-<slug>/index`)."""
    return bulletin_url.rstrip("/") + "/index"


def version_docname(bulletin_url: str, number: int) -> str:
    """The permanent page of one version: `.../<date>-<slug>/v<N>`."""
    return f"{bulletin_url.rstrip('/')}/v{number}"


def diff_docname(bulletin_url: str, new: int) -> str:
    """The page of changes from version `new - 1` to `new`: `.../<date>-<slug>/diff-v<N-1>-v<N>`."""
    return f"{bulletin_url.rstrip('/')}/diff-v{new - 1}-v{new}"


def month_docname(series: str, year: int, month: int) -> str:
    """Docname of a month page: `<series>/<year>/<mm>/index`."""
    return f"{series}/{year:04d}/{month:02d}/index"


@dataclass
class NameIndex:
    """One gazetteer (places, actors or tags): slugs, entries, hierarchy and the bulletins naming each."""

    kind: str
    entries: dict[str, Row]
    slugs: dict[str, str]
    children: dict[str, list[str]] = field(default_factory=dict)
    bulletins: dict[str, list[str]] = field(default_factory=dict)
    by_alias: dict[str, str] = field(default_factory=dict)

    def canonical(self, name: str) -> str | None:
        """The entry named `name` or having it as an alias (case-insensitive); None for unknown names."""
        return name if name in self.entries else self.by_alias.get(name.casefold())

    def docname(self, name: str, part: str = "index") -> str:
        """`places/<slug>/index` or `places/<slug>/<year>` (or `<year>-<mm>`)."""
        return f"{self.kind}/{self.slugs[name]}/{part}"

    def ancestors(self, name: str) -> list[str]:
        """Enclosing entries from the nearest up (cycles and unknown parents stop the walk)."""
        chain: list[str] = []
        parent = self.entries.get(name, {}).get("parent")
        while present(parent) and parent in self.entries and parent not in chain and parent != name:
            chain.append(parent)
            parent = self.entries[parent].get("parent")
        return chain


@dataclass
class Context:
    """Everything a page writer reads, as dicts keyed by bulletin id or (bulletin id, version)."""

    catalog: Catalog
    settings: PageSettings
    series: dict[str, Row]
    bulletins: dict[str, Row]
    versions: dict[str, list[Row]]
    figures: RowsByVersion
    events: RowsByVersion
    sources: RowsByVersion
    links: dict[tuple[str, int], list[Row]]
    backlinks: dict[str, list[str]]
    neighbours: dict[str, tuple[str | None, str | None]]
    names: dict[str, NameIndex]
    #: Fragments that many pages repeat (a bulletin's list item seen from a folder), computed once.
    fragments: dict[tuple[str, ...], str] = field(default_factory=dict)

    def version(self, bulletin_id: str, number: int) -> Row:
        """One version row of a bulletin."""
        return next(v for v in self.versions[bulletin_id] if v["version"] == number)

    @functools.cached_property
    def date_rank(self) -> dict[str, int]:
        """Each bulletin's place in (date, id) order, for sorting lists of bulletins by a number."""
        ranked = sorted(self.bulletins, key=lambda b: (self.bulletins[b]["date"], b))
        return {bulletin_id: rank for rank, bulletin_id in enumerate(ranked)}

    @functools.cached_property
    def shared_inputs(self) -> str:
        """A digest of what every bulletin page reads besides its own rows: series, gazetteers, settings (not
        `existing_docs`: no bulletin page reads which other pages exist, and a new month of the chronology
        would otherwise make all of them again)."""
        names = {kind: [index.entries, index.slugs] for kind, index in self.names.items()}
        settings = {k: v for k, v in vars(self.settings).items() if k != "existing_docs"}
        return digest_of_record([self.series, names, settings])


def build_context(catalog: Catalog, settings: PageSettings) -> Context:
    """Group every table of `catalog` once by bulletin and version."""
    bulletins = {row["bulletin_id"]: row for row in _records(catalog.bulletins.reset_index())}
    versions: dict[str, list[Row]] = defaultdict(list)
    for row in _records(catalog.versions.sort_values(["bulletin_id", "version"])):
        versions[row["bulletin_id"]].append(row)
    backlinks: dict[str, list[str]] = defaultdict(list)
    for row in _records(catalog.latest("links")):
        target = row["target_id"]
        if present(target) and target in bulletins and row["source_id"] not in backlinks[target]:
            backlinks[target].append(row["source_id"])
    for sources in backlinks.values():
        sources.sort(key=lambda b: (bulletins[b]["date"], b))
    return Context(
        catalog=catalog, settings=settings, bulletins=bulletins,
        series={row["slug"]: row for row in _records(catalog.series)}, versions=dict(versions),
        figures=RowsByVersion(catalog.figures, "figure_index"), events=RowsByVersion(catalog.events, "event_index"),
        sources=RowsByVersion(catalog.sources, "source_index"), links=_by_version(catalog.links, "line"),
        backlinks=dict(backlinks), neighbours=_neighbours(catalog.bulletins),
        names={kind: _name_index(kind, getattr(catalog, kind), catalog.bulletins) for kind in NAME_KINDS},
    )


def _records(frame: pd.DataFrame) -> list[Row]:
    """Rows as dicts (plain Python values where pandas allows): `to_dict("records")`, column by column,
    which is two to three times faster."""
    columns = list(frame.columns)
    return [dict(zip(columns, row)) for row in zip(*(frame[c].tolist() for c in columns))]


def _by_version(frame: pd.DataFrame, order: str) -> dict[tuple[str, int], list[Row]]:
    """Rows grouped by (bulletin id, version), in the order of `order`."""
    grouped: dict[tuple[str, int], list[Row]] = defaultdict(list)
    for row in _records(frame.sort_values(["bulletin_id", "version", order])):
        grouped[(row["bulletin_id"], int(row["version"]))].append(row)
    return dict(grouped)


class RowsByVersion:
    """The rows of a table by (bulletin id, version), in the order of `order`; a version's rows are made when
    first asked for (a rebuild writes the pages of a few bulletins: the other rows are never made).

    The first versions asked for are taken from the frame (`iloc`, about 0.4 ms each: a rebuild asks for a
    few). Past `TAKEN_ALONE` of them, the table's columns become lists once (0.25 s for the three tables of
    10,000 bulletins) and every further version is read from those: a first build asks for all 31,000,
    which took 14 s by `iloc`."""

    #: Versions taken from the frame one by one before the columns are made into lists.
    TAKEN_ALONE = 200

    def __init__(self, frame: pd.DataFrame, order: str) -> None:
        self.frame = frame.sort_values(["bulletin_id", "version", order]).reset_index(drop=True)
        groups = self.frame.groupby(["bulletin_id", "version"], sort=False).indices if len(frame) else {}
        self.positions = {(str(b), int(v)): at for (b, v), at in groups.items()}
        self.made: dict[tuple[str, int], list[Row]] = {}

    @functools.cached_property
    def columns(self) -> tuple[list[str], list[list[Any]]]:
        """The table's column names and each column's values as a list (plain Python values)."""
        names = list(self.frame.columns)
        return names, [self.frame[c].tolist() for c in names]

    def get(self, key: tuple[str, int], default: list[Row] | None = None) -> list[Row]:
        """The rows of one version (`default`, or an empty list, when it has none)."""
        if key not in self.positions:
            return [] if default is None else default
        if key not in self.made:
            if len(self.made) < self.TAKEN_ALONE:
                self.made[key] = _records(self.frame.iloc[self.positions[key]])
            else:
                names, values = self.columns
                self.made[key] = [dict(zip(names, (column[at] for column in values))) for at in self.positions[key]]
        return self.made[key]


def _neighbours(bulletins: pd.DataFrame) -> dict[str, tuple[str | None, str | None]]:
    """(previous, next) bulletin id of the same series, in date order, for every bulletin."""
    result: dict[str, tuple[str | None, str | None]] = {}
    for _, in_series in bulletins.sort_values(["series", "date", "slug"]).groupby("series", sort=False):
        ids = in_series.index.tolist()
        for position, bulletin_id in enumerate(ids):
            result[bulletin_id] = (ids[position - 1] if position else None,
                                   ids[position + 1] if position + 1 < len(ids) else None)
    return result


def _name_index(kind: str, gazetteer: pd.DataFrame, bulletins: pd.DataFrame) -> NameIndex:
    """Slugs, children and the bulletins that name each entry directly (latest versions)."""
    unique = gazetteer[~gazetteer.index.duplicated()]
    entries = {name: {"name": name, **row} for name, row in unique.to_dict("index").items()}
    index = NameIndex(kind, entries, name_slugs(sorted(entries)))
    for name, entry in entries.items():
        for alias in (name, *entry.get("aliases", ())):
            index.by_alias.setdefault(str(alias).casefold(), name)
        parent = entry.get("parent")
        if present(parent) and parent in entries and parent != name:
            index.children.setdefault(parent, []).append(name)
    for bulletin_id, names in zip(bulletins.index.tolist(), bulletins[kind].tolist()):
        for name in names:
            if name in entries:
                index.bulletins.setdefault(name, []).append(bulletin_id)
    return index
