"""Right-to-left text (Arabic names, aliases, titles) gets `dir="auto"` in HTML, so it reads in its own direction."""

from __future__ import annotations

import html
import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

#: Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan, Mandaic and the Arabic presentation forms.
_LETTERS = "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]"
RTL = re.compile(_LETTERS)
#: A run of right-to-left words (with the spaces between them).
RUN = re.compile(f"{_LETTERS}+(?:\\s+{_LETTERS}+)*")
#: Text inside these nodes is left alone (code, raw markup, and text that is already HTML).
SKIP = (nodes.FixedTextElement, nodes.raw, nodes.comment, nodes.Invisible)


class MarkRightToLeft(SphinxPostTransform):
    """Wrap each run of right-to-left words in `<span dir="auto">` (HTML builders only).

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
    """HTML of `text` with each right-to-left run in `<span dir="auto">`."""
    parts, end = [], 0
    for match in RUN.finditer(text):
        parts += [html.escape(text[end:match.start()], quote=False),
                  f'<span dir="auto">{html.escape(match.group(), quote=False)}</span>']
        end = match.end()
    parts.append(html.escape(text[end:], quote=False))
    return "".join(parts)


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
