"""Sphinx glue of the timeline: the `dailyarchive-timeline` directive and its HTML.

```{dailyarchive-timeline}
:from: 2019-01-01
:to: 2019-12-31
:place: idlib-province
:list: dailyarchive-events
```

`from` and `to` are the first view (the whole span when absent); `place`, `actor`, `tag` or
`series` (a slug) keep the timeline to that name's events (a place with its sub-places);
`list` is the text alternative: an anchor of the same page (`dailyarchive-events`, the list's
form), or a docname starting with `/` (`/chronology/index`) whose page lists the events. The
events come from the timeline's data files (`timeline.py`): the first view's load with the page,
the others as the reader zooms (dailyarchive-timeline-data.js), drawn by dailyarchive-timeline.js
with the Vega bundle the charts use. Builders other than the HTML site show a sentence.
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import quote

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from ..addresses import TIMELINE_DIR, TIMELINE_DIRECTIVE
from ..site.timeline import MANIFEST
from ._charts import BUNDLE
from ._charts import STYLE as CHART_STYLE
from ._outputs import HTML_BUILDERS

SCRIPT = "dailyarchive-timeline.js"
DATA_SCRIPT = "dailyarchive-timeline-data.js"
FILTERS_SCRIPT = "dailyarchive-filters.js"
STYLE = "dailyarchive-timeline.css"
FIXED = ("place", "actor", "tag", "series")
HELP = ("Arrow keys move the view, + and − zoom, Home and End go to the first and last events; drag to pan, "
        "the mouse wheel or a pinch zooms, and a drag in the overview strip below picks a span.")


class timeline_figure(nodes.General, nodes.Element):
    """A timeline; its child paragraph is what builders without scripts show."""


def _day(value: str) -> str:
    """A `YYYY-MM-DD` option."""
    value = value.strip()
    if len(value) != 10 or not value.replace("-", "").isdigit():
        raise ValueError(f"'{value}' is not a date: write YYYY-MM-DD")
    return value


class TimelineDirective(SphinxDirective):
    """```{dailyarchive-timeline}``` with the options of the module's docstring."""

    has_content = False
    option_spec = {"from": _day, "to": _day, "list": directives.unchanged, "title": directives.unchanged,
                   **{name: directives.unchanged for name in FIXED}}

    def run(self) -> list[nodes.Node]:
        node = timeline_figure(options=dict(self.options))
        target = self.options.get("list", "")
        text = nodes.paragraph("", "The timeline of these events is drawn on the HTML site")
        if target.startswith("/"):
            text += nodes.Text("; ")
            text += _doc_link("the events as a list", target)
        text += nodes.Text(".")
        node += text
        return [node]


def _doc_link(text: str, docname: str) -> addnodes.pending_xref:
    ref = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget=docname, refexplicit=True, refwarn=True)
    ref += nodes.inline("", text)
    return ref


def visit_timeline_html(self: Any, node: timeline_figure) -> None:
    """The HTML site: the figure the script draws in; EPUB and single HTML: the sentence."""
    if self.builder.name not in HTML_BUILDERS:
        return
    docname = self.builder.current_docname
    root = relative_uri(self.builder.get_target_uri(docname), "") if docname else ""
    options = node["options"]
    target = options.get("list", "")
    if target.startswith("/"):
        target = relative_uri(self.builder.get_target_uri(docname), self.builder.get_target_uri(target.lstrip("/")))
    elif target:
        target = f"#{target}"
    self.body.append(timeline_html(options, root, target))
    raise nodes.SkipNode


def depart_timeline(self: Any, node: timeline_figure) -> None:
    """Nothing to close."""


def timeline_html(options: dict[str, str], root: str, list_href: str) -> str:
    """The timeline's figure: its controls, the view, the legend and the link to the list."""
    title = options.get("title") or "Timeline of the events"
    preload = "".join(f'<script src="{escape(root)}{TIMELINE_DIR}/{name}"></script>' for name in first_files(options))
    data = "".join(f' data-{key}="{escape(options[key])}"' for key in ("from", "to", *FIXED) if options.get(key))
    fixed = "&".join(f"{key}={quote(options[key])}" for key in FIXED if options.get(key))
    carry = " data-filters-carry" if list_href and not list_href.startswith("#") and not fixed else ""
    if fixed and list_href and not list_href.startswith("#"):
        list_href += f"?{fixed}"
    link = (f'<a class="dailyarchive-timeline-list" href="{escape(list_href)}"{carry}>The events as a list '
            "(the text alternative to this timeline)</a>") if list_href else ""
    lanes = "".join(f'<option value="{v}">{label}</option>' for v, label in
                    (("place", "place"), ("actor", "actor"), ("series", "series")))
    buttons = "".join(f'<button type="button" data-timeline="{action}">{label}</button>' for action, label in
                      (("zoom-in", "Zoom in"), ("zoom-out", "Zoom out"), ("earlier", "Earlier"), ("later", "Later"),
                       ("all", "Whole span"), ("csv", "Export CSV"), ("json", "Export JSON")))
    return (f'<figure class="dailyarchive-timeline" data-root="{escape(root)}" data-data="{TIMELINE_DIR}/"{data}>\n'
            f'<div class="dailyarchive-timeline-controls" hidden><label>Lanes by <select data-timeline="lanes">'
            f"{lanes}</select></label> {buttons}</div>\n"
            '<div class="dailyarchive-timeline-view" tabindex="0" role="application" '
            'aria-roledescription="timeline" '
            f'aria-label="{escape(title)}. {escape(HELP)}"></div>\n'
            f'<p class="dailyarchive-timeline-status" aria-live="polite"></p>\n'
            f"<figcaption><strong>{escape(title)}.</strong> A dot is an event known to the day; a bar spans the "
            "month or the year an event is known to; an outlined mark is approximate, uncertain or partly "
            f"unknown (the tooltip says which). A click opens the bulletin that reported it. {escape(HELP)} "
            f"{link}</figcaption>\n</figure>\n{preload}")  # scripts after the figure: its caption is its last child


def first_files(options: dict[str, str]) -> list[str]:
    """The data files of the first view, loaded with the page (so the timeline draws before the page's other
    scripts run): the manifest and each year from `from` to `to`; the script loads any other year it needs."""
    if not (options.get("from") and options.get("to")):
        return []
    first, last = int(options["from"][:4]), int(options["to"][:4])
    return [MANIFEST, *[f"{year:04d}.js" for year in range(first, min(last, first + 20) + 1)]]


def skip(self: Any, node: nodes.Node) -> None:
    """Builders without scripts show the sentence (the node's child)."""


def add_timeline_scripts(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                         doctree: nodes.document | None) -> None:
    """Load the Vega bundle, the filter state and the timeline script on pages with a timeline."""
    if doctree is None or app.builder.name not in HTML_BUILDERS:
        return
    if next(iter(doctree.findall(timeline_figure)), None) is None:
        return
    app.add_js_file(BUNDLE, priority=600)
    app.add_js_file(FILTERS_SCRIPT, priority=615)
    app.add_js_file(DATA_SCRIPT, priority=625, loading_method="defer")  # deferred: run before the page's load
    app.add_js_file(SCRIPT, priority=630, loading_method="defer")  # handlers, so the timeline draws first
    app.add_css_file(CHART_STYLE)
    app.add_css_file(STYLE)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive, the node and the scripts."""
    app.setup_extension("dailyarchive.sphinxext._charts")
    app.add_node(timeline_figure, html=(visit_timeline_html, depart_timeline), latex=(skip, depart_timeline),
                 text=(skip, depart_timeline), man=(skip, depart_timeline), texinfo=(skip, depart_timeline))
    app.add_directive(TIMELINE_DIRECTIVE, TimelineDirective)
    app.connect("html-page-context", add_timeline_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
