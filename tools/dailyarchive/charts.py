"""Series → Altair/Vega-Lite charts with their text alternatives (returns charts; writes no files).

One chart is one bulletin series, measure, place, kind and baseline; its groups
(civilians, children) are its lines. The Vega-Lite templates are built once with
Altair; each chart fills in its data, title and notes, so that thousands of charts
cost string work, not Altair work.
"""

from __future__ import annotations

import functools
import hashlib
import json
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import altair as alt
import numpy as np
import pandas as pd

from .chartrows import CHART_KEY, FALL_NOTE, Row, day_words, point_rows, rows_by_chart
from .series import slug

if TYPE_CHECKING:
    from .catalog import Catalog
    from .errors import Problem

__all__ = ["CHART_KEY", "FALL_NOTE", "FULL", "SMALL", "TOLL_MEASURES", "Chart", "Row", "build_all_charts",
           "chart_directive", "chart_id", "place_key", "chart_words", "describe", "make_chart", "point_rows", "rows_by_chart",
           "template"]

#: Measures that make "the toll" charts, with the verb of a title and the unit of the y axis.
TOLL_MEASURES: dict[str, tuple[str, str]] = {
    "killed": ("killed", "people"),
    "injured": ("injured", "people"),
    "displaced": ("displaced", "people"),
    "displacements": ("counted", "displacements"),
    "facilities-attacked": ("attacked", "facilities"),
    "detained": ("detained", "people"),
    "rescuers-killed": ("killed", "people"),
}
FULL = {"width": 560, "height": 260, "max_points": 120}
SMALL = {"width": 300, "height": 150, "max_points": 16}
TABLE_COLUMNS = ["As of", "Group", "Figure as reported", "Low", "High", "Baseline", "Bulletin", "Note"]
_TOOLTIP = [
    alt.Tooltip("when:N", title="As of"), alt.Tooltip("group:N", title="Group"),
    alt.Tooltip("label:N", title="Figure as reported"), alt.Tooltip("baseline:N", title="Baseline"),
    alt.Tooltip("bulletin:N", title="Bulletin"),
]


@dataclass(frozen=True)
class Chart:
    """One chart: its Vega-Lite spec as JSON text, and the words and table that stand in for it."""

    chart_id: str
    title: str
    spec: str
    caption: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    notes: tuple[str, ...] = ()

    @functools.cached_property
    def digest(self) -> str:
        """A short hash of everything the chart shows (for file names and staged text)."""
        return hashlib.sha256((self.spec + self.caption).encode("utf-8")).hexdigest()[:16]

    def as_dict(self) -> dict[str, Any]:
        """The chart as plain data (what the Sphinx directive reads)."""
        return json.loads(self.as_json())

    def as_json(self, **extra: Any) -> str:
        """The chart as JSON text, with `extra` fields; the spec is spliced in, not parsed again."""
        meta = {"id": self.chart_id, "title": self.title, "caption": self.caption, "columns": TABLE_COLUMNS,
                "rows": self.rows, "notes": list(self.notes), "digest": self.digest, **extra}
        return json.dumps(meta, ensure_ascii=False, separators=(",", ":"))[:-1] + ',"spec":' + self.spec + "}"


# --- templates: built once with Altair --------------------------------------------------------


@functools.cache
def template(shape: str, width: int, height: int) -> str:
    """The Vega-Lite JSON of a chart shape ("series", "window" or "empty") with placeholders."""
    layers = {"series": _series_layers, "window": _window_layers, "empty": _empty_layers}[shape](width, height)
    footer = alt.Chart(alt.Data(name="notes")).mark_text(align="left", baseline="top", fontSize=11, color="#444",
                                                         limit=width).encode(
        y=alt.Y("i:O", axis=None), text="line:N", x=alt.value(0)).properties(width=width, height=alt.Step(15))
    chart = alt.vconcat(layers, footer, spacing=6).properties(
        title=alt.Title("__TITLE__", subtitle=["__SUBTITLE__"], anchor="start"), description="__DESCRIPTION__",
    ).configure_view(stroke=None).configure_axis(labelFontSize=11, titleFontSize=12).configure_mark(aria=False)
    spec = chart.to_dict()
    spec["datasets"] = "__DATASETS__"
    return json.dumps(spec, ensure_ascii=False, separators=(",", ":"))


def _x(title: str = "Date (as of)") -> alt.X:
    return alt.X("date:T", title=title, scale=alt.Scale(type="utc"), axis=alt.Axis(labelOverlap=True, tickCount=6))


def _series_layers(width: int, height: int) -> alt.LayerChart:
    """Step line of the headline (low) value, range bars low–high, points, corrections, falls."""
    y = alt.Y("value:Q", title="__Y_TITLE__", scale=alt.Scale(zero=True), axis=alt.Axis(format=",.0f"))
    layer = alt.Chart()
    reported = layer.transform_filter("datum.role != 'earlier' && isValid(datum.value)")
    ranges = layer.transform_filter("datum.role != 'earlier' && isValid(datum.high) && datum.high > datum.low").mark_rule(
        strokeWidth=6, opacity=0.3).encode(y=alt.Y("low:Q", title="__Y_TITLE__"), y2="high:Q")
    line = reported.mark_line(interpolate="step-after").encode(detail="group:N", tooltip=alt.value(None),
                                                                href=alt.value(None))
    dots = reported.mark_point(filled=True, size=45, opacity=1)
    upper = layer.transform_filter("datum.role != 'earlier' && !isValid(datum.value) && isValid(datum.high)").mark_tick(
        thickness=2).encode(y=alt.Y("high:Q", title="__Y_TITLE__"))
    earlier = layer.transform_filter("datum.role == 'earlier'").mark_point(shape="diamond", size=70, opacity=0.45)
    falls = layer.transform_filter("datum.fell").mark_point(shape="triangle-down", size=170, strokeWidth=2).encode(
        color=alt.value("#b30000"))
    return alt.layer(ranges, line, dots, upper, earlier, falls, data=alt.Data(name="points")).encode(
        x=_x(), y=y, color=alt.Color("group:N", title=None, legend=alt.Legend(orient="top")), tooltip=_TOOLTIP,
        href="url:N").properties(width=width, height=height)


def _window_layers(width: int, height: int) -> alt.LayerChart:
    """A window: one segment from its start to its end at the reported value."""
    y = alt.Y("value:Q", title="__Y_TITLE__", scale=alt.Scale(zero=True), axis=alt.Axis(format=",.0f"))
    segment = alt.Chart().mark_rule(strokeWidth=4).encode(x2="end:T")
    ends = alt.Chart().mark_point(filled=True, size=45).encode(x="end:T")
    return alt.layer(segment, ends, data=alt.Data(name="points")).encode(
        x=_x("Period counted"), y=y, tooltip=_TOOLTIP, href="url:N").properties(width=width, height=height)


def _empty_layers(width: int, height: int) -> alt.Chart:
    """A clear message instead of an empty frame."""
    return alt.Chart(alt.Data(values=[{"message": "__EMPTY__"}])).mark_text(fontSize=15, color="#444").encode(
        text="message:N").properties(width=width, height=height)


def build_all_charts(catalog: Catalog, problems: Iterable[Problem] = ()) -> dict[str, list[Chart]]:
    """Every chart of an archive's pages, by page key: the entry point of the chart benchmark.

    `catalog` is a Catalog and `problems` what `rules.check` found (figures they name are
    left off the charts); see `chartset.build_all_charts`.
    """
    from .chartset import build_all_charts as build_all

    return build_all(catalog, problems)


def place_key(name: str) -> str:
    """The chart key of a place's page: `place/<slug>-<hash>` (distinct for names with the same slug)."""
    return f"place/{slug(name)[:40]}-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:8]}"


def chart_directive(key: str, empty: str = "") -> list[str]:
    """The MyST lines that place the charts staged for `key` on a page (see sphinxext/_charts.py).

    `empty` is what the page says when `key` has no chart (nothing when empty).
    """
    option = [f":empty: {' '.join(empty.split())}"] if empty else []
    return [f"```{{dailyarchive-charts}} {key}", *option, "```", ""]


# --- one chart ------------------------------------------------------------------------------------


def make_chart(rows: list[Row], key: dict[str, str], size: dict[str, int] | None = None, excluded: int = 0,
               as_of: pd.Timestamp | None = None, sources: str = "", total: int | None = None) -> Chart:
    """A chart of one chart key from its rows (already cut to what the page shows).

    `total` is the number of rows before a caller thinned them (for the "N of M shown" note);
    rows beyond the size's `max_points` are thinned here. `excluded` counts figures `check` kept off.
    """
    size = size or FULL
    total = max(total or 0, len(rows))
    reported = [r for r in rows if r.role == "point"]
    groups = _groups(reported)
    title, subtitle, y_title = chart_words(key, groups)
    if as_of is not None:
        title = f"{title}, as of {day_words(as_of)}"
    shown = _thin(rows, size["max_points"])
    notes = [f"Source: {sources}."] if sources else []
    if len(shown) < total:
        notes.append(f"{len(shown)} of {total} reports shown; every report is in series.csv (downloads).")
    if excluded:
        notes.append(f"{excluded} figure{'s' if excluded != 1 else ''} excluded, see check.")
    marks = [text for present, text in ((any(r.ranged for r in reported), "bars: reported ranges"),
                                        (any(r.role == "earlier" for r in shown), "faint diamonds: earlier values, since corrected"),
                                        (any(r.fell for r in shown), "red triangles: falls below an earlier report")) if present]
    if marks:
        subtitle = [*subtitle, marks[0].capitalize() + "".join(f"; {m}" for m in marks[1:]) + "."]
    empty = "No figures reported yet." if not excluded else "No figure left to chart."
    caption = describe(reported, key, groups, as_of)
    shape = "empty" if not reported else ("window" if key["kind"] == "window" else "series")
    wrapped = [part for note in notes for part in textwrap.wrap(note, max(size["width"] // 6, 30))] or [""]
    lines = json.dumps([{"i": i, "line": line} for i, line in enumerate(wrapped)], ensure_ascii=False)
    datasets = '{"points":[' + ",".join(r.data for r in shown) + '],"notes":' + lines + "}"
    text = template(shape, size["width"], size["height"])
    for placeholder, value in (('"__TITLE__"', title), ('["__SUBTITLE__"]', subtitle), ('"__Y_TITLE__"', y_title),
                               ('"__DESCRIPTION__"', caption), ('"__EMPTY__"', empty)):
        text = text.replace(placeholder, json.dumps(value, ensure_ascii=False))
    spec = text.replace('"__DATASETS__"', datasets)
    return Chart(chart_id=chart_id(key), title=title, spec=spec, caption=caption,
                 rows=[{"cells": list(r.cells), "url": r.url} for r in shown], notes=tuple(notes))


def _groups(reported: list[Row]) -> list[str]:
    """The chart's groups, largest latest figure first (civilians before children)."""
    latest = {row.group: row.value for row in reported}
    return sorted(latest, key=lambda g: -latest[g])


def _thin(rows: list[Row], limit: int) -> list[Row]:
    """At most `limit` rows: every fall, correction and each group's last point kept, the rest evenly spaced."""
    if len(rows) <= limit:
        return rows
    keep = np.array([r.fell or r.role == "earlier" for r in rows])
    last = {r.group: i for i, r in enumerate(rows) if r.role == "point"}
    keep[list(last.values())] = True
    room = max(limit - int(keep.sum()), 0)
    others = np.flatnonzero(~keep)
    if room and len(others):
        keep[others[np.linspace(0, len(others) - 1, room).round().astype(int)]] = True
    return [r for r, k in zip(rows, keep) if k]


def chart_id(key: dict[str, str]) -> str:
    """`series/measure/place/kind[/since[/until]]` in slug form."""
    parts = [slug(key["series"]), slug(key["measure"]), slug(key["place"]), slug(key["kind"])]
    parts += [p for p in (key.get("since", ""), key.get("until", "")) if p]
    return "/".join(parts)


def chart_words(key: dict[str, str], groups: list[str] | None = None) -> tuple[str, list[str], str]:
    """Title (what is counted, where), subtitle (since when, how), and y-axis title with its unit."""
    verb, unit = TOLL_MEASURES.get(key["measure"], (key["measure"].replace("-", " "), "count"))
    place = f" in {key['place']}" if key["place"] else ""
    named = [g for g in (groups or []) if g != "all"]
    who = " and ".join(named) if named else ("people" if unit == "people" else unit)
    title = f"{who.capitalize()} {verb}{place}"
    since = day_words(pd.Timestamp(key["since"])) if key.get("since") else ""
    how = {
        "running-total": f"Running total since {since}, as reported; line: the lowest reported figure",
        "increment": "New cases reported each day, added up; line: the sum of the lowest reported figures",
        "stock": f"Number {verb} at each date as reported (a stock: never added up)",
        "window": (f"Counted between {since} and {day_words(pd.Timestamp(key['until']))} (a window: stands alone)"
                   if key.get("until") else "A window: stands alone"),
    }[key["kind"]]
    subtitle = [how]
    return title, subtitle, f"{unit.capitalize()} {verb} (lowest reported figure)"


def describe(reported: list[Row], key: dict[str, str], groups: list[str], as_of: pd.Timestamp | None = None) -> str:
    """The chart in words: the latest figure of each group, with its qualifier and date."""
    verb, unit = TOLL_MEASURES.get(key["measure"], (key["measure"].replace("-", " "), "count"))
    where = f" in {key['place']}" if key["place"] else ""
    when = f" as of {day_words(as_of)}" if as_of is not None else ""
    if not reported:
        return f"No figures of {unit} {verb}{where} reported yet{when}."
    since = f" since {day_words(pd.Timestamp(key['since']))}" if key.get("since") and key["kind"] != "window" else ""
    last = {r.group: r for r in reported}
    sentences = [f"{(unit if g == 'all' else g).capitalize()}: {last[g].summary} {verb}{where}{since}, "
                 f"as of {last[g].when} (bulletin of {last[g].bulletin})." for g in groups]
    return f"Latest figures{when}. " + " ".join(sentences)


# --- words ------------------------------------------------------------------------------------------


