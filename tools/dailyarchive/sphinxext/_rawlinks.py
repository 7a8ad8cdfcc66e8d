"""Links inside the generated raw HTML point at `.html` files; builders with another suffix (EPUB's
`.xhtml`) get them rewritten, so the same staged page works for every HTML-like builder."""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

#: A relative href (no scheme, not a fragment alone) ending in `.html`, with an optional fragment.
HREF = re.compile(r'href="(?![a-z][a-z0-9+.-]*:|#|/)([^"]*?)\.html(#[^"]*)?"')


class RawLinkSuffix(SphinxPostTransform):
    """Rewrite `.html` in relative links of raw HTML to the builder's page suffix."""

    default_priority = 800
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        suffix = getattr(self.app.builder, "out_suffix", ".html")
        if suffix == ".html":
            return
        for node in self.document.findall(nodes.raw):
            if "html" in node.get("format", "").split():
                text = HREF.sub(lambda m: f'href="{m.group(1)}{suffix}{m.group(2) or ""}"', node.astext())
                node.replace_self(nodes.raw("", text, format=node["format"]))


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the post-transform."""
    app.add_post_transform(RawLinkSuffix)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
