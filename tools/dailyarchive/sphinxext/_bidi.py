"""Right-to-left text (Arabic names, aliases, titles) gets `dir="auto"` in HTML, so it reads in its own direction,
and Arabic runs `lang="ar"` (the rule is `pages._html.rtl_runs`, shared with the raw HTML of generated pages)."""

from __future__ import annotations

import html
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from ..site.pages._html import RTL, rtl_runs

#: Text inside these nodes is left alone (code, raw markup, and text that is already HTML).
SKIP = (nodes.FixedTextElement, nodes.raw, nodes.comment, nodes.Invisible)


class MarkRightToLeft(SphinxPostTransform):
    """Wrap each run of right-to-left words in `<span dir="auto">`, `lang="ar"` when Arabic (HTML builders only).

    The run reads in its own direction and cannot reorder the text around it.
    """

    default_priority = 900
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        for text in list(self.document.findall(nodes.Text)):
            parent = text.parent
            if parent is None or not RTL.search(text) or isinstance(parent, SKIP) or _inside(parent, SKIP):
                continue
            parent.replace(text, nodes.raw("", mark_runs(str(text)), format="html"))


def mark_runs(text: str) -> str:
    """HTML of `text` with each right-to-left run in `<span dir="auto">` (and `lang="ar"` when Arabic)."""
    return rtl_runs(text, lambda piece: html.escape(piece, quote=False))


def _inside(node: nodes.Node, kinds: tuple[type, ...]) -> bool:
    """True when an ancestor of `node` is one of `kinds`."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, kinds):
            return True
        parent = parent.parent
    return False


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the post-transform."""
    app.add_post_transform(MarkRightToLeft)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
