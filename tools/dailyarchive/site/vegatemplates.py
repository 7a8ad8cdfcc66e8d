"""The Vega-Lite templates of the charts, built with Altair: one a shape, size and legend, with placeholders.

`charts.template` builds each once a process (the stager keeps them between builds), and
`charts.make_chart` fills in a chart's data, title and notes: string work, not Altair work.
"""

from __future__ import annotations

import json

import altair as alt

TOOLTIP = [
    alt.Tooltip("when:N", title="As of"), alt.Tooltip("group:N", title="Group"),
    alt.Tooltip("label:N", title="Figure as reported"), alt.Tooltip("baseline:N", title="Baseline"),
    alt.Tooltip("bulletin:N", title="Bulletin"),
]

#: The shapes of the points: the record's filled circles, illustrative bulletins' hollow squares.
REPORTS = alt.Scale(domain=["reported", "illustrative (not the record)"], range=["circle", "square"])
_REPORT = "datum.illustrative ? 'illustrative (not the record)' : 'reported'"
#: The tooltip of a band of reports not drawn (its words are in the chart's table too: `chartrows.dropped_row`).
DROPPED_LABEL = ("datum.n + (datum.n == 1 ? ' report' : ' reports') + ' not drawn here: ' + (datum.low == datum.high"
                 " ? 'all ' + format(datum.low, ',') : 'between ' + format(datum.low, ',') + ' and '"
                 " + format(datum.high, ',')) + (datum.illustrative ? ' (illustrative)' : '')"
                 " + '; every report is in series.csv'")


def build_template(shape: str, width: int, height: int, illustrative: bool = False) -> str:
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
        tooltip=TOOLTIP, href="url:N").properties(height=height)


def _window_layers(height: int) -> alt.LayerChart:
    """A window: one segment from its start to its end at the reported value."""
    segment = alt.Chart().mark_rule(strokeWidth=4).encode(x2="end:T")
    ends = alt.Chart().mark_point(filled=True, size=45).encode(x="end:T")
    return alt.layer(segment, ends, data=alt.Data(name="points")).encode(
        x=_x("Period counted"), y=_y(), tooltip=TOOLTIP, href="url:N").properties(height=height)


def _sentence_layers(height: int) -> alt.Chart:
    """Reports of one date: the sentence that says them, instead of a frame with one column of dots."""
    return alt.Chart(alt.Data(name="lines")).mark_text(align="left", baseline="top", fontSize=13, lineHeight=19,
                                                       color="#222").encode(
        text="lines:N", x=alt.value(0), y=alt.value(6)).properties(height=height // 2)


def _empty_layers(height: int) -> alt.Chart:
    """A clear message instead of an empty frame."""
    return alt.Chart(alt.Data(values=[{"message": "__EMPTY__"}])).mark_text(fontSize=15, color="#444").encode(
        text="message:N").properties(height=height)
