"""Catalog → the charts each page shows: chronology, series, places, and each bulletin "as of" its date.

The series and their rows are computed once (`chart_data`); every page's charts are
then cut from them with array work, so the cost per bulletin stays small and does
not grow with the archive.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .catalog import Catalog
from .charts import CHART_KEY, FULL, SMALL, TOLL_MEASURES, Chart, Row, make_chart, point_rows, rows_by_chart
from .errors import Problem
from .series import build_series, corrections, excluded_figures, series_keys, slug

Key = tuple[str, ...]
#: The measures of the chronology page, in order; a measure with no figures gets a "no figures yet" chart.
CHRONOLOGY_MEASURES = ("killed", "injured", "displaced", "facilities-attacked")
DEFAULT_KIND = {"displaced": "stock"}
KIND_ORDER = {"running-total": 0, "stock": 1, "increment": 2, "window": 3}


@dataclass(frozen=True)
class ChartRows:
    """The rows of one chart, in date order, with arrays for cutting them by date."""

    rows: list[Row]
    as_of: np.ndarray
    reported: np.ndarray
    special: np.ndarray
    groups: np.ndarray
    sources: np.ndarray

    @classmethod
    def of(cls, rows: list[Row]) -> ChartRows:
        """Index `rows` (sorted by date) by their dates and marks."""
        return cls(rows, np.array([r.day for r in rows], dtype="U10"), np.array([r.bulletin_day for r in rows], dtype="U10"),
                   np.array([r.fell or r.role == "earlier" for r in rows], dtype=bool),
                   np.array([r.group if r.role == "point" else "" for r in rows], dtype=object),
                   np.array([r.source for r in rows], dtype=object))

    def up_to(self, day: str, limit: int) -> tuple[list[Row], int, str]:
        """Rows published by `day` (ISO), at most `limit` of them; how many there were; their sources."""
        end = int(np.searchsorted(self.as_of, day, side="right"))
        index = np.flatnonzero(self.reported[:end] <= day)
        total = len(index)
        cited = sorted({str(s) for s in self.sources[index] if s}) if total else []
        span = (min(self.reported[index]), max(self.reported[index])) if total else ("", "")
        if total > limit:
            keep = self.special[index].copy()
            groups = self.groups[index][::-1]
            _, last = np.unique(groups, return_index=True)
            keep[len(index) - 1 - last] = True
            room = max(limit - int(keep.sum()), 0)
            others = np.flatnonzero(~keep)
            if room and len(others):
                keep[others[np.linspace(0, len(others) - 1, room).round().astype(int)]] = True
            index = index[keep]
        return [self.rows[i] for i in index], total, _source_note(span, cited)


def _source_note(span: tuple[str, str], cited: list[str]) -> str:
    """`bulletins of 13 May 2019 to 9 July 2019, citing ...` (the series name is put before it)."""
    if not span[0]:
        return ""
    first, last = (pd.Timestamp(d) for d in span)
    more = f" and {len(cited) - 4} more" if len(cited) > 4 else ""
    citing = f", citing {', '.join(cited[:4])}{more}" if cited else ""
    return f"bulletins of {_span(first, last)}{citing}"


@dataclass(frozen=True)
class ChartData:
    """Everything the archive's charts are made from, computed once per build."""

    points: pd.DataFrame
    corrections: pd.DataFrame
    excluded: pd.DataFrame
    rows: dict[Key, ChartRows]
    excluded_counts: dict[Key, int]
    names: dict[str, str]
    contributed: dict[str, list[Key]]


def chart_data(catalog: Catalog, problems: Iterable[Problem] = ()) -> ChartData:
    """Series, corrections, exclusions and chart rows of the whole archive."""
    with _collector_paused():
        return _chart_data(catalog, problems)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector: building many small objects next to a large catalog
    otherwise spends most of its time in full collections (measured: 3x slower at 10,000 bulletins)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _chart_data(catalog: Catalog, problems: Iterable[Problem]) -> ChartData:
    excluded = excluded_figures(catalog.latest("figures"), problems)
    points = build_series(catalog.figures, excluded)
    points = points.join(catalog.figures.set_index(["bulletin_id", "version", "figure_index"])["reported_by"],
                         on=["bulletin_id", "version", "figure_index"])
    earlier = corrections(catalog.figures, points)
    grouped = rows_by_chart(point_rows(points, catalog.bulletins, earlier)) if not points.empty else {}
    rows = {key: ChartRows.of(value) for key, value in grouped.items()}
    return ChartData(points, earlier, excluded, rows, _excluded_counts(catalog, excluded),
                     dict(zip(catalog.series["slug"], catalog.series["name"])), _contributed(points, rows))


def _excluded_counts(catalog: Catalog, excluded: pd.DataFrame) -> dict[Key, int]:
    """How many figures `check` kept off each chart."""
    if excluded.empty:
        return {}
    figures = catalog.latest("figures").merge(
        excluded.drop_duplicates(["bulletin_id", "version", "figure_index"])[["bulletin_id", "version", "figure_index"]],
        on=["bulletin_id", "version", "figure_index"])
    keys = series_keys(figures)
    return {tuple(k): int(n) for k, n in keys.groupby(CHART_KEY).size().items()}


def _span(first: pd.Timestamp, last: pd.Timestamp) -> str:
    if first == last:
        return f"{first.day} {first:%B %Y}"
    return f"{first.day} {first:%B %Y} to {last.day} {last:%B %Y}"


def _contributed(points: pd.DataFrame, rows: dict[Key, ChartRows]) -> dict[str, list[Key]]:
    """For each bulletin, the toll charts it reports into, best first (measure order, kind, length)."""
    toll = points[points["measure"].isin(list(TOLL_MEASURES))]
    order = {m: i for i, m in enumerate(TOLL_MEASURES)}
    contributed: dict[str, list[Key]] = {}
    pairs = toll[["bulletin_id", *CHART_KEY]].drop_duplicates()
    for bulletin_id, *key in pairs.itertuples(index=False):
        contributed.setdefault(bulletin_id, []).append(tuple(key))
    for keys in contributed.values():
        keys.sort(key=lambda k: (order[k[1]], KIND_ORDER.get(k[3], 9), -len(rows[k].rows) if k in rows else 0))
    return contributed


def chart(data: ChartData, key: Key, size: dict[str, int] = FULL, day: dt.date | None = None) -> Chart:
    """One chart of `key`, whole or as published by `day`."""
    found = data.rows.get(key)
    rows, total, note = found.up_to(day.isoformat() if day else "9999-12-31", size["max_points"]) if found else ([], 0, "")
    sources = f"{data.names.get(key[0], key[0])} {note}" if note else ""
    return make_chart(rows, dict(zip(CHART_KEY, key)), size, excluded=data.excluded_counts.get(key, 0),
                      as_of=pd.Timestamp(day) if day else None, sources=sources, total=total)


def _keys(data: ChartData) -> list[Key]:
    """Every toll chart key, best first within each measure."""
    order = {m: i for i, m in enumerate(TOLL_MEASURES)}
    keys = {k for k in [*data.rows, *data.excluded_counts] if k[1] in TOLL_MEASURES}
    return sorted(keys, key=lambda k: (k[0], order[k[1]], KIND_ORDER.get(k[3], 9),
                                       -len(data.rows[k].rows) if k in data.rows else 0, k))


def chronology_charts(data: ChartData, series: Iterable[str]) -> list[Chart]:
    """For each bulletin series, the longest chart of each chronology measure (or a "no figures yet" chart)."""
    keys = _keys(data)
    charts = []
    for name in series:
        for measure in CHRONOLOGY_MEASURES:
            mine = [k for k in keys if k[0] == name and k[1] == measure]
            key = mine[0] if mine else (name, measure, "", DEFAULT_KIND.get(measure, "running-total"), "", "")
            charts.append(chart(data, key))
    return charts


def page_charts(catalog: Catalog, data: ChartData, per_series: int = 12, per_place: int = 6,
                per_bulletin: int = 1) -> dict[str, list[Chart]]:
    """The charts of every page: `chronology`, `series/<slug>`, `place/<slug>`, `bulletin/<id>`."""
    with _collector_paused():
        return _page_charts(catalog, data, per_series, per_place, per_bulletin)


def _page_charts(catalog: Catalog, data: ChartData, per_series: int, per_place: int,
                 per_bulletin: int) -> dict[str, list[Chart]]:
    series = list(catalog.series["slug"])
    pages: dict[str, list[Chart]] = {"chronology": chronology_charts(data, series)}
    keys = _keys(data)
    for name in series:
        mine = [k for k in keys if k[0] == name][:per_series]
        if mine:
            pages[f"series/{name}"] = [chart(data, k) for k in mine]
    places: dict[str, list[Key]] = {}
    for key in keys:
        if key[2]:
            places.setdefault(slug(key[2]), []).append(key)
    for place, mine in places.items():
        pages[f"place/{place}"] = [chart(data, k, SMALL) for k in mine[:per_place]]
    dates = catalog.bulletins["date"]
    for bulletin_id, mine in data.contributed.items():
        day = dates[bulletin_id].date()
        picked: dict[str, Key] = {}
        for key in mine:
            picked.setdefault(key[1], key)
        picked = list(picked.values())[:per_bulletin]
        pages[f"bulletin/{bulletin_id}"] = [chart(data, k, SMALL, day) for k in picked]
    return pages


def build_all_charts(catalog: Catalog, problems: Iterable[Problem] = ()) -> dict[str, list[Chart]]:
    """Every chart of the archive, by page (what a build stages; the chart benchmark times this)."""
    return page_charts(catalog, chart_data(catalog, problems))
