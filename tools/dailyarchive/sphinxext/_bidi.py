"""Right-to-left text (Arabic names, aliases, titles) gets `dir="auto"` in HTML, so it reads in its own direction."""

from __future__ import annotations

import html
import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

#: Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan, Mandaic and the Arabic presentation forms.
RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
#: Text inside these nodes is left alone (code, raw markup, and text that is already HTML).
SKIP = (nodes.FixedTextElement, nodes.raw, nodes.comment, nodes.Invisible)


class MarkRightToLeft(SphinxPostTransform):
    """Wrap each run of text holding right-to-left letters in `<span dir="auto">` (HTML builders only)."""

    default_priority = 900
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        for text in list(self.document.findall(nodes.Text)):
            parent = text.parent
            if parent is None or not RTL.search(text) or isinstance(parent, SKIP) or _inside(parent, SKIP):
                continue
            span = nodes.raw("", f'<span dir="auto">{html.escape(str(text), quote=False)}</span>', format="html")
            parent.replace(text, span)


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
