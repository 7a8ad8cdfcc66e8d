"""Series points → the data rows of charts, each with its JSON and table cells rendered once.

A row is one reported point (or one value an earlier version gave, since corrected),
with the words a reader sees: the figure as the bulletin put it ("at least 544",
"scores (counted as 20)"), its baseline, its bulletin, and the bulletin's page.
A point of an illustrative bulletin says so in its label and its table row. When a
chart has more rows than it draws, `thin` keeps the telling ones and puts one
"dropped" row, the range of the reports not drawn, in each gap.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

CHART_KEY = ["series", "measure", "place", "kind", "since", "until"]
FALL_NOTE = "below an earlier report of this running total: a revision, a change of scope or another source"
ILLUSTRATIVE_NOTE = "illustrative: not the record, not to be cited"


@dataclass(frozen=True, slots=True)
class Row:
    """One data row of a chart, with its JSON and its table cells rendered once."""

    role: str
    group: str
    value: float
    ranged: bool
    summary: str
    day: str
    bulletin_day: str
    fell: bool
    label: str
    when: str
    bulletin: str
    url: str
    source: str
    data: str
    cells: tuple[str, ...]
    illustrative: bool = False
    corrected: bool = False
    bound: str = ""  #: which bound the point is drawn at: "lowest", "best" (or "" when it is not drawn)
    headline: float = math.nan  #: the drawn value, NaN when the row draws no point ("up to", dropped)
    count: int = 1  #: the reports the row stands for (a dropped row: every report of its gap)

def point_rows(points: pd.DataFrame, bulletins: pd.DataFrame, earlier: pd.DataFrame | None = None) -> pd.DataFrame:
    """The data rows of charts: one per reported point and one per earlier (corrected) value.

    `bulletins` is the Catalog's bulletins frame (for titles and URLs). The frame keeps the
    chart key and `bulletin_date` so that charts can be cut by page and date.
    """
    points = points.reset_index(drop=True)
    info = bulletins.reindex(points["bulletin_id"])
    counted = points["increment"].where(points["kind"].eq("increment"), points["headline"])
    illustrative = _flag(points, "illustrative")
    drawn = points["headline"].where(counted.notna() | points["kind"].ne("increment"))
    # lists, not Series, for the loops below: a `str` column yields its items one by one through pandas
    figures = list(zip(points["qualifier"].tolist(), points["value"].tolist(), points["text"].tolist(),
                       points["headline"].tolist()))
    said = [_label(q, v, t, h) for q, v, t, h in figures]  # the figure as the bulletin said it, once a point
    sums = list(zip(said, points["kind"].tolist(), counted.tolist()))
    rows = pd.DataFrame({
        **{c: points[c].to_numpy() for c in CHART_KEY}, "role": "point",
        "date": points["as_of"].dt.strftime("%Y-%m-%d").to_numpy(),
        "end": points["as_of"].dt.strftime("%Y-%m-%d").to_numpy(),
        "when": _days(points["as_of"]), "group": points["group"].map(_words).to_numpy(),
        "value": drawn.to_numpy(), "low": points["low"].to_numpy(), "high": points["high"].to_numpy(),
        "label": [words + (f"; sum so far {s:,.0f}" if k == "increment" else "") for words, k, s in sums],
        "summary": [f"{s:,.0f} in all (the sum of the reports; the latest: {words})" if k == "increment" else words
                    for words, k, s in sums],
        "baseline": _baselines(points["kind"], points["baseline"], points["since"]),
        "bulletin": [f"{d}, version {v}: {t}" for d, v, t in zip(_days(points["bulletin_date"]),
                                                                 points["version"].tolist(), info["title"].tolist())],
        "url": [_page(u) for u in info["url"].tolist()], "fell": points["fell"].astype(bool).to_numpy(),
        "note": np.where(points["fell"].astype(bool), "a fall: see Methods", ""),
        "illustrative": illustrative, "corrected": _corrected(points, earlier),
        "bound": np.where(drawn.isna(), "", np.where(points["low"].notna(), "lowest", "best")),
        "bulletin_date": points["bulletin_date"].to_numpy(),
        "reported_by": points["reported_by"].fillna("").to_numpy() if "reported_by" in points else "",
    })
    windows = points["kind"].eq("window").to_numpy()
    rows.loc[windows, "date"] = points.loc[windows, "since"].to_numpy()
    fell = rows["fell"].to_numpy(dtype=bool)
    rows.loc[fell, "label"] = rows.loc[fell, "label"] + f" ({FALL_NOTE})"
    rows["figure"] = rows["label"]  # the table's figure cell: its Note cell says "illustrative" in full
    rows.loc[illustrative, "label"] = rows.loc[illustrative, "label"] + f" ({ILLUSTRATIVE_NOTE})"
    rows.loc[illustrative, "note"] = [f"{n}; {ILLUSTRATIVE_NOTE}" if n else ILLUSTRATIVE_NOTE
                                      for n in rows.loc[illustrative, "note"]]
    if earlier is not None and not earlier.empty:
        rows = pd.concat([rows, _earlier_rows(earlier, points, bulletins)], ignore_index=True)
    return rows.sort_values(["date", "role"], kind="stable").reset_index(drop=True)


def _flag(points: pd.DataFrame, column: str) -> np.ndarray:
    """A boolean column of `points` as an array (all False when the frame has no such column)."""
    if column not in points:
        return np.zeros(len(points), dtype=bool)
    return points[column].astype("object").fillna(False).astype(bool).to_numpy()


def _corrected(points: pd.DataFrame, earlier: pd.DataFrame | None) -> np.ndarray:
    """For each point: does an earlier version of its bulletin give another value on its series?"""
    if earlier is None or earlier.empty:
        return np.zeros(len(points), dtype=bool)
    changed = pd.MultiIndex.from_frame(earlier[["bulletin_id", "series_id"]])
    return pd.MultiIndex.from_frame(points[["bulletin_id", "series_id"]]).isin(changed)


def _earlier_rows(earlier: pd.DataFrame, points: pd.DataFrame, bulletins: pd.DataFrame) -> pd.DataFrame:
    """Rows for values an earlier version reported, placed on their series."""
    keys = points.drop_duplicates("series_id").set_index("series_id")
    earlier = earlier[earlier["series_id"].isin(keys.index)].reset_index(drop=True)
    info = bulletins.reindex(earlier["bulletin_id"])
    key = keys.reindex(earlier["series_id"])
    rows = pd.DataFrame({
        **{c: key[c].to_numpy() for c in CHART_KEY}, "role": "earlier",
        "date": earlier["as_of"].dt.strftime("%Y-%m-%d").to_numpy(), "end": None,
        "when": _days(earlier["as_of"]), "group": key["group"].map(_words).to_numpy(),
        "value": earlier["y"].to_numpy(), "low": np.nan, "high": np.nan,
        "label": [f"{_label(q, v, t, h)} in version {o}, {'withdrawn' if c == 'withdrawn' else f'corrected in version {n}'}"
                  for q, v, t, h, o, n, c in zip(earlier["qualifier"], earlier["value"], earlier["text"],
                                                 earlier["headline"], earlier["version"], earlier["latest_version"],
                                                 earlier["change"])],
        "baseline": _baselines(key["kind"], key["baseline"], key["since"]),
        "bulletin": [f"{d}, version {v}: {t}" for d, v, t in zip(_days(info["date"]), earlier["version"], info["title"])],
        "summary": "", "url": [_page(u) for u in info["url"]], "fell": False,
        "note": "earlier value, since corrected", "illustrative": False, "corrected": True, "bound": "",
        "bulletin_date": info["date"].to_numpy(), "reported_by": "",
    })
    rows["figure"] = rows["label"]
    return rows


#: Every column of the points, the corrections (`series.corrections`) and the bulletins that `point_rows` reads:
#: equal cells make equal rows.
POINT_INPUTS = ["series_id", *CHART_KEY, "group", "baseline", "as_of", "bulletin_id", "version", "bulletin_date",
                "qualifier", "text", "value", "low", "high", "headline", "increment", "fell", "illustrative",
                "reported_by"]
EARLIER_INPUTS = ["series_id", "as_of", "bulletin_id", "version", "latest_version", "qualifier", "text", "value",
                  "headline", "y", "change"]
BULLETIN_INPUTS = ["title", "url", "date"]

DATA_FIELDS = ["role", "date", "end", "when", "group", "value", "low", "high", "label", "baseline", "bulletin", "url",
               "fell", "illustrative"]
_ROW_FIELDS = [f.name for f in fields(Row)]


def row_record(row: Row) -> list[Any]:
    """A row as a JSON list (a value that is not a number, such as an undrawn row's `headline`, as null)."""
    return [None if isinstance(v, float) and math.isnan(v) else list(v) if isinstance(v, tuple) else v
            for v in (getattr(row, name) for name in _ROW_FIELDS)]


_NUMBERS = [_ROW_FIELDS.index("value"), _ROW_FIELDS.index("headline")]
_CELLS = _ROW_FIELDS.index("cells")


def is_row_record(record: object) -> bool:
    """Whether `record` has the shape `row_record` writes (a list of the fields, numbers and cells where they
    belong), so that `row_from_record` can read it."""
    return (isinstance(record, list) and len(record) == len(_ROW_FIELDS) and isinstance(record[_CELLS], list)
            and all(record[i] is None or isinstance(record[i], (int, float)) for i in _NUMBERS))


def row_from_record(record: list[Any]) -> Row:
    """The row `row_record` wrote; ValueError when `record` is not one."""
    if not is_row_record(record):
        raise ValueError("not a chart row")
    values = dict(zip(_ROW_FIELDS, record))
    values["cells"] = tuple(values["cells"])
    for name in ("value", "headline"):
        values[name] = math.nan if values[name] is None else float(values[name])
    return Row(**values)


def rows_by_chart(frame: pd.DataFrame) -> dict[tuple[str, ...], list[Row]]:
    """The rows of `point_rows` as Row objects, grouped by chart key, in date order."""
    charts: dict[tuple[str, ...], list[Row]] = {}
    if frame.empty:
        return charts
    days = frame["bulletin_date"].dt.strftime("%Y-%m-%d").to_numpy()
    records = _records(frame[DATA_FIELDS])
    keys = zip(*(frame[c].to_numpy() for c in CHART_KEY))
    extra = zip(days, frame["reported_by"].to_numpy(), frame["summary"].to_numpy(), frame["figure"].to_numpy(),
                frame["note"].to_numpy(), frame["corrected"].to_numpy(dtype=bool), frame["bound"].to_numpy())
    for key, record, (day, source, summary, figure, note, corrected, bound) in zip(keys, records, extra):
        record["fell"] = bool(record["fell"])
        record["illustrative"] = bool(record["illustrative"])
        cells = (record["when"], record["group"], figure, _number(record["low"]), _number(record["high"]),
                 record["baseline"], record["bulletin"], note)
        value, high = record["value"], record["high"]
        charts.setdefault(key, []).append(Row(
            role=record["role"], group=record["group"], value=0.0 if value is None else float(value),
            ranged=high is not None and value is not None and high > (record["low"] or 0), summary=summary or "",
            day=record["date"], bulletin_day=day, fell=record["fell"],
            label=record["label"], when=record["when"], bulletin=record["bulletin"], url=record["url"] or "",
            source=source or "", data=_compact(record), cells=cells, illustrative=record["illustrative"],
            corrected=bool(corrected), bound=str(bound), headline=math.nan if value is None else float(value)))
    return charts


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows as dicts of plain Python values, None for a missing one: `to_dict("records")` after
    `where(notna, None)`, column by column (three times faster)."""
    names = list(frame.columns)  # a list: an Index of `str` yields its items one by one through pandas
    columns = [frame[c].to_numpy(dtype=object, na_value=None).tolist() for c in names]
    return [dict(zip(names, values)) for values in zip(*columns)]


def _compact(record: dict[str, Any]) -> str:
    """A data row as JSON without what the chart does not draw (Vega reads a missing field as undefined)."""
    kept = {k: v for k, v in record.items() if v is not None and v != "" and v is not False}
    if kept.get("role") == "point":
        del kept["role"]
    if "high" not in kept or kept.get("low") == kept["high"]:
        kept.pop("low", None), kept.pop("high", None)
    if kept.get("end") == kept.get("date"):
        kept.pop("end", None)
    for name in ("value", "low", "high"):
        if isinstance(kept.get(name), float) and kept[name].is_integer():
            kept[name] = int(kept[name])
    return json.dumps(kept, ensure_ascii=False, separators=(",", ":"))



# --- thinning ---------------------------------------------------------------------------------------


def row_arrays(rows: list[Row]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What `thin` reads of each row: its line (group and strand, "" for no point), its drawn
    value, and whether it must be kept (a fall, an earlier value, a corrected report)."""
    lines = np.array([f"{r.group}\x1f{int(r.illustrative)}" if r.role == "point" else "" for r in rows], dtype=object)
    values = np.array([r.headline for r in rows], dtype="float64")
    special = np.array([r.fell or r.corrected or r.role == "earlier" for r in rows], dtype=bool)
    return lines, values, special


def keep_mask(lines: np.ndarray, values: np.ndarray, special: np.ndarray, limit: int) -> np.ndarray:
    """Which rows a chart of at most `limit` rows draws: all of them when they fit; else every
    fall, earlier value and corrected report, and the first, last and highest report of each
    line, with the others evenly spaced in the room left."""
    if len(lines) <= limit:
        return np.ones(len(lines), dtype=bool)
    keep = special.copy()
    for line in {str(x) for x in lines if x}:
        mine = np.flatnonzero(lines == line)
        keep[[mine[0], mine[-1]]] = True
        drawn = values[mine]
        if np.isfinite(drawn).any():
            keep[mine[int(np.nanargmax(drawn))]] = True
    room = max(limit - int(keep.sum()), 0)
    others = np.flatnonzero(~keep)
    if room and len(others):
        keep[others[np.linspace(0, len(others) - 1, room).round().astype(int)]] = True
    return keep


def thin(rows: list[Row], index: np.ndarray, arrays: tuple[np.ndarray, np.ndarray, np.ndarray],
         limit: int) -> list[Row]:
    """The rows `index` picks of `rows`, at most `limit` of them drawn (`keep_mask`): each run of
    reports of one line that is not drawn becomes one "dropped" row (`dropped_row`) in its place,
    so that no line holds a value over reports it does not show. `arrays` is `row_arrays(rows)`."""
    lines, values, special = (a[index] for a in arrays)
    keep = keep_mask(lines, values, special, limit)
    if keep.all():
        return [rows[i] for i in index]
    placed: list[tuple[int, Row]] = [(int(p), rows[index[p]]) for p in np.flatnonzero(keep)]
    for line in {str(x) for x in lines if x}:
        mine = np.flatnonzero(lines == line)
        gaps = ~keep[mine]
        starts = np.flatnonzero(gaps & ~np.r_[False, gaps[:-1]])
        ends = np.flatnonzero(gaps & ~np.r_[gaps[1:], False])
        for start, end in zip(starts, ends):
            run = mine[start:end + 1]
            placed.append((int(run[0]), dropped_row(rows[index[run[0]]], rows[index[run[-1]]], len(run),
                                                    values[run])))
    return [row for _, row in sorted(placed, key=lambda pair: pair[0])]


def dropped_row(first: Row, last: Row, count: int, values: np.ndarray) -> Row:
    """One row for `count` reports of one line that a chart does not draw, from `first` to `last`:
    the range of their values, drawn as a band where the line is broken."""
    known = [v for v in values.tolist() if not math.isnan(v)]
    low, high = (min(known), max(known)) if known else (None, None)
    when = first.when if first.day == last.day else f"{first.when} to {last.when}"
    between = f"between {low:,.0f} and {high:,.0f}" if low is not None and low != high else (
        f"all {low:,.0f}" if low is not None else "no number")
    label = (f"{count} report{'s' if count != 1 else ''} not drawn here: {between}"
             f"{' (illustrative)' if first.illustrative else ''}")  # the chart's note: every report is in series.csv
    cells = (when, first.group, label, _number(low), _number(high), "", "", "")  # the label says "not drawn"
    flag = ',"illustrative":true' if first.illustrative else ""
    numbers = "" if low is None else f',"low":{low:.15g},"high":{high:.15g}'
    data = (f'{{"role":"dropped","date":"{first.day}","end":"{last.day}","when":"{when}",'
            f'"group":{_json_text(first.group)}{numbers},"n":{count}{flag}}}')
    return Row(role="dropped", group=first.group, value=0.0, ranged=False, summary="", day=first.day,
               bulletin_day=last.bulletin_day, fell=False, label=label, when=when, bulletin="", url="",
               source="", data=data, cells=cells, illustrative=first.illustrative, count=count)


@functools.lru_cache(maxsize=4096)
def _json_text(text: str) -> str:
    """`text` as a JSON string (group names repeat: each is quoted once)."""
    return json.dumps(text, ensure_ascii=False)


# --- words ------------------------------------------------------------------------------------------


def _number(value: object) -> str:
    return "" if _missing(value) else f"{value:,.0f}"


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def day_words(day: object) -> str:
    if _missing(day) or day is pd.NaT:
        return ""
    stamp = pd.Timestamp(day)
    return f"{stamp.day} {stamp:%B %Y}"


def _days(dates: pd.Series) -> np.ndarray:
    """Dates as words ("9 July 2019"), vectorised: each distinct date is written once (a chart's points
    share their days)."""
    codes, days = pd.factorize(pd.Series(pd.to_datetime(dates)).reset_index(drop=True))
    days = pd.Series(days)
    words = (days.dt.day.astype("Int64").astype(str) + days.dt.strftime(" %B %Y")).to_numpy(dtype=object)
    return np.where(codes >= 0, words[np.maximum(codes, 0)] if len(words) else "", "").astype(object)


def _words(text: str) -> str:
    return "all" if text == "all" else str(text).replace("-", " ")


def _label(qualifier: str, value: float, text: object, headline: float) -> str:
    """The figure as the bulletin said it: "at least 544", "scores (counted as 20)"."""
    if qualifier == "vague":
        counted = "" if _missing(headline) else f" (counted as {headline:,.0f})"
        return f"{text}{counted}"
    number = "" if _missing(value) else f"{value:,.0f}"
    return number if qualifier == "exact" else f"{qualifier} {number}".strip()


def _baselines(kind: pd.Series, baseline: pd.Series, since: pd.Series) -> np.ndarray:
    """What each point counts from, in words: "since 26 April 2019", "a stock, as of each date" ..."""
    kind = pd.Series(kind).reset_index(drop=True)
    since = pd.Series(since).reset_index(drop=True).replace("", None)
    words = pd.Series(_days(baseline), dtype=object)
    text = np.where(kind.eq("increment"), "summed from " + words, "since " + words)
    text = np.where(words.eq(""), "", text)
    window = np.where(since.notna(), "window from " + pd.Series(_days(pd.to_datetime(since)), dtype=object), "window")
    text = np.where(kind.eq("window"), window, text)
    return np.where(kind.eq("stock"), "a stock, as of each date", text).astype(object)


def _page(url: object) -> str:
    """The bulletin's page relative to the site root, as a file path that works from file://."""
    return "" if not isinstance(url, str) else url.rstrip("/") + "/index.html"
