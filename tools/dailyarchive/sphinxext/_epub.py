"""Sphinx glue of the EPUB of a series: charts as static images, no script, no link out of the book.

Loaded by the EPUB projects `publish.epub` writes. A chart is its PNG (drawn from its spec, as
for the PDF) with its caption; links of the pages' raw HTML parts that point at pages outside
the book (the site's place, actor and tag pages, earlier versions) keep their text and lose
their target, so every reference of the EPUB resolves (epubcheck).
"""

from __future__ import annotations

import posixpath
import re
from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from ..build.stage import write_if_changed
from ._charts import chart_figure
from ._pdf import chart_png

IMAGES = "_images/dailyarchive-charts"
_LINK = re.compile(r'<a\b([^>]*?)\shref="([^"]*)"([^>]*)>')
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def visit_chart_epub(self: Any, node: chart_figure) -> None:
    """The chart's PNG and its caption in words (no script in an EPUB)."""
    chart = node["chart"]
    image = chart_png(chart, Path(self.config.dailyarchive_cache or self.builder.doctreedir))
    docname = self.builder.current_docname
    root = "../" * docname.count("/")
    parts = ['<figure class="dailyarchive-chart">']
    if image is not None:
        write_if_changed(Path(self.builder.outdir) / IMAGES / f"{chart['digest']}.png", image)
        parts.append(f'<img src="{root}{IMAGES}/{escape(chart["digest"])}.png" alt="{escape(chart["title"])}"/>')
    notes = "".join(f" {escape(n)}" for n in chart["notes"])
    parts.append(f"<figcaption><strong>{escape(chart['title'])}.</strong> {escape(chart['caption'])}{notes}"
                 "</figcaption></figure>\n")
    self.body.append("\n".join(parts))
    raise nodes.SkipNode


def links_inside_the_book(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Raw HTML links to documents that are not in the book lose their `href` (their text stays)."""
    here = posixpath.dirname(docname)
    for raw in list(doctree.findall(nodes.raw)):
        if "html" not in raw.get("format", "").split():
            continue
        text = raw.astext()
        kept = _LINK.sub(lambda m: _link_or_text(app, here, m), text)
        if kept != text:
            raw.replace_self(nodes.raw("", kept, format=raw["format"]))


def _link_or_text(app: Sphinx, here: str, match: re.Match[str]) -> str:
    before, href, after = match.groups()
    if not href or href.startswith("#") or _SCHEME.match(href):
        return match.group()
    path = href.split("#", 1)[0]
    target = posixpath.normpath(posixpath.join(here, path))
    for suffix in (".html", ".xhtml"):
        if target.endswith(suffix):
            target = target[: -len(suffix)]
    return match.group() if target in app.env.all_docs else f"<a{before}{after}>"


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the charts' EPUB visitor and the link check."""
    app.setup_extension("dailyarchive.sphinxext._charts")
    app.add_node(chart_figure, override=True, html=(visit_chart_epub, None))
    app.connect("doctree-resolved", links_inside_the_book)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
