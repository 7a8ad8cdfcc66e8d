"""Plain-text bulletins: a headline, a photo caption ending with the date, paragraphs, "See also" lines."""

from __future__ import annotations

import html
import re
from pathlib import Path

from .infer import TITLE_MAX, caption_with_date, decode, plain, see_also_of
from .model import ImportedBulletin, Reading
from .sanitize import html_to_paragraphs

SUFFIXES = (".txt", ".text")
_SEE_ALSO_LINE = re.compile(r"^\s*see also\b", re.IGNORECASE)


def read(path: Path, data: bytes, drafts: bool = False) -> Reading:
    """One bulletin from a plain-text file (blocks separated by blank lines; hard-wrapped lines joined)."""
    text, notes = decode(data)
    blocks = [" ".join(block.split()) for block in _blocks(text)]
    bulletin = ImportedBulletin(path, notes=notes)
    if blocks and _is_headline(blocks[0]):
        bulletin.title = blocks.pop(0)
    markup = "".join(f"<p>{html.escape(block)}</p>" for block in blocks)
    bulletin.paragraphs = html_to_paragraphs(markup) if markup else []
    return Reading([bulletin])


def _blocks(text: str) -> list[str]:
    """Blocks separated by blank lines; each "See also" line is a block of its own."""
    blocks: list[str] = []
    for block in re.split(r"\n[ \t]*\n", text):
        current: list[str] = []
        for line in block.splitlines():
            if _SEE_ALSO_LINE.match(line) and current:
                blocks.append("\n".join(current))
                current = []
            current.append(line)
        if any(line.strip() for line in current):
            blocks.append("\n".join(current))
    return [b for b in blocks if b.strip()]


def _is_headline(block: str) -> bool:
    """A first block that is a headline: short, one line, not a dated caption or a see-also line."""
    return (len(block) <= TITLE_MAX and not block.endswith(".") and caption_with_date(block) is None
            and see_also_of(block, None) is None and not plain(block).casefold().startswith("see also"))
