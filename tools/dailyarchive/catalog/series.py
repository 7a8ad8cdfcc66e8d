"""Figures → honest series with low / best / high bounds: pure functions over pandas frames.

A series is one bulletin series, measure, group, place, kind and baseline
(DESIGN.md, "Rules that make the charts honest"). Running totals stay as
reported, increments are summed into a cumulative series, stocks stay stocks,
windows stand alone. Nothing is ever added across two series.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from collections.abc import Hashable, Iterable, Sequence
from itertools import groupby
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ..model.errors import Problem

#: The one table for vague words: the smallest number each word is taken to mean.
#: ACLED codes "tens" as 10, "dozens" as 12 and "hundreds" as 100 (its most
#: conservative reading); the other words follow the same rule. The bulletin's
#: own words are always kept beside the number (docs/methods.md).
VAGUE_WORDS: dict[str, int] = {
    "a few": 2,
    "a couple": 2,
    "several": 3,
    "a dozen": 12,
    "tens": 10,
    "dozens": 12,
    "scores": 20,
    "hundreds": 100,
    "thousands": 1_000,
    "tens of thousands": 10_000,
    "hundreds of thousands": 100_000,
    "millions": 1_000_000,
}

#: Rules of `check` whose errors keep a figure off the charts (the figure is counted and named, never hidden).
EXCLUDING_RULES = frozenset({"figure-bounds", "figure-parent", "figure-dates", "figure-baseline", "figure-kind-mixed"})

#: Kinds whose series add up over time: a fall below an earlier value is flagged.
CUMULATIVE_KINDS = frozenset({"running-total", "increment"})

KEY = ["series", "measure", "group", "place", "kind", "since", "until"]
POINT_COLUMNS = [
    "series_id", *KEY, "baseline", "as_of", "bulletin_id", "version", "bulletin_date", "figure_index",
    "qualifier", "text", "value", "low", "best", "high", "headline", "increment", "fell", "illustrative", "path",
    "line",
]
CORRECTION_COLUMNS = ["series_id", "as_of", "bulletin_id", "version", "latest_version", "qualifier", "text",
                      "value", "headline", "latest_headline", "y", "change"]
EXCLUDED_COLUMNS = ["bulletin_id", "version", "figure_index", "rule", "message", "path", "line"]
_WORD = re.compile(r"[^\w]+", re.UNICODE)


def vague_number(text: object) -> float:
    """The number of the vague-word table for `text` ("scores" → 20), NaN when no entry fits.

    The longest table entry that `text` starts with wins, so "dozens of families" is 12
    and "tens of thousands" is 10,000, not 10.
    """
    if not isinstance(text, str):
        return math.nan
    words = " ".join(text.casefold().split())
    for entry in sorted(VAGUE_WORDS, key=len, reverse=True):
        if words == entry or words.startswith(entry + " "):
            return float(VAGUE_WORDS[entry])
    return math.nan


class Bounds(NamedTuple):
    """low, best, high and headline of one figure; NaN means "not stated" (an open high is NaN too)."""

    low: float
    best: float
    high: float
    headline: float


_FLOOR = frozenset({"exact", "at least", "more than"})


def figure_bounds(qualifier: str, value: float | None, low: float | None = None, high: float | None = None,
                  text: object = None) -> Bounds:
    """The bounds of one figure, from its value, qualifier, stated bounds and words: the one rule.

    | qualifier | low | best | high |
    | exact N | N | N | N |
    | at least N, more than N | N | N | open |
    | about N | — | N | — |
    | up to N | — | — | N |
    | vague word w | table[w] | table[w] | open |

    A stated `low` or `high` replaces the derived one; a low above the high is taken down to
    it and the best kept between them. The headline, the number a figure is charted and
    compared at, is the low bound, or the best one when no low is known.
    """
    number = _number(value)
    word = vague_number(text) if qualifier == "vague" else math.nan
    floor = qualifier in _FLOOR
    low_ = _number(low)
    if math.isnan(low_):
        low_ = number if floor and not math.isnan(number) else word
    best = number if (floor or qualifier == "about") and not math.isnan(number) else word
    high_ = _number(high)
    if math.isnan(high_) and qualifier in ("exact", "up to"):
        high_ = number
    if high_ < low_:
        low_ = high_
    if best < low_:
        best = low_
    if best > high_:
        best = high_
    return Bounds(low_, best, high_, best if math.isnan(low_) else low_)


def _number(value: object) -> float:
    """A stated number as a float, NaN when it is not stated."""
    return math.nan if value is None else float(value)  # type: ignore[arg-type]


def bounds(figures: pd.DataFrame) -> pd.DataFrame:
    """low, best, high and headline of each figure of a frame (`figure_bounds`, row by row)."""
    columns = [figures[c].astype("object").where(figures[c].notna(), None).tolist() for c in
               ("qualifier", "value", "low", "high", "text")]
    known: dict[tuple[Any, ...], Bounds] = {}  # figures repeat: each distinct one is computed once
    rows = [known.get(row) or known.setdefault(row, figure_bounds(*row)) for row in zip(*columns)]
    return pd.DataFrame(rows or None, columns=list(Bounds._fields), index=figures.index, dtype="float64")


def falls(series: Sequence[Hashable], days: Sequence[Any], headlines: Sequence[float]) -> list[int | None]:
    """For each report of a running total, the position of the report it fell below, or None.

    The reports of one `series` are taken in order of the day they describe (`days`, the
    as_of dates). A report falls when its headline is below the highest headline of an
    earlier day of its series; the report named is the first one (in the order given) that
    reached that highest value. Reports of one day are never compared with each other: two
    reports of one day that differ are two sources or two readings, not a change over time,
    and the higher one is the level that later days are compared with. A report without a
    headline (NaN) is neither compared nor a level.
    """
    fell: list[int | None] = [None] * len(headlines)
    known = (i for i, headline in enumerate(headlines) if not math.isnan(headline))
    order = sorted(known, key=lambda i: (series[i], days[i]))
    for _, in_series in groupby(order, key=series.__getitem__):
        peak: int | None = None
        for _, same_day in groupby(in_series, key=days.__getitem__):
            day = list(same_day)
            if peak is not None:
                for i in day:
                    if headlines[i] < headlines[peak]:
                        fell[i] = peak
            highest = max(day, key=headlines.__getitem__)
            if peak is None or headlines[highest] > headlines[peak]:
                peak = highest
    return fell


def strand(series_id: str, illustrative: bool) -> tuple[str, bool]:
    """The strand of a report: its series and whether its bulletin is illustrative.

    Record and illustrative reports of one series are two strands: increments are summed
    within a strand and falls are found within a strand (`falls` takes strands as its
    `series`), so an illustrative report is never compared with the record or added to it.
    """
    return series_id, bool(illustrative)


#: The kinds whose `since` is part of their series' key, and the kind whose `as_of` is too (`series_key`).
KEYED_SINCE = ("running-total", "window")
KEYED_UNTIL = "window"


def series_key(series: str, measure: str, group: str, place: str, kind: str, since: str,
               as_of: str) -> tuple[str, ...]:
    """The key of one figure's series (KEY): series, measure, group, place, kind, since, until.

    `since` (ISO text, or "") counts as the baseline of a running total or the start of a
    window; `until` is the end of a window (its as_of), so that each window stands alone.
    """
    return (series, measure, group, place, kind, since if kind in KEYED_SINCE else "",
            as_of if kind == KEYED_UNTIL else "")


def series_keys(figures: pd.DataFrame) -> pd.DataFrame:
    """The `series_key` and `series_id` of each figure of a frame (computed once per distinct series).

    The dates a kind's key leaves out are blanked before the figures are grouped, so that the figures
    of one series are one group, whatever their as_of.
    """
    if figures.empty:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in [*KEY, "series_id"]}, index=figures.index)
    kind = figures["kind"].astype("object")
    raw = pd.DataFrame({
        "series": [bulletin_id.partition("/")[0] for bulletin_id in figures["bulletin_id"].tolist()],
        "measure": figures["measure"].astype("object"),
        "group": figures["group"].astype("object"),
        "place": figures["place"].astype("object").fillna(""),
        "kind": kind,
        "since": iso_days(figures["since"]).where(kind.isin(KEYED_SINCE), ""),
        "until": iso_days(figures["as_of"]).where(kind.eq(KEYED_UNTIL), ""),
    }, index=figures.index)
    codes, distinct = pd.MultiIndex.from_frame(raw).factorize()
    keys = [series_key(*figure) for figure in distinct]
    table = pd.DataFrame(keys, columns=KEY).assign(series_id=[series_id_of(*key) for key in keys])
    return table.iloc[codes].set_index(figures.index)


def iso_days(dates: pd.Series) -> pd.Series:
    """Dates as ISO text ("2019-07-05"), "" where there is none."""
    days = np.datetime_as_string(pd.to_datetime(dates).to_numpy().astype("datetime64[D]"))  # of any unit
    return pd.Series(np.where(dates.isna().to_numpy(), "", days), index=dates.index, dtype=object)


def series_id_of(series: str, measure: str, group: str, place: str, kind: str, since: str = "",
                 until: str = "") -> str:
    """A stable, readable id of one series: `series/measure/group/place/kind[/since[/until]]` in slug form.

    Names that give the same slug ("Idlib Province", "idlib province") are one series.
    """
    base = "/".join(_slug(str(part)) if part else "all" for part in (series, measure, group, place, kind))
    return base + (f"/{since}" if since else "") + (f"/{until}" if until else "")


def slug(text: object) -> str:
    """Lower-case words joined by hyphens ("Idlib Province" → "idlib-province"; "" → "all")."""
    return _slug(str(text)) if text else "all"


@functools.lru_cache(maxsize=65536)
def _slug(text: str) -> str:
    return _WORD.sub("-", text.casefold()).strip("-_") or "all"


def excluded_figures(figures: pd.DataFrame, problems: Iterable[Problem]) -> pd.DataFrame:
    """Figures that an error of `check` keeps off the charts: one row per figure and rule.

    A problem belongs to the figure of the same file whose first line is the last one at
    or before the problem's line, if it lies before the next figure's first line (`end_line`,
    which counts figures left out of the frame: an error of a pending figure is its own).
    """
    wanted = [p for p in problems if p.level == "error" and p.rule in EXCLUDING_RULES]
    if not wanted or figures.empty:
        return pd.DataFrame(columns=EXCLUDED_COLUMNS)
    starts = figures[["bulletin_id", "version", "figure_index", "path", "line", "end_line"]].sort_values(["path", "line"])
    by_path = {path: group for path, group in starts.groupby("path", sort=False)}
    rows = []
    for problem in wanted:
        in_file = by_path.get(str(problem.path))
        at = None if in_file is None else figure_at(in_file["line"].tolist(), problem.line)
        if at is None or problem.line >= in_file.iloc[at]["end_line"]:
            continue  # before every charted figure, or inside one left out (review: pending)
        figure = in_file.iloc[at]
        rows.append({**figure[["bulletin_id", "version", "figure_index"]].to_dict(), "rule": problem.rule,
                     "message": problem.message, "path": str(problem.path), "line": problem.line})
    return pd.DataFrame(rows, columns=EXCLUDED_COLUMNS).drop_duplicates()


def figure_at(starts: Sequence[int], line: int) -> int | None:
    """The figure a problem at `line` is about: the position of the last of `starts` (the first
    lines of one file's figures, ascending) at or before `line`; None when it is before them all."""
    position = bisect.bisect_right(starts, line) - 1
    return position if position >= 0 else None


def build_series(figures: pd.DataFrame, excluded: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every charted point of every series, from the latest versions' figures minus `excluded`.

    Running totals and stocks keep their reported bounds; increments become a cumulative
    series whose low / best / high are sums of the increments' (an open high stays open);
    windows are one-point series. `fell` marks a running total that fell (`falls`: below
    the highest report of an earlier day of its series). Record and illustrative reports are
    summed and compared apart (`strand`); `illustrative` marks the latter. Rows are sorted
    by series and date; columns are POINT_COLUMNS.
    """
    latest = _charted(figures, excluded)
    if latest.empty:
        dates = {c: "datetime64[ns]" for c in ("baseline", "as_of", "bulletin_date")}
        numbers = {c: "float64" for c in ("value", "low", "best", "high", "headline", "increment")}
        return pd.DataFrame(columns=POINT_COLUMNS).astype({**dates, **numbers, "fell": bool, "illustrative": bool})
    carried = latest[["as_of", "bulletin_id", "version", "bulletin_date", "figure_index", "qualifier", "text",
                      "value", "path", "line"]].assign(illustrative=_illustrative(latest))
    points = pd.concat([carried, series_keys(latest), bounds(latest)], axis=1)
    points = points.sort_values(["series_id", "as_of", "bulletin_date", "bulletin_id", "figure_index"], kind="stable")
    points["increment"] = points["headline"].where(points["kind"].eq("increment"))
    points = _accumulate(points.reset_index(drop=True))
    points["baseline"] = pd.to_datetime(points["since"].replace("", None))
    first = points.groupby("series_id")["as_of"].transform("min")
    points["baseline"] = points["baseline"].fillna(first.where(points["kind"].eq("increment")))
    return points[POINT_COLUMNS].reset_index(drop=True)


def _illustrative(figures: pd.DataFrame) -> pd.Series:
    """The `illustrative` mark of each figure (False where a frame has no such column)."""
    if "illustrative" not in figures:
        return pd.Series(False, index=figures.index, dtype=bool)
    return figures["illustrative"].astype("object").fillna(False).astype(bool)


def _charted(figures: pd.DataFrame, excluded: pd.DataFrame | None) -> pd.DataFrame:
    """Latest-version figures that no excluding rule names."""
    latest = figures[figures["is_latest"].astype(bool)]
    if excluded is not None and not excluded.empty:
        names = pd.MultiIndex.from_frame(excluded[["bulletin_id", "version", "figure_index"]].astype(
            {"version": "int64", "figure_index": "int64"}))
        mine = pd.MultiIndex.from_frame(latest[["bulletin_id", "version", "figure_index"]])
        latest = latest[~mine.isin(names)]
    return latest


def _accumulate(points: pd.DataFrame) -> pd.DataFrame:
    """Sum increments into cumulative series; flag running totals that fall (`falls`).

    `points` is sorted by series and date. Sums and falls stay within a strand (`strand`:
    the record apart from illustrative reports). An increment with no low counts 0 towards
    the low sum (a count is never below zero); one with an open high leaves the high sum open.
    """
    points = points.copy()
    strands = [strand(s, i) for s, i in zip(points["series_id"].tolist(), points["illustrative"].tolist())]
    by = pd.Series(pd.factorize(pd.Series(strands, dtype=object))[0] if strands else [], index=points.index,
                   dtype="int64")
    increment = points["kind"].eq("increment")
    low = points["low"].fillna(0.0)
    best = points["best"].fillna(low)
    open_high = points["high"].isna().groupby(by).cummax().astype(bool)
    sums = {
        "low": low.groupby(by).cumsum(), "best": best.groupby(by).cumsum(),
        "high": points["high"].groupby(by).cumsum().mask(open_high),
        "headline": points["headline"].fillna(0.0).groupby(by).cumsum(),
    }
    for column, summed in sums.items():
        points[column] = summed.where(increment, points[column])
    totals = points["kind"].eq("running-total").to_numpy()
    fell = np.zeros(len(points), dtype=bool)
    if totals.any():
        chosen = points[totals]
        below = falls([strands[i] for i in np.flatnonzero(totals)], chosen["as_of"].astype("int64").tolist(),
                      chosen["headline"].tolist())
        fell[np.flatnonzero(totals)] = [peak is not None for peak in below]
    points["fell"] = fell
    return points


def corrections(figures: pd.DataFrame, points: pd.DataFrame) -> pd.DataFrame:
    """Figures of earlier versions that the latest version changed or withdrew, placed on their series.

    A figure of version N is matched to the latest version's figure of the same bulletin with the
    same measure, group, place, kind, since and as_of. `y` is where the earlier value sits on
    the chart: its headline, or for an increment the cumulative value it would have given.
    """
    if figures.empty or points.empty:
        return pd.DataFrame(columns=CORRECTION_COLUMNS)
    matched = ["bulletin_id", "measure", "group", "place", "kind", "since", "as_of"]
    frame = pd.concat([figures, bounds(figures)[["headline"]]], axis=1)
    frame["place"] = frame["place"].astype("object").fillna("")
    frame["nth"] = frame.groupby([*matched, "version"], dropna=False).cumcount()
    older, latest = frame[~frame["is_latest"].astype(bool)], frame[frame["is_latest"].astype(bool)]
    charted = latest.merge(points[["bulletin_id", "figure_index", "series_id", "headline"]].rename(
        columns={"headline": "shown"}), on=["bulletin_id", "figure_index"])
    pairs = older.merge(charted[[*matched, "nth", "version", "headline", "series_id", "shown"]],
                        on=[*matched, "nth"], how="left", suffixes=("", "_latest"))
    changed = pairs["headline_latest"].isna() | ~np.isclose(pairs["headline"].fillna(-1),
                                                            pairs["headline_latest"].fillna(-1))
    pairs = pairs[changed & pairs["series_id"].notna()].copy()
    increment = pairs["kind"].eq("increment")
    pairs["y"] = pairs["headline"].where(~increment, pairs["shown"] - pairs["headline_latest"] + pairs["headline"])
    pairs["change"] = np.where(pairs["headline_latest"].isna(), "withdrawn", "revised")
    pairs = pairs.rename(columns={"version_latest": "latest_version", "headline_latest": "latest_headline"})
    return pairs[CORRECTION_COLUMNS].reset_index(drop=True)


def series_table(points: pd.DataFrame) -> pd.DataFrame:
    """One row per series: its key, number of points, first and last date, latest headline, falls."""
    columns = ["series_id", *KEY, "baseline", "n_points", "first", "last", "latest", "falls"]
    if points.empty:
        return pd.DataFrame(columns=columns)
    grouped = points.groupby("series_id", sort=True)
    table = grouped[[*KEY, "baseline"]].first()
    table["n_points"] = grouped.size()
    table["first"] = grouped["as_of"].min()
    table["last"] = grouped["as_of"].max()
    table["latest"] = grouped["headline"].last()
    table["falls"] = grouped["fell"].sum().astype("int64")
    return table.reset_index()[columns]


def up_to(points: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """The points the archive had published by `day` (bulletins dated on or before it)."""
    return points[points["bulletin_date"] <= day]
