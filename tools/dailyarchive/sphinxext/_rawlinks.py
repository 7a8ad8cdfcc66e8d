"""Links inside the generated raw HTML point at `.html` files; builders with another link suffix (EPUB's
`.xhtml`) get them rewritten, so the same staged page works for every HTML-like builder."""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

#: A relative href (no scheme, not a fragment alone) ending in `.html`, with an optional fragment.
HREF = re.compile(r'href="(?![a-z][a-z0-9+.-]*:|#|/)([^"]*?)\.html(#[^"]*)?"')


def rewrite_suffix(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Rewrite `.html` in relative links of raw HTML to the builder's link suffix."""
    suffix = getattr(app.builder, "link_suffix", ".html")
    if app.builder.format != "html" or suffix == ".html":
        return
    for node in list(doctree.findall(nodes.raw)):
        if "html" in node.get("format", "").split():
            text = HREF.sub(lambda m: f'href="{m.group(1)}{suffix}{m.group(2) or ""}"', node.astext())
            node.replace_self(nodes.raw("", text, format=node["format"]))


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the handler."""
    app.connect("doctree-resolved", rewrite_suffix)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
