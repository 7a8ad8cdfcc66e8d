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

from ..catalog.chartrows import CHART_KEY, FALL_NOTE, Row, day_words, point_rows, row_arrays, rows_by_chart, thin
from ..catalog.series import slug

if TYPE_CHECKING:
    from ..catalog.catalog import Catalog
    from ..model.errors import Problem

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
#: A bulletin's or a place's chart: a series of up to 30 reports is drawn whole.
SMALL = {"width": 300, "height": 150, "max_points": 30}
#: Characters in a line of a chart's title and of its subtitle or sentence: lines that fit a phone's
#: chart (about 300 px wide; Vega does not wrap text).
TITLE_CHARS, SUBTITLE_CHARS = 38, 48
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

    def image_spec(self) -> dict[str, Any]:
        """The spec for a static image (SVG, PNG): the chart at its fixed width with its notes
        (source, reports shown, exclusions) written under it, as a page shows them beside it."""
        spec = json.loads(self.spec)
        width = spec.get("config", {}).get("view", {}).get("continuousWidth", FULL["width"])
        top = {k: spec.pop(k) for k in ("$schema", "config", "datasets", "title", "description") if k in spec}
        spec.pop("autosize", None)
        lines = [part for note in self.notes for part in textwrap.wrap(note, max(width // 6, 30))]
        footer = {"data": {"values": [{"i": i, "line": line} for i, line in enumerate(lines)]},
                  "mark": {"type": "text", "align": "left", "baseline": "top", "fontSize": 11, "color": "#444"},
                  "encoding": {"y": {"field": "i", "type": "ordinal", "axis": None}, "text": {"field": "line"},
                               "x": {"value": 0}}, "width": width, "height": {"step": 15}}
        return {**top, "vconcat": [{**spec, "width": width}, *([footer] if lines else [])], "spacing": 6}

    def as_dict(self) -> dict[str, Any]:
        """The chart as plain data (what the Sphinx directive reads)."""
        return json.loads(self.as_json())

    def as_json(self, **extra: Any) -> str:
        """The chart as JSON text, with `extra` fields; the spec is spliced in, not parsed again."""
        meta = {"id": self.chart_id, "title": self.title, "caption": self.caption, "columns": TABLE_COLUMNS,
                "rows": self.rows, "notes": list(self.notes), "digest": self.digest, **extra}
        return json.dumps(meta, ensure_ascii=False, separators=(",", ":"))[:-1] + ',"spec":' + self.spec + "}"


# --- templates: built once with Altair --------------------------------------------------------

#: The shapes of the points: the record's filled circles, illustrative bulletins' hollow squares.
REPORTS = alt.Scale(domain=["reported", "illustrative (not the record)"], range=["circle", "square"])
_REPORT = "datum.illustrative ? 'illustrative (not the record)' : 'reported'"
#: The tooltip of a band of reports not drawn (its words are in the chart's table too: `chartrows.dropped_row`).
DROPPED_LABEL = ("datum.n + (datum.n == 1 ? ' report' : ' reports') + ' not drawn here: ' + (datum.low == datum.high"
                 " ? 'all ' + format(datum.low, ',') : 'between ' + format(datum.low, ',') + ' and '"
                 " + format(datum.high, ',')) + (datum.illustrative ? ' (illustrative)' : '')"
                 " + '; every report is in series.csv'")


@functools.cache
def template(shape: str, width: int, height: int, illustrative: bool = False) -> str:
    """The Vega-Lite JSON of a chart shape ("series", "window", "sentence" or "empty") with placeholders.

    The view is as wide as its container (`width: "container"`, fitted with its axes and
    legends); `width` is what a static image of it is drawn at. `illustrative` adds the
    legend of illustrative reports to a series.
    """
    if shape == "series":
        view = _series_layers(height, illustrative)
    else:
        view = {"window": _window_layers, "sentence": _sentence_layers, "empty": _empty_layers}[shape](height)
    chart = view.properties(
        width="container", title=alt.Title("__TITLE__", subtitle=["__SUBTITLE__"], anchor="start"),
        description="__DESCRIPTION__", autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
    ).configure_view(stroke=None, continuousWidth=width).configure_axis(labelFontSize=11, titleFontSize=12
                                                                        ).configure_mark(aria=False)
    spec = chart.to_dict()
    spec["datasets"] = "__DATASETS__"
    return json.dumps(spec, ensure_ascii=False, separators=(",", ":"))


def _x(title: str = "Date (as of)") -> alt.X:
    return alt.X("date:T", title=title, scale=alt.Scale(type="utc", padding=8),
                 axis=alt.Axis(labelOverlap=True, tickCount=5))


def _y(field: str = "value:Q") -> alt.Y:
    """A count axis: from zero, whole numbers only."""
    return alt.Y(field, title="__Y_TITLE__", scale=alt.Scale(zero=True), axis=alt.Axis(format=",.0f", tickMinStep=1))


def _series_layers(height: int, illustrative: bool) -> alt.LayerChart:
    """Step lines of the headline value (record and illustrative apart, broken where reports are not
    drawn), range bars low–high, bands of reports not drawn, points, "up to" ticks, corrections, falls."""
    layer = alt.Chart()
    point = "datum.role != 'earlier' && datum.role != 'dropped'"
    ranges = layer.transform_filter(f"{point} && isValid(datum.high) && datum.high > datum.low").mark_rule(
        strokeWidth=6, opacity=0.3).encode(y=_y("low:Q"), y2="high:Q")
    dropped = layer.transform_filter("datum.role == 'dropped' && isValid(datum.low)").transform_calculate(
        label=DROPPED_LABEL)
    told = [alt.Tooltip("when:N", title="As of"), alt.Tooltip("group:N", title="Group"),
            alt.Tooltip("label:N", title="Not drawn")]
    bands = dropped.mark_rect(opacity=0.15).encode(x2="end:T", y=_y("low:Q"), y2="high:Q", tooltip=told)
    band_edges = dropped.mark_rule(strokeWidth=2, opacity=0.5, strokeDash=[2, 2]).encode(
        y=_y("low:Q"), y2="high:Q", tooltip=told)
    stepped = layer.transform_filter(f"datum.role == 'dropped' || ({point} && isValid(datum.value))")
    lines = [stepped.transform_filter(f"{'' if dashed else '!'}datum.illustrative").mark_line(
        interpolate="step-after", invalid="break-paths-show-path-domains", strokeDash=[5, 3] if dashed else [1, 0]
    ).encode(detail="group:N", tooltip=alt.value(None), href=alt.value(None)) for dashed in (False, True)]
    drawn = layer.transform_filter(f"{point} && isValid(datum.value)").transform_calculate(report=_REPORT)
    shape = alt.Shape("report:N", scale=REPORTS, title=None, legend=alt.Legend(
        orient="bottom", values=REPORTS.domain[1:], symbolFillColor="transparent", symbolStrokeColor="#444",
        symbolStrokeWidth=1.5)) if illustrative \
        else alt.value("circle")
    dots = drawn.transform_filter("!datum.illustrative").mark_point(filled=True, size=45, opacity=1).encode(
        shape=shape).properties(name="reported")
    hollow = drawn.transform_filter("datum.illustrative").mark_point(filled=False, size=55, strokeWidth=1.5,
                                                                     opacity=1).encode(shape=shape).properties(
        name="illustrative")
    upper = layer.transform_filter(f"{point} && !isValid(datum.value) && isValid(datum.high)").mark_tick(
        thickness=2).encode(y=_y("high:Q"))
    earlier = layer.transform_filter("datum.role == 'earlier'").mark_point(shape="diamond", size=70, opacity=0.45)
    falls = layer.transform_filter("datum.fell").mark_point(shape="triangle-down", size=170, strokeWidth=2).encode(
        color=alt.value("#b30000"))
    return alt.layer(bands, band_edges, ranges, *lines, dots, hollow, upper, earlier, falls,
                     data=alt.Data(name="points")).encode(
        x=_x(), y=_y(), color=alt.Color("group:N", title=None, legend=alt.Legend(orient="top", symbolOpacity=1)),
        tooltip=_TOOLTIP, href="url:N").properties(height=height)


def _window_layers(height: int) -> alt.LayerChart:
    """A window: one segment from its start to its end at the reported value."""
    segment = alt.Chart().mark_rule(strokeWidth=4).encode(x2="end:T")
    ends = alt.Chart().mark_point(filled=True, size=45).encode(x="end:T")
    return alt.layer(segment, ends, data=alt.Data(name="points")).encode(
        x=_x("Period counted"), y=_y(), tooltip=_TOOLTIP, href="url:N").properties(height=height)


def _sentence_layers(height: int) -> alt.Chart:
    """Reports of one date: the sentence that says them, instead of a frame with one column of dots."""
    return alt.Chart(alt.Data(name="lines")).mark_text(align="left", baseline="top", fontSize=13, lineHeight=19,
                                                       color="#222").encode(
        text="lines:N", x=alt.value(0), y=alt.value(6)).properties(height=height // 2)


def _empty_layers(height: int) -> alt.Chart:
    """A clear message instead of an empty frame."""
    return alt.Chart(alt.Data(values=[{"message": "__EMPTY__"}])).mark_text(fontSize=15, color="#444").encode(
        text="message:N").properties(height=height)


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
    rows beyond the size's `max_points` are thinned here (`chartrows.thin`). `excluded` counts
    figures `check` kept off. Reports of one date are a sentence, not a chart.
    """
    size = size or FULL
    total = max(total or 0, sum(r.role != "dropped" for r in rows))
    shown = rows if any(r.role == "dropped" for r in rows) else thin(rows, np.arange(len(rows)), row_arrays(rows),
                                                                      size["max_points"])
    drawn_rows = sum(r.role != "dropped" for r in shown)
    reported = [r for r in shown if r.role in ("point", "dropped")]
    points = [r for r in reported if r.role == "point"]
    shape = "empty" if not points else ("sentence" if len({r.day for r in points}) == 1 or key["kind"] == "window"
                                        else "series")
    groups = _groups(reported)
    title, subtitle, y_title = chart_words(key, groups, {r.bound for r in points if r.bound}, shape == "series")
    if as_of is not None:
        title = f"{title}, as of {day_words(as_of)}"
    notes = [f"Source: {sources}."] if sources else []
    if drawn_rows < total:
        notes.append(f"{drawn_rows} of {total} reports shown; the shaded bands hold the others' range; "
                     "every report is in series.csv (downloads).")
    if excluded:
        notes.append(f"{excluded} figure{'s' if excluded != 1 else ''} excluded, see check.")
    illustrative = any(r.illustrative for r in reported)
    caption = describe(reported, key, groups, as_of)
    marks = [text for present, text in (
        (any(r.ranged for r in points), "bars: reported ranges"),
        (illustrative, "hollow squares on a dashed line: illustrative bulletins, not part of the record"),
        (drawn_rows < total, "shaded bands: the range of reports not drawn"),
        (any(r.role == "earlier" for r in shown), "faint diamonds: earlier values, since corrected"),
        (any(r.fell for r in shown), "red triangles: falls below an earlier report")) if present]
    if marks and shape == "series":
        subtitle = [*subtitle, marks[0].capitalize() + "".join(f"; {m}" for m in marks[1:]) + "."]
    empty = "No figures reported yet." if not excluded else "No figure left to chart."
    text = template(shape, size["width"], size["height"], illustrative)
    for placeholder, value in (('"__TITLE__"', _wrap(title, TITLE_CHARS)),
                               ('["__SUBTITLE__"]', [part for line in subtitle for part in _wrap(line, SUBTITLE_CHARS)]),
                               ('"__Y_TITLE__"', y_title), ('"__DESCRIPTION__"', caption), ('"__EMPTY__"', empty)):
        text = text.replace(placeholder, json.dumps(value, ensure_ascii=False))
    lines = [{"lines": _wrap(caption, SUBTITLE_CHARS)}] if shape == "sentence" else []
    datasets = ('{"points":[' + ",".join(r.data for r in shown) + '],"lines":' + json.dumps(lines, ensure_ascii=False)
                + "}")
    spec = text.replace('"__DATASETS__"', datasets)
    return Chart(chart_id=chart_id(key), title=title, spec=spec, caption=caption,
                 rows=[{"cells": list(r.cells), "url": r.url} for r in shown], notes=tuple(notes))


def _wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` characters, for titles and sentences drawn in a chart."""
    return textwrap.wrap(text, width) or [""]


def _groups(reported: list[Row]) -> list[str]:
    """The chart's groups, largest latest figure first (civilians before children)."""
    latest = {row.group: row.value for row in reported}
    return sorted(latest, key=lambda g: -latest[g])


def chart_id(key: dict[str, str]) -> str:
    """`series/measure/place/kind[/since[/until]]` in slug form."""
    parts = [slug(key["series"]), slug(key["measure"]), slug(key["place"]), slug(key["kind"])]
    parts += [p for p in (key.get("since", ""), key.get("until", "")) if p]
    return "/".join(parts)


def figure_words(bounds: Iterable[str]) -> str:
    """What the drawn value of a chart's points is: "the lowest reported figure" (at least, exact, vague
    words), "the best reported figure" (about), or both."""
    found = [b for b in ("lowest", "best") if b in set(bounds)] or ["lowest"]
    return f"the {' or '.join(found)} reported figure"


def chart_words(key: dict[str, str], groups: list[str] | None = None, bounds: Iterable[str] = ("lowest",),
                drawn: bool = True) -> tuple[str, list[str], str]:
    """Title (what is counted, where), subtitle (since when, how, and what the line follows when a
    line is `drawn`), and y-axis title with its unit; `bounds` are the bounds the points are drawn
    at (`Row.bound`)."""
    verb, unit = TOLL_MEASURES.get(key["measure"], (key["measure"].replace("-", " "), "count"))
    place = f" in {key['place']}" if key["place"] else ""
    named = [g for g in (groups or []) if g != "all"]
    who = " and ".join(named) if named else ("people" if unit == "people" else unit)
    title = f"{who.capitalize()} {verb}{place}"
    since = day_words(pd.Timestamp(key["since"])) if key.get("since") else ""
    figure = figure_words(bounds)
    line = f"; line: {figure}" if drawn else ""
    how = {
        "running-total": f"Running total since {since}, as reported{line}",
        "increment": f"New cases reported each day, added up{line.replace(': the', ': the sum of the')}",
        "stock": f"Number {verb} at each date as reported (a stock: never added up)",
        "window": (f"Counted between {since} and {day_words(pd.Timestamp(key['until']))} (a window: stands alone)"
                   if key.get("until") else "A window: stands alone"),
    }[key["kind"]]
    return title, [how], f"{unit.capitalize()} {verb} ({figure.removeprefix('the ')})"


def describe(reported: list[Row], key: dict[str, str], groups: list[str], as_of: pd.Timestamp | None = None) -> str:
    """The chart in words: the latest figure of the record for each group, with its qualifier and date;
    how many reports are illustrative, and what they say only when there is no record at all."""
    verb, unit = TOLL_MEASURES.get(key["measure"], (key["measure"].replace("-", " "), "count"))
    where = f" in {key['place']}" if key["place"] else ""
    when = f" as of {day_words(as_of)}" if as_of is not None else ""
    if not any(r.role == "point" for r in reported):
        return f"No figures of {unit} {verb}{where} reported yet{when}."
    since = f" since {day_words(pd.Timestamp(key['since']))}" if key.get("since") and key["kind"] != "window" else ""
    sentences = []
    for group in groups:
        mine = [r for r in reported if r.group == group]
        who = (unit if group == "all" else group).capitalize()
        record = [r for r in mine if r.role == "point" and not r.illustrative]
        made_up = sum(r.count for r in mine if r.illustrative)
        of_all = f"{made_up} of its {sum(r.count for r in mine)} reports" if made_up else ""
        if record:
            last = record[-1]
            sentence = f"{who}: {last.summary} {verb}{where}{since}, as of {last.when} (bulletin of {last.bulletin})."
            if made_up:
                sentence += f" {of_all} come from illustrative bulletins and are left out of this sentence."
        else:
            last = [r for r in mine if r.role == "point"][-1] if any(r.role == "point" for r in mine) else None
            says = (f" The latest, not to be cited, gives {last.summary} {verb}{where}{since}, as of {last.when}."
                    if last else "")
            count = sum(r.count for r in mine)
            sentence = (f"{who}: no figure of the record; "
                        + ("its only report comes from an illustrative bulletin." if count == 1
                           else f"all {count} of its reports come from illustrative bulletins.") + says)
        sentences.append(sentence)
    return f"Latest figures{when}. " + " ".join(sentences)
