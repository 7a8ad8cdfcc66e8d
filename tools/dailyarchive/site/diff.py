"""Word-level differences between two versions of a bulletin: text, fields and figures, as HTML.

The comparison works on what a reader sees: the body's blocks of rendered text
(`bodytext.reading_blocks`: no Markdown marks, wrapped lines joined) and the display
text of each field and figure. A number with its thousands separators and decimals
(`1,650`, `2.5`) is one token, so a changed number shows whole, old and new. Unchanged
blocks of the body are folded in a `<details>`. Rendering escapes every piece of text
(`html.escape`, and backticks, so the HTML can sit in a fenced raw block).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

#: White space, a number (digits with `,` `.` or the Arabic separators between them), a word, a mark.
_TOKEN = re.compile(r"\s+|\d+(?:[.,\u066b\u066c]\d+)*|\w+|[^\w\s]")
Op = Literal["equal", "insert", "delete"]


@dataclass(frozen=True)
class Chunk:
    """A run of text that is in both versions, only in the new one, or only in the old one."""

    op: Op
    text: str


@dataclass(frozen=True)
class FieldChange:
    """One front-matter field whose display text differs between two versions."""

    name: str
    chunks: tuple[Chunk, ...]


@dataclass(frozen=True)
class FigureChange:
    """One figure row: added, removed, changed or unchanged, with its display columns in each version."""

    status: Literal["added", "removed", "changed", "unchanged"]
    old: dict[str, str] | None
    new: dict[str, str] | None


@dataclass(frozen=True)
class BlockRun:
    """Consecutive blocks of a body that are the same in both versions, or that changed."""

    op: Literal["equal", "changed"]
    old: tuple[str, ...]
    new: tuple[str, ...]


def tokens(text: str) -> list[str]:
    """Numbers, words, runs of white space and single punctuation marks; joined they give `text` back."""
    return _TOKEN.findall(text)


def word_diff(old: str, new: str) -> list[Chunk]:
    """The word-level difference of two texts as chunks.

    Lines are matched first and words only inside changed runs of lines, which keeps
    a long body with one changed word fast (word matching alone is quadratic).
    """
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    chunks: list[Chunk] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            _append(chunks, "equal", "".join(a[i1:i2]))
        else:
            for chunk in _words("".join(a[i1:i2]), "".join(b[j1:j2])):
                _append(chunks, chunk.op, chunk.text)
    return chunks


def _words(old: str, new: str) -> list[Chunk]:
    """Word-level chunks of two short texts."""
    a, b = tokens(old), tokens(new)
    chunks: list[Chunk] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            _append(chunks, "equal", "".join(a[i1:i2]))
            continue
        _append(chunks, "delete", "".join(a[i1:i2]))
        _append(chunks, "insert", "".join(b[j1:j2]))
    return chunks


def _append(chunks: list[Chunk], op: Op, text: str) -> None:
    """Add `text` as `op`, merging with the previous chunk of the same kind."""
    if not text:
        return
    if chunks and chunks[-1].op == op:
        chunks[-1] = Chunk(op, chunks[-1].text + text)
    else:
        chunks.append(Chunk(op, text))


def block_diff(old: Sequence[str], new: Sequence[str]) -> list[BlockRun]:
    """The blocks of two bodies as runs of equal and changed blocks, in order."""
    runs: list[BlockRun] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, list(old), list(new), autojunk=False).get_opcodes():
        runs.append(BlockRun("equal" if tag == "equal" else "changed", tuple(old[i1:i2]), tuple(new[j1:j2])))
    return runs


def blocks_changed(runs: Sequence[BlockRun]) -> bool:
    """True when any run of blocks changed."""
    return any(run.op == "changed" for run in runs)


def changed(chunks: Sequence[Chunk]) -> bool:
    """True when any chunk is an insertion or a deletion."""
    return any(chunk.op != "equal" for chunk in chunks)


def field_changes(old: dict[str, str], new: dict[str, str]) -> list[FieldChange]:
    """The fields (in the order of `new`, then those only in `old`) whose text differs."""
    result = []
    for name in [*new, *(n for n in old if n not in new)]:
        before, after = old.get(name, ""), new.get(name, "")
        if before != after:
            result.append(FieldChange(name, tuple(word_diff(before, after))))
    return result


def figure_changes(old: list[dict[str, str]], new: list[dict[str, str]],
                   key: tuple[str, ...]) -> list[FigureChange]:
    """Pair the figures of two versions by the columns in `key` (in order) and say what changed.

    A figure whose key changed (another place, say) shows as removed and added.
    """
    matcher = SequenceMatcher(None, [tuple(f[k] for k in key) for f in old],
                              [tuple(f[k] for k in key) for f in new], autojunk=False)
    result: list[FigureChange] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        pairs = list(zip(old[i1:i2], new[j1:j2])) if tag == "equal" else []
        for before, after in pairs:
            result.append(FigureChange("unchanged" if before == after else "changed", before, after))
        result += [FigureChange("removed", f, None) for f in old[i1 + len(pairs):i2]]
        result += [FigureChange("added", None, f) for f in new[j1 + len(pairs):j2]]
    return result


def escape(text: str) -> str:
    """HTML-escaped text with backticks escaped too (safe inside a fenced raw block)."""
    return html.escape(text).replace("`", "&#96;")


def chunks_html(chunks: Sequence[Chunk]) -> str:
    """Chunks as inline HTML: `<ins>` for new text, `<del>` for removed text."""
    parts = []
    for chunk in chunks:
        text = escape(chunk.text)
        parts.append(text if chunk.op == "equal" else f"<{chunk.op[:3]}>{text}</{chunk.op[:3]}>")
    return "".join(parts)


def text_html(chunks: Sequence[Chunk]) -> str:
    """A body's difference as a block that keeps the source's line breaks."""
    return f'<div class="diff-text" dir="auto">{chunks_html(chunks)}</div>'


def blocks_html(runs: Sequence[BlockRun]) -> str:
    """A body's difference: changed blocks word by word, each run of unchanged blocks folded in a `<details>`."""
    parts = [_folded(run.old) if run.op == "equal" else _changed_blocks(run) for run in runs]
    return f'<div class="diff-text" dir="auto">{"".join(parts)}</div>'


def _folded(blocks: Sequence[str]) -> str:
    """Unchanged blocks, closed by default, with their count as the summary."""
    count = f"{len(blocks)} unchanged paragraph{'s' if len(blocks) != 1 else ''}"
    inner = "".join(f"<p>{escape(block)}</p>" for block in blocks)
    return f'<details class="diff-unchanged"><summary>{count}</summary>{inner}</details>'


def _changed_blocks(run: BlockRun) -> str:
    """Changed blocks: paired one by one when their counts match, else compared as one text."""
    if len(run.old) == len(run.new):
        pairs = zip(run.old, run.new)
        return "".join(f'<p class="diff-changed">{chunks_html(word_diff(a, b))}</p>' for a, b in pairs)
    old, new = "\n\n".join(run.old), "\n\n".join(run.new)
    chunks = word_diff(old, new)
    kept = sum(len(c.text) for c in chunks if c.op == "equal")
    if 2 * kept >= max(len(old), len(new)):  # mostly the same words: one text, word by word
        return f'<p class="diff-changed">{chunks_html(chunks)}</p>'
    removed = "".join(f'<p class="diff-changed"><del>{escape(block)}</del></p>' for block in run.old)
    return removed + "".join(f'<p class="diff-changed"><ins>{escape(block)}</ins></p>' for block in run.new)


def fields_html(changes: Sequence[FieldChange]) -> str:
    """Changed fields as a definition list, each value with its insertions and deletions."""
    items = "".join(f"<dt>{escape(c.name)}</dt><dd dir=\"auto\">{chunks_html(c.chunks)}</dd>" for c in changes)
    return f'<dl class="diff-fields">{items}</dl>'


def figures_html(changes: Sequence[FigureChange], columns: Sequence[str]) -> str:
    """Figures as a table: one row per figure, changed cells with insertions and deletions."""
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in ("Change", *columns))
    rows = []
    for change in changes:
        cells = []
        for column in columns:
            before = change.old[column] if change.old else ""
            after = change.new[column] if change.new else ""
            cells.append(f"<td>{chunks_html(word_diff(before, after))}</td>")
        rows.append(f'<tr class="diff-{change.status}"><td>{change.status}</td>{"".join(cells)}</tr>')
    return (f'<div class="table-scroll" tabindex="0" role="region" aria-label="Changed figures">'
            f'<table class="diff-figures docutils"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')
