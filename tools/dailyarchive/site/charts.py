"""Series → Altair/Vega-Lite charts with their text alternatives (returns charts; writes no files).

One chart is one bulletin series, measure, place, kind and baseline; its groups
(civilians, children) are its lines. The Vega-Lite templates are built once with
Altair (`vegatemplates`); each chart fills in its data, title and notes, so that thousands
of charts cost string work, not Altair work.
"""

from __future__ import annotations

import functools
import hashlib
import json
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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


# --- templates: built once with Altair (vegatemplates), kept between builds by the stager ---------

#: Templates built or read back in this process, by (shape, width, height, illustrative). Altair takes
#: about 0.1 s to build a series template, and they change only with the code.
_TEMPLATES: dict[tuple[str, int, int, bool], str] = {}


def template(shape: str, width: int, height: int, illustrative: bool = False) -> str:
    """The Vega-Lite JSON of a chart shape with placeholders (see `vegatemplates.build_template`)."""
    key = (shape, width, height, illustrative)
    if key not in _TEMPLATES:
        from .vegatemplates import build_template  # Altair is imported only when a template is built

        _TEMPLATES[key] = build_template(*key)
    return _TEMPLATES[key]


def known_templates() -> list[list[Any]]:
    """Every template of this process, as `[shape, width, height, illustrative, text]` (JSON)."""
    return [[*key, text] for key, text in sorted(_TEMPLATES.items())]


def add_templates(entries: object) -> None:
    """Take templates kept by an earlier build (`known_templates`); entries of another shape are ignored."""
    for entry in entries if isinstance(entries, list) else []:
        if (isinstance(entry, list) and len(entry) == 5 and isinstance(entry[0], str) and isinstance(entry[4], str)
                and all(isinstance(n, int) for n in entry[1:3]) and isinstance(entry[3], bool)):
            _TEMPLATES.setdefault((entry[0], entry[1], entry[2], entry[3]), entry[4])


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
