"""Sphinx glue of citations: the `dailyarchive-cite` box and the Highwire meta tags of its page.

The directive's content is the JSON a page stages with `cite.directive`; it emits a placeholder that a
`doctree-resolved` handler fills with the box (the permanent URL depends on the builder). The box keeps
the citation on its node, where `html-page-context` finds it to add the `citation_*` meta tags, the
link to the bulletin's Memento TimeMap and the script of the copy buttons (`static/dailyarchive-cite.js`,
a file of the site, as the Content-Security-Policy requires; it also fills in the access date).

Each version's source file (`v<N>.md`, byte for byte, checked against the digest the citation gives)
and its `.bib` and `.ris` files are output files of the stager (`cite.version_files`), beside its page. The source of a
version whose body the build withheld (outside the safe profile, `_body`) is not published: its page names
the file and its digest, but links nothing.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from ..site.cite import DIRECTIVE, Citation, bibtex, csl_json, from_json, highwire, plain, ris, with_url
from ..site.feeds import TIMEMAP
from ..addresses import BODY_DIR
from ._body import BodyDomain
from ._outputs import HTML_BUILDERS, baseurl, is_site_builder, page_url

logger = logging.getLogger(__name__)
ATTRIBUTE = "dailyarchive_citation"
#: (name, renderer, file suffix or '' when the format has no download of its own).
FORMATS = (("BibTeX", bibtex, "bib"), ("RIS", ris, "ris"), ("CSL-JSON", csl_json, ""))
SCRIPT = "dailyarchive-cite.js"


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
    """(absolute URL or '', the href for a link from `docname`).

    On site builders the link is relative, so it opens this copy of the site (a folder, a zip, a mirror)
    while the citation names the absolute URL; elsewhere (EPUB, LaTeX) it is the absolute URL, if known.
    """
    target = page_url(app, citation.page)
    absolute = baseurl(app) + target if baseurl(app) else ""
    if app.builder.name in HTML_BUILDERS:
        return absolute, relative_uri(app.builder.get_target_uri(docname), target) or posixpath.basename(target)
    return absolute, absolute


def fill_cite_boxes(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Replace each placeholder by the box: plain citation, permanent link, source digest and, in HTML, the formats."""
    for placeholder in list(doctree.findall(cite_placeholder)):
        citation = from_json(placeholder["citation"])
        absolute, href = permanent_url(app, citation, docname)
        citation = with_url(citation, absolute)
        here = app.builder.get_target_uri(docname) if is_site_builder(app) else ""
        source = "" if citation.beside(citation.source) in withheld_sources(app) else here
        placeholder.replace_self(cite_box(citation, href, html=app.builder.format == "html", here=here,
                                          source=source))


def cite_box(citation: Citation, href: str, html: bool, here: str = "", source: str = "") -> nodes.container:
    """The box's nodes; the container keeps the citation (with its URL) for the page's meta tags.

    `here` is the page's own path on site builders: the `.bib` and `.ris` beside the page are linked
    from it, and the source file from `source` (the same path, or '' when the source is not published);
    elsewhere (EPUB, single page) they are named, not linked.
    """
    box = nodes.container(classes=["dailyarchive-cite"])
    box[ATTRIBUTE] = citation
    box += nodes.rubric("", "Cite this version")
    box += nodes.paragraph("", plain(citation), classes=["dailyarchive-cite-text"], ids=["cite-text"])
    if html and here:
        box += nodes.raw("", _copy_button("cite-text", "plain text"), format="html")
    if href:
        link = nodes.paragraph("", "Permanent link to this version: ")
        link += nodes.reference("", citation.url or f"version {citation.version}", refuri=href, internal=False)
        box += link
    if citation.sha256:
        box += _digest_paragraph(citation, source)
    if not html:
        return box
    box += nodes.raw("", "\n".join(_format_html(citation, name, render, suffix, here)
                                   for name, render, suffix in FORMATS), format="html")
    return box


def _digest_paragraph(citation: Citation, here: str) -> nodes.paragraph:
    """`Source file v2.md, SHA-256 <hex>`: the file linked from site pages, and how to check a copy."""
    para = nodes.paragraph("", "Source file of this version: ", classes=["dailyarchive-cite-digest"])
    if here:
        para += nodes.reference("", citation.source, refuri=relative_uri(here, citation.beside(citation.source)),
                                internal=False)
    else:
        para += nodes.literal("", citation.source)
    para += nodes.Text(", SHA-256 ")
    para += nodes.literal("", citation.sha256, classes=["dailyarchive-sha256"])
    para += nodes.Text(f". To prove that a copy is this version, run sha256sum {citation.source} "
                       "and compare the digest; the archive's MANIFEST-sha256.txt lists it too.")
    return para


def _copy_button(target: str, label: str, after: str = "") -> str:
    """A copy button for the element with id `target`, hidden until the script (which it needs) shows it."""
    return (f'<p class="dailyarchive-copy-row"><button type="button" class="dailyarchive-copy" '
            f'data-copy="{escape(target)}" hidden="hidden">Copy {escape(label)}</button>{after} '
            f'<span class="dailyarchive-copy-status" role="status"></span></p>')


def _format_html(citation: Citation, name: str, render: Callable[[Citation], str], suffix: str, here: str) -> str:
    """One format: its text in a `<details>` and, on site pages, a copy button and the file to download.

    Attributes are written with values (`hidden="hidden"`), so the markup is also well-formed XHTML.
    """
    ident = f"cite-{name.lower().replace('-', '')}"
    download = ""
    if suffix and here:
        file_name = f"v{citation.version}.{suffix}"
        target = relative_uri(here, citation.beside(file_name))
        download = (f' <a class="dailyarchive-download" href="{escape(target)}" download="{escape(file_name)}">'
                    f"Download {escape(file_name)}</a>")
    return (f'<div class="dailyarchive-cite-format"><details><summary>{escape(name)}</summary>'
            f'<pre id="{ident}" class="dailyarchive-cite-code">{escape(render(citation))}</pre></details>'
            + (_copy_button(ident, name, download) if here else "") + "</div>")


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
    app.add_js_file(SCRIPT, priority=630)


def withheld_sources(app: Sphinx) -> set[str]:
    """Paths from the output root of the source files whose body this build withheld (`<url>/v<N>.md`).

    The staged body of a version sits at `<BODY_DIR>/<url>/v<N>.md`, where its source is published.
    """
    srcdir = Path(app.srcdir).resolve()
    paths = set()
    for staged in app.env.get_domain(BodyDomain.name).data["withheld"].values():
        try:
            relative = Path(staged).resolve().relative_to(srcdir / BODY_DIR)
        except ValueError:
            continue
        paths.add(relative.as_posix())
    return paths


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive, its placeholder and the handlers."""
    app.setup_extension("dailyarchive.sphinxext._outputs")
    app.add_node(cite_placeholder)
    app.add_directive(DIRECTIVE, CiteDirective)
    app.connect("doctree-resolved", fill_cite_boxes)
    app.connect("html-page-context", add_citation_meta)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
