"""Sphinx glue of citations: the `dailyarchive-cite` box and the Highwire meta tags of its page.

The directive's content is the JSON a page stages with `cite.directive`; it emits a placeholder that a
`doctree-resolved` handler fills with the box (the permanent URL depends on the builder). The box keeps
the citation on its node, where `html-page-context` finds it to add the `citation_*` meta tags and the
link to the bulletin's Memento TimeMap.
"""

from __future__ import annotations

import posixpath
from html import escape
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from ..cite import DIRECTIVE, Citation, bibtex, csl_json, from_json, highwire, plain, ris, with_url
from ..feeds import TIMEMAP
from ._outputs import HTML_BUILDERS, baseurl, page_url

logger = logging.getLogger(__name__)
ATTRIBUTE = "dailyarchive_citation"
FORMATS = (("BibTeX", bibtex, "bibtex"), ("RIS", ris, "text"), ("CSL-JSON", csl_json, "json"))


class cite_placeholder(nodes.General, nodes.Element):
    """Where the "Cite this version" box goes; holds the citation's JSON until the doctree is resolved."""


class CiteDirective(SphinxDirective):
    """```{dailyarchive-cite}``` with the citation's JSON (from `cite.directive`) as content."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        text = "\n".join(self.content)
        try:
            from_json(text)
        except (ValueError, TypeError) as exc:
            logger.warning("dailyarchive-cite needs the JSON that cite.directive writes: %s", exc,
                           location=self.get_location(), type="dailyarchive", subtype="cite")
            return []
        return [cite_placeholder(citation=text)]


def permanent_url(app: Sphinx, citation: Citation, docname: str) -> tuple[str, str]:
    """(absolute URL or '', the href for a link from `docname`: absolute, else relative on site builders)."""
    target = page_url(app, citation.page)
    absolute = baseurl(app) + target if baseurl(app) else ""
    if absolute:
        return absolute, absolute
    if app.builder.name in HTML_BUILDERS:
        return "", relative_uri(app.builder.get_target_uri(docname), target) or posixpath.basename(target)
    return "", ""


def fill_cite_boxes(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Replace each placeholder by the box: plain citation, permanent link and, in HTML, the formats."""
    for placeholder in list(doctree.findall(cite_placeholder)):
        citation = from_json(placeholder["citation"])
        absolute, href = permanent_url(app, citation, docname)
        citation = with_url(citation, absolute)
        placeholder.replace_self(cite_box(citation, href, html=app.builder.format == "html"))


def cite_box(citation: Citation, href: str, html: bool) -> nodes.container:
    """The box's nodes; the container keeps the citation (with its URL) for the page's meta tags."""
    box = nodes.container(classes=["dailyarchive-cite"])
    box[ATTRIBUTE] = citation
    box += nodes.rubric("", "Cite this version")
    box += nodes.paragraph("", plain(citation), classes=["dailyarchive-cite-text"])
    if href:
        link = nodes.paragraph("", "Permanent link to this version: ")
        link += nodes.reference("", citation.url or f"version {citation.version}", refuri=href, internal=False)
        box += link
    if not html:
        return box
    for name, render, language in FORMATS:
        box += nodes.raw("", f"<details class=\"dailyarchive-cite-format\"><summary>{name}</summary>\n",
                         format="html")
        block = nodes.literal_block(render(citation), render(citation), language=language)
        box += block
        box += nodes.raw("", "</details>\n", format="html")
    return box


def add_citation_meta(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                      doctree: nodes.document | None) -> None:
    """Highwire `citation_*` meta tags and the TimeMap link of the version a page cites."""
    if doctree is None or app.builder.name not in HTML_BUILDERS:
        return
    box = next((n for n in doctree.findall(nodes.container) if ATTRIBUTE in n), None)
    if box is None:
        return
    citation: Citation = box[ATTRIBUTE]
    tags = [f'<meta name="{escape(name)}" content="{escape(content)}" />' for name, content in highwire(citation)]
    folder = posixpath.dirname(citation.page)
    timemap = relative_uri(app.builder.get_target_uri(pagename), f"{folder}/{TIMEMAP}")
    tags.append(f'<link rel="timemap" type="application/link-format" href="{escape(timemap)}" />')
    context["metatags"] = context.get("metatags", "") + "\n" + "\n".join(tags) + "\n"


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive, its placeholder and the handlers."""
    app.setup_extension("dailyarchive.sphinxext._outputs")
    app.add_node(cite_placeholder)
    app.add_directive(DIRECTIVE, CiteDirective)
    app.connect("doctree-resolved", fill_cite_boxes)
    app.connect("html-page-context", add_citation_meta)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
