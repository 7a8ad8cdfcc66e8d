"""Sphinx glue of the chronology: the `dailyarchive-events` directive and its client-side filter.

The directive's content is one JSON record per line (written by `chronology.events_block`).
It emits month headings and a list whose items carry their filter tokens as classes
(`p-<place>`, `a-<actor>`, `t-<tag>`); on the HTML site a small form above the list
hides the items that do not match. Links to places, actors and bulletins are `doc`
references, so every builder resolves them.
"""

from __future__ import annotations

import calendar
import json
from html import escape
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..site.chronology import EVENTS_DIRECTIVE
from ._outputs import HTML_BUILDERS

logger = logging.getLogger(__name__)
SCRIPT = "dailyarchive-chronology.js"
FILTERS = (("places", "p", "Place (and the places inside it)"), ("actors", "a", "Actor"), ("tags", "t", "Tag"),
           ("series", "s", "Series"))


class events_filter(nodes.General, nodes.Element):
    """The filter form above a list of events (HTML site builders only)."""


class EventsDirective(SphinxDirective):
    """```{dailyarchive-events}``` with one JSON event record a line."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        try:
            events = [json.loads(line) for line in self.content if line.strip()]
        except json.JSONDecodeError as exc:
            logger.warning("dailyarchive-events needs one JSON record a line: %s", exc, location=self.get_location(),
                           type="dailyarchive", subtype="chronology")
            return []
        return [events_filter(options=_options(events)), *event_list(events)]


def _options(events: list[dict[str, Any]]) -> dict[str, list[list[str]]]:
    """The (name, slug) pairs each filter offers: those found on this page."""
    return {kind: sorted({tuple(pair) for e in events for pair in e["filters"].get(kind, [])},
                         key=lambda p: p[0].casefold())
            for kind, _, _ in FILTERS}


def event_list(events: list[dict[str, Any]]) -> list[nodes.Node]:
    """Month headings, each followed by the list of its events."""
    result: list[nodes.Node] = []
    current, items = None, None
    for event in events:
        if event["month"] != current:
            current = event["month"]
            result.append(nodes.rubric("", month_title(current), **{"heading-level": 3}))
            items = nodes.bullet_list(classes=["dailyarchive-events"])
            result.append(items)
        assert items is not None
        items += event_item(event)
    return result


def month_title(month: str) -> str:
    """`May 2019` for `2019-05`; `2019 (month not known)` for a year alone."""
    if "-" not in month:
        return f"{month} (month not known)"
    year, number = month.split("-")
    return f"{calendar.month_name[int(number)]} {year}"


def event_item(event: dict[str, Any]) -> nodes.list_item:
    """One event: its date at its precision, what happened, where, who, and the bulletin that says so."""
    tokens = [f"{prefix}-{slug}" for kind, prefix, _ in FILTERS for _, slug in event["filters"].get(kind, [])]
    if event.get("span"):
        tokens.append("d-{}-{}".format(*event["span"]))  # first and last day it may mean: the date filter
    item = nodes.list_item(classes=["dailyarchive-event", *sorted(tokens)])
    text = nodes.paragraph()
    text += nodes.strong("", event["when"])
    text += nodes.Text(f": {event['what']}")
    if event["place"]:
        text += nodes.Text(" — ")
        text += _name(*event["place"])
    if event["actors"]:
        text += nodes.Text(" — ")
        for position, actor in enumerate(event["actors"]):
            if position:
                text += nodes.Text(", ")
            text += _name(*actor)
    title, target, date = event["bulletin"]
    text += nodes.Text(f" (reported in the bulletin of {date}: ")
    text += _doc_link(title, target)
    text += nodes.Text(")")
    item += text
    return item


def _name(name: str, docname: str | None) -> nodes.Node:
    return _doc_link(name, docname) if docname else nodes.Text(name)


def _doc_link(text: str, docname: str) -> addnodes.pending_xref:
    """A link to a document that every builder resolves."""
    ref = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget=f"/{docname}", refexplicit=True,
                                refwarn=True)
    ref += nodes.inline("", text)
    return ref


def visit_filter_html(self: Any, node: events_filter) -> None:
    """The filter form, on the HTML site builders only (EPUB has no script)."""
    if self.builder.name in HTML_BUILDERS:
        self.body.append(filter_form(node["options"]))
    raise nodes.SkipNode


def filter_form(options: dict[str, list[list[str]]]) -> str:
    """Selects for place, actor, tag and series, a words box and a date range; the script shows only matching
    events and keeps the choice in the page's address, shared with the timeline (dailyarchive-filters.js)."""
    fields = []
    for kind, prefix, label in FILTERS:
        if not options[kind]:
            continue
        choices = "".join(f'<option value="{prefix}-{escape(slug)}">{escape(name)}</option>'
                          for name, slug in options[kind])
        fields.append(f'<label>{escape(label)} <select data-filter="{kind}"><option value="">any</option>'
                      f"{choices}</select></label>")
    fields.append('<label>Words <input type="search" data-filter="words" size="20"></label>')
    fields.append('<label>From <input type="date" data-filter="from"></label>'
                  '<label>to <input type="date" data-filter="to"></label>')
    return ('<form class="dailyarchive-events-filter" id="dailyarchive-events" hidden><fieldset>'
            '<legend>Show only the events of</legend>' + "".join(fields)
            + '<p class="dailyarchive-events-count" aria-live="polite"></p></fieldset></form>\n')


def skip(self: Any, node: events_filter) -> None:
    """Builders other than HTML show no form."""
    raise nodes.SkipNode


def add_script(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
               doctree: nodes.document | None) -> None:
    """Load the filter script on pages with a list of events (HTML site builders)."""
    if doctree is not None and app.builder.name in HTML_BUILDERS and next(iter(doctree.findall(events_filter)), None):
        app.add_js_file("dailyarchive-filters.js", priority=615)
        app.add_js_file(SCRIPT, priority=620)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive, the filter node and the script."""
    app.setup_extension("dailyarchive.sphinxext._outputs")
    app.add_node(events_filter, html=(visit_filter_html, None), latex=(skip, None), text=(skip, None),
                 man=(skip, None), texinfo=(skip, None))
    app.add_directive(EVENTS_DIRECTIVE, EventsDirective)
    app.connect("html-page-context", add_script)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
