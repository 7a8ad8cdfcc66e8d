"""Catalog → the charts each page shows: chronology, series, places, and each bulletin "as of" its date.

The series and their rows are computed once (`chart_data`); every page's charts are
then cut from them with array work, so the cost per bulletin stays small and does
not grow with the archive.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib.metadata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..catalog import chartrows as chartrows_module
from . import charts as charts_module
from ..catalog.catalog import Catalog
from ..model.collector import collector_paused
from ..catalog.chartrows import (BULLETIN_INPUTS, EARLIER_INPUTS, POINT_INPUTS, is_row_record, row_arrays,
                                 row_from_record, row_record, thin)
from ..model.memo import Memo
from .charts import (CHART_KEY, FULL, SMALL, TOLL_MEASURES, Chart, Row, make_chart, place_key, point_rows,
                     rows_by_chart)
from ..model.errors import Problem
from ..catalog.series import build_series, corrections, excluded_figures, series_keys

Key = tuple[str, ...]
#: The measures of the chronology page, in order; a measure with no figures gets a "no figures yet" chart.
CHRONOLOGY_MEASURES = ("killed", "injured", "displaced", "facilities-attacked")
DEFAULT_KIND = {"displaced": "stock"}
KIND_ORDER = {"running-total": 0, "stock": 1, "increment": 2, "window": 3}
#: Part of every chart's input digest: the code that draws charts and Altair's version (which builds the
#: templates), so a new version of either redraws them all.
CHARTS_VERSION = hashlib.sha1(b"".join(Path(m).read_bytes() for m in (
    __file__, charts_module.__file__, chartrows_module.__file__, Path(charts_module.__file__).with_name(
        "vegatemplates.py"))) + importlib.metadata.version("altair").encode()).hexdigest()


class ChartRows:
    """The rows of one chart, in date order, with arrays for cutting them by date. The rows of a chart read back
    from a memo (`restored`) are read when the chart is first cut (`load`): a rebuild draws the few whose rows
    changed, and every other chart needs only its dates and `prefixes`."""

    def __init__(self, as_of: np.ndarray, reported: np.ndarray, prefixes: tuple[str, ...],
                 rows: list[Row] | None = None, load: Callable[[], list[Row]] | None = None) -> None:
        self.as_of, self.reported = as_of, reported
        #: `prefixes[n]`: a digest of the first `n` rows (a chain), so a cut's inputs are known without cutting.
        self.prefixes = prefixes
        self._rows, self._load = rows, load

    @classmethod
    def of(cls, rows: list[Row]) -> ChartRows:
        """Index `rows` (sorted by date) by their dates."""
        prefixes = [""]
        for row in rows:
            prefixes.append(hashlib.sha1(f"{prefixes[-1]}\x1f{row!r}".encode("utf-8")).hexdigest())
        return cls(np.array([r.day for r in rows], dtype="datetime64[D]"),
                   np.array([r.bulletin_day for r in rows], dtype="datetime64[D]"), tuple(prefixes), rows=rows)

    def __len__(self) -> int:
        return len(self.prefixes) - 1

    @property
    def rows(self) -> list[Row]:
        """The rows (read the first time, for a chart read back)."""
        if self._rows is None:
            self._rows, self._load = self._load() if self._load is not None else [], None
        return self._rows

    @functools.cached_property
    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """What thinning reads of each row (`row_arrays`)."""
        return row_arrays(self.rows)

    @functools.cached_property
    def sources(self) -> np.ndarray:
        """The source each row cites."""
        return np.array([r.source for r in self.rows], dtype=object)

    def row_records(self) -> list[list[Any]]:
        """The rows as JSON (`row_record`): what the chart shows (equal records, equal charts)."""
        return [row_record(row) for row in self.rows]

    def index_record(self) -> dict[str, Any]:
        """What cutting reads without the rows: their days and their bulletins' days (ISO), and the prefixes
        (`restored` reads it back)."""
        return {"days": np.datetime_as_string(self.as_of).tolist(),
                "reported": np.datetime_as_string(self.reported).tolist(), "prefixes": list(self.prefixes)}

    @classmethod
    def restored(cls, record: object, load: Callable[[], list[Row]]) -> ChartRows | None:
        """The chart `index_record` kept, its rows read by `load` when first cut; None when `record` is not what
        `index_record` writes."""
        try:
            data: Any = record
            days, reported = data["days"], data["reported"]
            prefixes = tuple(str(p) for p in data["prefixes"])
            if not (isinstance(days, list) and isinstance(reported, list)
                    and len(prefixes) == len(days) + 1 == len(reported) + 1):
                return None
            return cls(np.array(days, dtype="datetime64[D]"), np.array(reported, dtype="datetime64[D]"), prefixes,
                       load=load)
        except (TypeError, ValueError, KeyError, AttributeError):  # another shape: the rows are made again
            return None

    def _end(self, day: str) -> int:
        """How many rows are dated by `day` (ISO): the rows `up_to(day)` may draw come first."""
        return int(np.searchsorted(self.as_of, np.datetime64(day, "D"), side="right"))

    def digest_up_to(self, day: str) -> str:
        """A digest of every row `up_to(day)` reads (the rows dated by `day`): equal digests, equal cuts."""
        return self.prefixes[self._end(day)]

    def up_to(self, day: str, limit: int) -> tuple[list[Row], int, str]:
        """Rows published by `day` (ISO), at most `limit` of them drawn (`chartrows.thin`); how many
        there were; their sources."""
        when = np.datetime64(day, "D")
        end = self._end(day)
        index = np.flatnonzero(self.reported[:end] <= when)
        total = len(index)
        if not total:
            return [], 0, ""
        cited = sorted({str(s) for s in self.sources[index] if s})
        reported = self.reported[index]
        note = _source_note((str(reported.min()), str(reported.max())), cited)
        return thin(self.rows, index, self.arrays, limit), total, note


def _source_note(span: tuple[str, str], cited: list[str]) -> str:
    """`bulletins of 13 May 2019 to 9 July 2019, citing ...` (the series name is put before it)."""
    first, last = (dt.date.fromisoformat(d) for d in span)
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


@dataclass(frozen=True)
class RowsMemo:
    """Where the charts' rows are kept between builds: each chart's index (`ChartRows.index_record`) in `index`,
    read whole every build (a few MB at 10,000 bulletins), and its rows in `rows`, read only for a chart drawn
    again (the rows of every chart are 50 MB of JSON there)."""

    index: Memo
    rows: Memo


def chart_data(catalog: Catalog, problems: Iterable[Problem] = (), memo: RowsMemo | None = None) -> ChartData:
    """Series, corrections, exclusions and chart rows of the whole archive (with `memo`, see `chart_rows`)."""
    with collector_paused():
        return _chart_data(catalog, problems, memo)


def series_points(catalog: Catalog, problems: Iterable[Problem] = ()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The points of every series (`series.build_series`, with who reported each figure) and the figures `check`
    kept off the charts (`series.excluded_figures`): what the charts and the data downloads are made from."""
    with collector_paused():
        excluded = excluded_figures(catalog.latest("figures"), problems)
        points = build_series(catalog.figures, excluded)
        points = points.join(catalog.figures.set_index(["bulletin_id", "version", "figure_index"])["reported_by"],
                             on=["bulletin_id", "version", "figure_index"])
        return points, excluded


def chart_rows(points: pd.DataFrame, bulletins: pd.DataFrame, earlier: pd.DataFrame | None = None,
               memo: RowsMemo | None = None) -> dict[Key, ChartRows]:
    """The rows of each chart (`rows_by_chart` of `point_rows`), indexed (`ChartRows.of`). With `memo`, a chart
    whose points, earlier values and bulletins are the same as before (`input_digests`) is read back from it, and
    `point_rows` runs only on the series of the others: a new bulletin makes again the rows of the charts it
    reports into, not every chart's."""
    if points.empty:
        return {}
    earlier = earlier if earlier is not None else pd.DataFrame(columns=EARLIER_INPUTS)
    if memo is None:
        return {key: ChartRows.of(rows) for key, rows in rows_by_chart(point_rows(points, bulletins, earlier)).items()}
    digests, series_of = input_digests(points, bulletins, earlier)

    def made(keys: list[Key]) -> dict[Key, list[Row]]:  # whole series: a series' earlier values join its first chart
        ids = set().union(*(series_of[key] for key in keys))
        return rows_by_chart(point_rows(points[points["series_id"].isin(ids)], bulletins,
                                        earlier[earlier["series_id"].isin(ids)]))

    def load(key: Key) -> Callable[[], list[Row]]:
        def rows() -> list[Row]:  # a kept file that does not read back: the chart's rows are made again
            kept = memo.rows.recall(_chart_rows_key(key), digests[key])
            if isinstance(kept, list) and all(map(is_row_record, kept)):
                return [row_from_record(values) for values in kept]
            again = made([key])[key]
            memo.rows.keep(_chart_rows_key(key), digests[key], [row_record(row) for row in again])
            return again
        return rows

    found: dict[Key, ChartRows] = {}
    for key, digest in digests.items():
        kept = ChartRows.restored(memo.index.recall(_chart_rows_key(key), digest), load(key))
        if kept is not None:
            found[key] = kept
    missing = [key for key in digests if key not in found]
    if missing:
        rows = made(missing)
        for key in missing:
            found[key] = ChartRows.of(rows[key])
            memo.rows.keep(_chart_rows_key(key), digests[key], found[key].row_records())
            memo.index.keep(_chart_rows_key(key), digests[key], found[key].index_record())
    return {key: found[key] for key in digests}


def input_digests(points: pd.DataFrame, bulletins: pd.DataFrame,
                  earlier: pd.DataFrame) -> tuple[dict[Key, str], dict[Key, set[str]]]:
    """For each chart key of `points`: a digest of every cell `point_rows` reads for its rows (its points, the
    earlier values placed on its series, their bulletins' titles, addresses and dates), and its series ids."""
    told = pd.util.hash_pandas_object(bulletins[BULLETIN_INPUTS], index=True)  # by bulletin id
    points_hashed = _hashed(points, [c for c in POINT_INPUTS if c in points], told)
    earlier_hashed = _hashed(earlier, EARLIER_INPUTS, told)
    keys = list(zip(*(points[c].tolist() for c in CHART_KEY)))
    ids = points["series_id"].tolist()
    at: dict[Key, list[int]] = {}
    series_of: dict[Key, set[str]] = {}
    first_key: dict[str, Key] = {}
    for position, (key, series_id) in enumerate(zip(keys, ids)):
        at.setdefault(key, []).append(position)
        series_of.setdefault(key, set()).add(series_id)
        first_key.setdefault(series_id, key)
    earlier_at: dict[Key, list[int]] = {}
    for position, series_id in enumerate(earlier["series_id"].tolist()):
        if series_id in first_key:
            earlier_at.setdefault(first_key[series_id], []).append(position)
    digests = {key: hashlib.sha256(points_hashed[positions].tobytes() + b"|"
                                   + earlier_hashed[earlier_at.get(key, [])].tobytes()).hexdigest()
               for key, positions in at.items()}
    return digests, series_of


def _hashed(frame: pd.DataFrame, columns: list[str], told: pd.Series) -> np.ndarray:
    """A hash of each row's `columns` and of its bulletin's row in `told` (`input_digests`): two columns."""
    if frame.empty:
        return np.zeros((0, 2), dtype="uint64")
    cells = pd.util.hash_pandas_object(frame[columns], index=False).to_numpy()
    bulletin = told.reindex(frame["bulletin_id"], fill_value=0).to_numpy(dtype="uint64")  # uint64 kept whole
    return np.stack([cells, bulletin], axis=1)


def _chart_rows_key(key: Key) -> str:
    return "\x1f".join(map(str, key))


def chart_rows_group(key: str) -> str:
    """One of 256 groups of the charts' rows (by a hash of the chart's key): a memo file holds a few charts'."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:2]


def _chart_data(catalog: Catalog, problems: Iterable[Problem], memo: RowsMemo | None = None) -> ChartData:
    points, excluded = series_points(catalog, problems)
    earlier = corrections(catalog.figures, points)
    rows = chart_rows(points, catalog.bulletins, earlier, memo)
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


def _span(first: dt.date, last: dt.date) -> str:
    if first == last:
        return f"{first.day} {first:%B %Y}"
    return f"{first.day} {first:%B %Y} to {last.day} {last:%B %Y}"


def _contributed(points: pd.DataFrame, rows: dict[Key, ChartRows]) -> dict[str, list[Key]]:
    """For each bulletin, the toll charts it reports into, best first (measure order, kind, length)."""
    toll = points[points["measure"].isin(list(TOLL_MEASURES))]
    order = {m: i for i, m in enumerate(TOLL_MEASURES)}
    contributed: dict[str, list[Key]] = {}
    pairs = toll[["bulletin_id", *CHART_KEY]].drop_duplicates()
    for bulletin_id, *key in zip(*(pairs[c].tolist() for c in pairs.columns)):  # lists: faster than itertuples
        contributed.setdefault(bulletin_id, []).append(tuple(key))
    for keys in contributed.values():
        keys.sort(key=lambda k: (order[k[1]], KIND_ORDER.get(k[3], 9), -len(rows[k]) if k in rows else 0))
    return contributed


@dataclass(frozen=True)
class Planned:
    """One chart a page will show: its key, its size, and the day it is cut at (None: everything)."""

    key: Key
    size: dict[str, int]
    day: dt.date | None = None


@dataclass(frozen=True)
class Selection:
    """The rows a planned chart shows, how many there were, and its source note."""

    rows: list[Row]
    total: int
    sources: str


def select(data: ChartData, planned: Planned) -> Selection:
    """The rows of a planned chart (array work only)."""
    found = data.rows.get(planned.key)
    if found is None:
        return Selection([], 0, "")
    rows, total, note = found.up_to(_cut_day(planned), planned.size["max_points"])
    return Selection(rows, total, f"{data.names.get(planned.key[0], planned.key[0])} {note}" if note else "")


def _cut_day(planned: Planned) -> str:
    return planned.day.isoformat() if planned.day else "9999-12-31"


def plan_digest(data: ChartData, planned: Planned) -> str:
    """A hash of everything the chart of `planned` is made from, without cutting its rows (see `select`):
    equal digests give equal charts."""
    found = data.rows.get(planned.key)
    parts = [CHARTS_VERSION, repr(planned.key), repr(sorted(planned.size.items())), str(planned.day),
             str(data.excluded_counts.get(planned.key, 0)), data.names.get(planned.key[0], planned.key[0]),
             found.digest_up_to(_cut_day(planned)) if found is not None else ""]
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


def render(data: ChartData, planned: Planned, selection: Selection | None = None) -> Chart:
    """The chart of a plan."""
    selection = selection or select(data, planned)
    return make_chart(selection.rows, dict(zip(CHART_KEY, planned.key)), planned.size,
                      excluded=data.excluded_counts.get(planned.key, 0),
                      as_of=pd.Timestamp(planned.day) if planned.day else None, sources=selection.sources,
                      total=selection.total)


def chart(data: ChartData, key: Key, size: dict[str, int] = FULL, day: dt.date | None = None) -> Chart:
    """One chart of `key`, whole or as published by `day`."""
    return render(data, Planned(key, size, day))


def _keys(data: ChartData) -> list[Key]:
    """Every toll chart key, best first within each measure: running totals before stocks and
    increments, then the series reported most recently, then the longest."""
    order = {m: i for i, m in enumerate(TOLL_MEASURES)}
    keys = {k for k in [*data.rows, *data.excluded_counts] if k[1] in TOLL_MEASURES}

    def rank(key: Key) -> tuple[Any, ...]:
        found = data.rows.get(key)
        last = -found.as_of[-1].astype("int64") if found else 0
        return key[0], order[key[1]], KIND_ORDER.get(key[3], 9), last, -len(found) if found else 0, key

    return sorted(keys, key=rank)


def chronology_plan(data: ChartData, series: Iterable[str]) -> list[Planned]:
    """For each bulletin series, the longest chart of each chronology measure (or a "no figures yet" chart)."""
    keys = _keys(data)
    plan = []
    for name in series:
        for measure in CHRONOLOGY_MEASURES:
            mine = [k for k in keys if k[0] == name and k[1] == measure]
            plan.append(Planned(mine[0] if mine else (name, measure, "", DEFAULT_KIND.get(measure, "running-total"),
                                                      "", ""), FULL))
    return plan


def page_plan(catalog: Catalog, data: ChartData, per_series: int = 6, per_place: int = 6,
              per_bulletin: int = 1) -> dict[str, list[Planned]]:
    """The charts of every page: `chronology`, `series/<slug>`, `place_key(place)`, `bulletin/<id>`.

    A series page shows the longest chart of each measure (at most `per_series`); a place page
    its charts (at most `per_place`, small); a bulletin page the toll as of its date: the charts
    it reports into, one per measure (at most `per_bulletin`, small).
    """
    series = list(catalog.series["slug"])
    plan: dict[str, list[Planned]] = {"chronology": chronology_plan(data, series)}
    keys = _keys(data)
    for name in series:
        best: dict[str, Key] = {}
        for key in keys:
            if key[0] == name:
                best.setdefault(key[1], key)
        if best:
            plan[f"series/{name}"] = [Planned(k, FULL) for k in list(best.values())[:per_series]]
    places: dict[str, list[Key]] = {}
    for key in keys:
        if key[2]:
            places.setdefault(place_key(key[2]), []).append(key)
    for place, mine in places.items():
        plan[place] = [Planned(k, SMALL) for k in mine[:per_place]]
    days = dict(zip(catalog.bulletins.index.tolist(), catalog.bulletins["date"].dt.date.tolist()))
    for bulletin_id, mine in data.contributed.items():
        day = days[bulletin_id]
        picked: dict[str, Key] = {}
        for key in mine:
            picked.setdefault(key[1], key)
        plan[f"bulletin/{bulletin_id}"] = [Planned(k, SMALL, day) for k in list(picked.values())[:per_bulletin]]
    return plan


def page_charts(catalog: Catalog, data: ChartData, per_series: int = 6, per_place: int = 6,
                per_bulletin: int = 1) -> dict[str, list[Chart]]:
    """The charts of every page, rendered (see `page_plan`)."""
    with collector_paused():
        plan = page_plan(catalog, data, per_series, per_place, per_bulletin)
        return {page: [render(data, p) for p in planned] for page, planned in plan.items()}


def build_all_charts(catalog: Catalog, problems: Iterable[Problem] = ()) -> dict[str, list[Chart]]:
    """Every chart of the archive, by page (what a build stages; the chart benchmark times this)."""
    return page_charts(catalog, chart_data(catalog, problems))
