"""Sphinx glue of charts: the `dailyarchive-charts` directive, its HTML, and the offline Vega bundle.

A page names its charts by key (```{dailyarchive-charts} bulletin/<id>```); the staging step
writes the charts of each key to `_dailyarchive/charts/<key>.json` (only when they change)
and the directive reads that file and records it as a dependency of the page, so Sphinx
re-reads the page exactly when its charts change. HTML gets the Vega-Lite spec, a
`<noscript>` SVG, a caption in words and a table; other builders get the caption and notes.
The Vega, Vega-Lite and vega-embed JavaScript ships once, in `_static`, wrapped in a
function scope, and only pages with charts load it.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from ..addresses import CHART_DIR, CHARTS_DIRECTIVE, SVG_DIR
from ..site.chronology import ChronologySettings
from ..build.stage import read_json, write_if_changed
from ._outputs import HTML_BUILDERS

logger = logging.getLogger(__name__)
DIRECTIVE = CHARTS_DIRECTIVE
BUNDLE = "dailyarchive-vega.js"
SCRIPT = "dailyarchive-charts.js"
STYLE = "dailyarchive-charts.css"


class chart_figure(nodes.General, nodes.Element):
    """One chart; its children (caption and notes) are what non-HTML builders show."""


class ChartsDirective(SphinxDirective):
    """```{dailyarchive-charts} <key>``` places the charts staged for `key` (nothing when there are none)."""

    required_arguments = 1
    has_content = False
    option_spec = {"empty": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        relative = f"{CHART_DIR}/{self.arguments[0].strip('/')}.json"
        path = Path(self.env.srcdir) / relative
        if not path.is_file():
            logger.warning("no charts are staged for '%s'", self.arguments[0], location=self.get_location(),
                           type="dailyarchive", subtype="charts")
            return []
        self.env.note_dependency(relative)
        data: Any = read_json(path)
        charts = data["charts"]
        if not charts and self.options.get("empty"):
            return [nodes.paragraph("", self.options["empty"])]
        return [figure_node(chart) for chart in charts]


def figure_node(chart: dict[str, Any]) -> chart_figure:
    """A chart's node: the chart data for HTML, the caption and notes as text for every other builder."""
    node = chart_figure(chart=chart)
    node += nodes.paragraph("", chart["title"], classes=["dailyarchive-chart-title"])
    node += nodes.paragraph("", chart["caption"])
    for note in chart["notes"]:
        node += nodes.paragraph("", note, classes=["dailyarchive-chart-note"])
    return node


def visit_chart_html(self: Any, node: chart_figure) -> None:
    """HTML: the figure with its spec, `<noscript>` image, caption and data table; EPUB: no script."""
    docname = self.builder.current_docname
    root = relative_uri(self.builder.get_target_uri(docname), "") if docname else ""
    scripted = self.builder.name in HTML_BUILDERS or self.builder.name == "singlehtml"
    self.body.append(chart_html(node["chart"], root, scripted))
    raise nodes.SkipNode


def chart_html(chart: dict[str, Any], root: str, scripted: bool = True) -> str:
    """The HTML of one chart; `root` is the path from the page to the site root (`../../`)."""
    title = escape(chart["title"])
    svg = f"{root}{SVG_DIR}/{chart['digest']}.svg" if chart.get("svg") else ""
    image = f'<img src="{escape(svg)}" alt="{title}" class="dailyarchive-chart-image">' if svg else ""
    parts = [f'<figure class="dailyarchive-chart" id="chart-{escape(chart["digest"])}" data-root="{escape(root)}">']
    if scripted:
        spec = json.dumps(chart["spec"], ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
        parts += [f'<div class="dailyarchive-chart-view" role="img" aria-label="{title}"></div>',
                  f'<script type="application/json" class="dailyarchive-chart-spec">{spec}</script>',
                  f"<noscript>{image}</noscript>" if image else ""]
    else:
        parts.append(image)
    notes = "".join(f' <span class="dailyarchive-chart-note">{escape(n)}</span>' for n in chart["notes"])
    if svg:
        notes += f' <a class="dailyarchive-chart-svg" href="{escape(svg)}" download>The chart as an SVG image</a>.'
    parts.append(data_table(chart, root))  # before the caption: HTML allows a figcaption only first or last
    parts.append(f"<figcaption><strong>{title}.</strong> {escape(chart['caption'])}{notes}</figcaption>")
    return "\n".join(p for p in parts if p) + "\n</figure>\n"


def data_table(chart: dict[str, Any], root: str) -> str:
    """The chart's data points as a collapsible table, each linked to its bulletin."""
    rows = chart["rows"]
    if not rows:
        return ""
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in chart["columns"])
    body = []
    bulletin = chart["columns"].index("Bulletin")
    for row in rows:
        cells = [escape(str(c)) for c in row["cells"]]
        if row.get("url"):
            cells[bulletin] = f'<a href="{escape(root + row["url"])}">{cells[bulletin]}</a>'
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return (f'<details class="dailyarchive-chart-data"><summary>The data of this chart: {len(rows)} '
            f'report{"s" if len(rows) != 1 else ""} (table)</summary>\n<table>'
            f'<caption>{escape(chart["title"])}</caption><thead><tr>{head}</tr></thead><tbody>'
            + "\n".join(body) + "</tbody></table></details>")


def visit_chart_text(self: Any, node: chart_figure) -> None:
    """Other builders show the children (title, caption, notes)."""


def depart_chart_text(self: Any, node: chart_figure) -> None:
    """Nothing to close."""


def add_chart_scripts(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                      doctree: nodes.document | None) -> None:
    """Load the Vega bundle and the chart script on the pages that have a chart (HTML site builders)."""
    if doctree is None or app.builder.name not in HTML_BUILDERS and app.builder.name != "singlehtml":
        return
    if next(iter(doctree.findall(chart_figure)), None) is None:
        return
    app.add_js_file(BUNDLE, priority=600)
    app.add_js_file(SCRIPT, priority=610)
    app.add_css_file(STYLE)


def write_bundle(app: Sphinx) -> None:
    """Write the Vega/Vega-Lite/vega-embed bundle into `_static` before any page (a cached copy is reused).

    Written before the pages, every page that loads it gets the same `?v=` checksum in a clean
    and in an incremental build.
    """
    if app.builder.name not in HTML_BUILDERS and app.builder.name != "singlehtml":
        return
    target = Path(app.outdir) / "_static" / BUNDLE
    write_if_changed(target, vega_bundle(Path(app.config.dailyarchive_cache or app.doctreedir)))
    target.chmod(0o644)


def vega_bundle(cache: Path) -> bytes:
    """vl-convert's bundle of vega-embed, Vega-Lite and Vega, wrapped in a function scope.

    The bundle declares top-level names (`const _`) that clash with Sphinx's `doctools.js`
    when both load as classic scripts; inside a function they are local, and only
    `window.vegaEmbed` is exported. Generating it takes a second or two, so it is cached
    in the build's doctree folder by vl-convert version.
    """
    import vl_convert

    cached = cache / f"dailyarchive-vega-{vl_convert.__version__}.js"
    if cached.is_file():
        return cached.read_bytes()
    bundle = vl_convert.javascript_bundle(snippet="window.vegaEmbed = vegaEmbed;")
    text = f"/* Vega, Vega-Lite and vega-embed, bundled by vl-convert {vl_convert.__version__} */\n" \
           f"(function () {{\n{bundle}\n}})();\n"
    write_if_changed(cached, text)
    return text.encode("utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive, its node and the handlers."""
    app.setup_extension("dailyarchive.sphinxext._outputs")
    text = (visit_chart_text, depart_chart_text)
    app.add_node(chart_figure, html=(visit_chart_html, None), latex=text, text=text, man=text, texinfo=text)
    app.add_directive(DIRECTIVE, ChartsDirective)
    app.add_config_value("dailyarchive_cache", "", "", types=[str],
                         description="folder for files kept between builds (the Vega bundle); the doctrees when empty")
    app.add_config_value("dailyarchive_charts_per_bulletin", 1, "env", types=[int],
                         description="how many charts of the toll as of its date a bulletin page shows")
    app.add_config_value("dailyarchive_chronology_max_events", ChronologySettings().max_events, "env", types=[int],
                         description="the chronology's index lists its events up to this many; beyond, one page a year")
    app.connect("html-page-context", add_chart_scripts)
    app.connect("builder-inited", write_bundle)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
