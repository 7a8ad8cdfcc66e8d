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

from ..catalog import Catalog
from ..charts import TOLL_MEASURES, Chart, place_key
from ..chartset import ChartData, chart_data, page_plan, render, select
from ..chronology import ChronologySettings, chronology_pages
from ..errors import Problem
from ..pages import EXTRA_DIR, INCLUDE_DIR
from ..publish.data import DOWNLOAD_DIR, download_files
from ..stage import sync_files, write_if_changed
from ._outputs import HTML_BUILDERS

logger = logging.getLogger(__name__)
DIRECTIVE = "dailyarchive-charts"
#: Staged chart files, relative to the source folder: `<CHART_DIR>/<key>.json`.
CHART_DIR = "_dailyarchive/charts"
#: Static SVG of a chart in the HTML output: `<SVG_DIR>/<digest>.svg`.
SVG_DIR = "_charts"
BUNDLE = "dailyarchive-vega.js"
SCRIPT = "dailyarchive-charts.js"
STYLE = "dailyarchive-charts.css"
MANIFEST = f"{INCLUDE_DIR}/staged-charts.txt"


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
        charts = json.loads(path.read_text(encoding="utf-8"))["charts"]
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


def write_bundle(app: Sphinx, exception: Exception | None) -> None:
    """Write the Vega/Vega-Lite/vega-embed bundle into `_static` once (a cached copy is reused)."""
    if exception is not None or app.builder.name not in HTML_BUILDERS and app.builder.name != "singlehtml":
        return
    target = Path(app.outdir) / "_static" / BUNDLE
    write_if_changed(target, vega_bundle(Path(app.doctreedir)))
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


def stage_charts(app: Sphinx, catalog: Catalog, problems: list[Problem]) -> None:
    """Stage the charts of every page, the chronology pages and the data downloads (only what changed)."""
    srcdir = Path(app.srcdir)
    data = chart_data(catalog, problems)
    files = chart_files(catalog, data, srcdir, per_bulletin=app.config.dailyarchive_charts_per_bulletin)
    files.update(chronology_pages(catalog, ChronologySettings(app.config.dailyarchive_chronology_max_events)))
    for name, content in download_files(catalog, data.points, data.excluded).items():
        files[f"{EXTRA_DIR}/{DOWNLOAD_DIR}/{name}"] = content
    written, removed = sync_files(srcdir, files, MANIFEST)
    logger.info("dailyarchive: %d chart, chronology and data files staged (%d written, %d removed)",
                len(files), written, removed)


def chart_files(catalog: Catalog, data: ChartData, srcdir: Path, per_bulletin: int = 1) -> dict[str, str | bytes]:
    """The staged chart files: `<CHART_DIR>/<key>.json` for every page that may show charts, and an SVG
    of each archive-level chart (bulletin pages have their table and caption instead).

    A page whose charts are made from the same rows as in the previous build (same digest in
    `<CHART_DIR>/digests.json`) keeps its staged file, so an incremental build redraws only
    the charts whose data changed.
    """
    plan = page_plan(catalog, data, per_bulletin=per_bulletin)
    keys = {f"series/{s}" for s in catalog.series["slug"]}
    keys |= {place_key(str(p)) for p in catalog.places.index}
    figures = catalog.latest("figures")
    keys |= {f"bulletin/{b}" for b in figures.loc[figures["measure"].isin(list(TOLL_MEASURES)), "bulletin_id"]}
    before = _previous_digests(srcdir)
    files: dict[str, str | bytes] = {}
    digests: dict[str, list[Any]] = {}
    with_svg = [not key.startswith("bulletin/") for key in sorted(keys | set(plan))]
    for key, svg in zip(sorted(keys | set(plan)), with_svg):
        planned = plan.get(key, [])
        selections = [select(data, p) for p in planned]
        digest = "/".join(s.digest(p, data.excluded_counts.get(p.key, 0)) for s, p in zip(selections, planned))
        path = f"{CHART_DIR}/{key}.json"
        old = before.get(key)
        if old and old[0] == digest and (srcdir / path).is_file() and all(
                (srcdir / f"{EXTRA_DIR}/{SVG_DIR}/{d}.svg").is_file() for d in old[1]):
            files[path] = (srcdir / path).read_text(encoding="utf-8")
            svgs = old[1]
        else:
            charts = [render(data, p, s) for p, s in zip(planned, selections)]
            files[path] = '{"charts":[' + ",\n".join(c.as_json(svg=svg) for c in charts) + "]}\n"
            svgs = [c.digest for c in charts] if svg else []
            for chart in charts if svg else []:
                svg_path = f"{EXTRA_DIR}/{SVG_DIR}/{chart.digest}.svg"
                files.setdefault(svg_path, _svg(srcdir / svg_path, chart))
        for name in svgs:
            svg_path = f"{EXTRA_DIR}/{SVG_DIR}/{name}.svg"
            if svg_path not in files:
                files[svg_path] = (srcdir / svg_path).read_bytes()
        digests[key] = [digest, svgs]
    files[f"{CHART_DIR}/digests.json"] = json.dumps(digests, sort_keys=True, separators=(",", ":")) + "\n"
    return files


def _previous_digests(srcdir: Path) -> dict[str, list[Any]]:
    """The digests of the charts staged by the previous build (empty when there are none)."""
    try:
        return json.loads((srcdir / CHART_DIR / "digests.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _svg(staged: Path, chart: Chart) -> bytes:
    """The chart as a static SVG (vl-convert), or the copy staged by an earlier build."""
    if staged.is_file():
        return staged.read_bytes()
    import vl_convert

    return vl_convert.vegalite_to_svg(chart.image_spec()).encode("utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive, its node and the handlers."""
    app.setup_extension("dailyarchive.sphinxext._outputs")
    text = (visit_chart_text, depart_chart_text)
    app.add_node(chart_figure, html=(visit_chart_html, None), latex=text, text=text, man=text, texinfo=text)
    app.add_directive(DIRECTIVE, ChartsDirective)
    app.add_config_value("dailyarchive_charts_per_bulletin", 1, "env", types=[int],
                         description="how many charts of the toll as of its date a bulletin page shows")
    app.add_config_value("dailyarchive_chronology_max_events", ChronologySettings().max_events, "env", types=[int],
                         description="the chronology's index lists its events up to this many; beyond, one page a year")
    app.connect("html-page-context", add_chart_scripts)
    app.connect("build-finished", write_bundle)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
