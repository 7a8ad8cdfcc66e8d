"""The PDF's copy of a bulletin's raw HTML parts: the same facts as a raw LaTeX block (no links).

Raw HTML is dropped by the LaTeX builder, so a bulletin page carries this block
too; a raw block costs nothing measurable in the HTML build (see `_html`).
"""

from __future__ import annotations

from collections.abc import Iterable

from sphinx.util import texescape

from ._text import present

texescape.init()


def tex(text: object) -> str:
    """Text for LaTeX: special characters escaped, one line."""
    return texescape.escape(" ".join(str(text).split())) if present(text) else ""


def items(heading: str, entries: Iterable[str]) -> str:
    """`\\paragraph{heading}` and an itemize of already escaped entries; empty when there are none."""
    rows = "".join(f"\\item {entry}\n" for entry in entries)
    return f"\\paragraph{{{tex(heading)}}}\n\\begin{{itemize}}\n{rows}\\end{{itemize}}\n" if rows else ""


def raw(*parts: str) -> list[str]:
    """The non-empty parts as one raw LaTeX block of a MyST page (nothing when all are empty)."""
    body = "".join(part for part in parts if part)
    return ["```{raw} latex", body.rstrip("\n"), "```", ""] if body else []
