"""Sphinx glue of the chronology: the `dailyarchive-events` directive and its client-side filter.

The directive's content is one JSON record per line (written by `chronology.events_block`).
It emits month headings and a list whose items carry their filter tokens as classes
(`p-<place>`, `a-<actor>`, `t-<tag>`); on the HTML site a small form above the list
hides the items that do not match. Links to places, actors and bulletins are `doc`
references, so every builder resolves them; on the HTML pages of a site or volume build, where
every link is a relative URL, the lists are written as HTML at once (`EventsWrittenAsHtml`): the
same HTML, without a reference a link for Sphinx to resolve.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Callable
from html import escape
from typing import Any

from docutils import nodes
from docutils.writers.html5_polyglot import HTMLTranslator
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from ..site.chronology import EVENTS_DIRECTIVE
from ..site.pages._html import RTL
from ._bidi import mark_runs
from ._outputs import HTML_BUILDERS
from ._volumes import links_across_projects

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


class event_entries(nodes.General, nodes.Element):
    """The events of one month (`events`: their records), until the post-transforms make them a list: of `doc`
    references (`EventsAsReferences`) or, on the HTML pages of a site or volume build, `event_entries_html`."""


class event_entries_html(nodes.General, nodes.Element):
    """The events of one month, which the HTML writer writes itself (`visit_entries_html`)."""


class EventsWrittenAsHtml(SphinxPostTransform):
    """On the HTML pages of a site or volume build, where every link is a relative URL, the events are written as
    HTML by the writer, not made into thousands of references for Sphinx to resolve (half the site project's
    build at 10,000 bulletins). It runs before `EventsAsReferences`, on the HTML builders alone."""

    default_priority = 4
    builders = tuple(sorted(HTML_BUILDERS))

    def run(self, **kwargs: Any) -> None:
        if not links_across_projects(self.config):
            return
        for node in list(self.document.findall(event_entries)):
            node.replace_self(event_entries_html(events=node["events"]))


class EventsAsReferences(SphinxPostTransform):
    """The events not written as HTML become a list of `doc` references, before Sphinx resolves references (at
    priority 10): every builder resolves them, and warns about a document that is missing."""

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(event_entries)):
            node.replace_self(nodes.bullet_list("", *map(event_item, node["events"]), classes=["dailyarchive-events"]))


def visit_entries_html(self: Any, node: event_entries_html) -> None:
    """The events as the HTML the references would give once resolved: a relative URL a link, `class="doc"` on the
    text of a document this project has."""
    here, found = self.builder.get_target_uri(self.builder.current_docname), self.builder.env.found_docs

    def link(docname: str, text: str) -> str:
        href = escape(relative_uri(here, self.builder.get_target_uri(docname)))
        span = '<span class="doc">' if docname in found else "<span>"
        return f'<a class="reference internal" href="{href}">{span}{text}</span></a>'

    items = "".join(event_html(event, link) for event in node["events"])
    self.body.append(f'<ul class="dailyarchive-events simple">\n{items}</ul>\n')
    raise nodes.SkipNode


def _options(events: list[dict[str, Any]]) -> dict[str, list[list[str]]]:
    """The (name, slug) pairs each filter offers: those found on this page."""
    return {kind: sorted({tuple(pair) for e in events for pair in e["filters"].get(kind, [])},
                         key=lambda p: p[0].casefold())
            for kind, _, _ in FILTERS}


def event_list(events: list[dict[str, Any]]) -> list[nodes.Node]:
    """Month headings, each followed by its events (`event_entries`)."""
    result: list[nodes.Node] = []
    for month, in_month in _by_month(events):
        result.append(nodes.rubric("", month_title(month), **{"heading-level": 3}))
        result.append(event_entries(events=in_month))
    return result


def _by_month(events: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Consecutive events of the same month, grouped, in order."""
    groups: list[tuple[str, list[dict[str, Any]]]] = []
    for event in events:
        if not groups or groups[-1][0] != event["month"]:
            groups.append((event["month"], []))
        groups[-1][1].append(event)
    return groups


def month_title(month: str) -> str:
    """`May 2019` for `2019-05`; `2019 (month not known)` for a year alone."""
    if "-" not in month:
        return f"{month} (month not known)"
    year, number = month.split("-")
    return f"{calendar.month_name[int(number)]} {year}"


#: One piece of an event's line: ("strong" | "text", text, None) or ("link", text, docname).
Piece = tuple[str, str, str | None]
#: The HTML of a link to a docname with its text: `(docname, html of the text) -> html`.
HtmlLink = Callable[[str, str], str]


def event_classes(event: dict[str, Any]) -> list[str]:
    """The list item's classes: the event's filter tokens (`p-<place>`, ..., `d-<first>-<last>`), sorted."""
    tokens = [f"{prefix}-{slug}" for kind, prefix, _ in FILTERS for _, slug in event["filters"].get(kind, [])]
    if event.get("span"):
        tokens.append("d-{}-{}".format(*event["span"]))  # first and last day it may mean: the date filter
    return ["dailyarchive-event", *sorted(tokens)]


def event_pieces(event: dict[str, Any]) -> list[Piece]:
    """One event: its date at its precision, what happened, where, who, and the bulletin that says so."""
    pieces: list[Piece] = [("strong", event["when"], None), ("text", f": {event['what']}", None)]
    if event["place"]:
        pieces += [("text", " — ", None), _name(*event["place"])]
    for position, actor in enumerate(event["actors"]):
        pieces += [("text", ", " if position else " — ", None), _name(*actor)]
    title, target, date = event["bulletin"]
    return pieces + [("text", f" (reported in the bulletin of {date}: ", None), ("link", title, target),
                     ("text", ")", None)]


def _name(name: str, docname: str | None) -> Piece:
    return ("link", name, docname) if docname else ("text", name, None)


def event_item(event: dict[str, Any]) -> nodes.list_item:
    """An event as a list item of docutils nodes; its links are `doc` references, which every builder resolves."""
    text = nodes.paragraph()
    for kind, words, target in event_pieces(event):
        if kind == "strong":
            text += nodes.strong("", words)
        elif kind == "link":
            text += _doc_link(words, str(target))
        else:
            text += nodes.Text(words)
    return nodes.list_item("", text, classes=event_classes(event))


def _doc_link(text: str, docname: str) -> addnodes.pending_xref:
    """A link to a document that every builder resolves."""
    ref = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget=f"/{docname}", refexplicit=True,
                                refwarn=True)
    ref += nodes.inline("", text)
    return ref


def event_html(event: dict[str, Any], html_link: HtmlLink) -> str:
    """An event as the HTML its nodes give: text escaped as docutils does, right-to-left runs marked as
    `_bidi` marks them."""
    parts = []
    for kind, words, target in event_pieces(event):
        if kind == "strong":
            parts.append(f"<strong>{html_text(words)}</strong>")
        elif kind == "link":
            parts.append(html_link(str(target), html_text(words)))
        else:
            parts.append(html_text(words))
    classes = " ".join(event_classes(event))
    return f'<li class="{escape(classes)}"><p>{"".join(parts)}</p></li>\n'


def html_text(text: str) -> str:
    """Text as the HTML writer writes a text node (`_bidi.mark_runs` when it holds right-to-left letters)."""
    return mark_runs(text) if RTL.search(text) else text.translate(HTMLTranslator.special_characters)


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
    app.add_node(event_entries_html, html=(visit_entries_html, None))
    app.add_directive(EVENTS_DIRECTIVE, EventsDirective)
    app.add_post_transform(EventsWrittenAsHtml)
    app.add_post_transform(EventsAsReferences)
    app.connect("html-page-context", add_script)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
