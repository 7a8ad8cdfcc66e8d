"""A bulletin body as the text a reader sees, block by block: what "What changed" pages compare.

The body is tokenised with myst-parser's markdown-it set-up and the docs project's options
(`safebody.MYST_EXTENSIONS`, `safebody.MYST_DISABLED`), so emphasis marks, escapes, link targets,
directive options and fences are gone, lines wrapped in the source are joined, and a hard line
break stays a line break. Each paragraph, heading, list item, table row, footnote and code block
is one block. The text is never rendered as HTML here: it is plain text for the diff to escape.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from ..model.safebody import MYST_DISABLED, MYST_EXTENSIONS

#: Directives whose argument is not text a reader sees (a file name).
_ARGUMENT_HIDDEN = frozenset({"image", "figure"})
_OPTION = re.compile(r"\s*:[\w-]+:.*")
_DEPTH_LIMIT = 20


@functools.cache
def _parser() -> MarkdownIt:
    """MyST's markdown-it with the docs project's options."""
    config = MdParserConfig(enable_extensions=set(MYST_EXTENSIONS), disable_syntax=list(MYST_DISABLED))
    return create_md_parser(config, RendererHTML)


def reading_blocks(body: str) -> list[str]:
    """The blocks of text a reader sees in `body`, in order (empty blocks left out)."""
    return [block for block in _blocks("\n" + body, 0) if block.strip()]


def _blocks(text: str, depth: int) -> list[str]:
    """Blocks of a piece of MyST (a body, or the content of a directive)."""
    blocks: list[str] = []
    prefixes: list[str] = []
    row: list[str] | None = None
    lead = ""
    for token in _parser().parse(text, {}):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            prefixes.append("• " if kind == "bullet_list_open" else "")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            prefixes.pop()
        elif kind == "list_item_open" and prefixes:
            prefixes[-1] = "• " if prefixes[-1] == "• " or not token.info else f"{token.info}{token.markup} "
            lead = prefixes[-1]
        elif kind == "footnote_reference_open":
            lead = f"[{token.meta.get('label', '')}] "
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            blocks.append(" | ".join(row))
            row = None
        elif kind == "inline":
            line = inline_text(token.children or [])
            if row is not None:
                row.append(line)
            else:
                blocks.append(lead + line)
                lead = ""
        elif kind in ("fence", "colon_fence"):
            blocks += _fence(token, depth)
        elif kind == "code_block":
            blocks.append(token.content.rstrip("\n"))
    return blocks


def _fence(token: Token, depth: int) -> list[str]:
    """A directive's title and content as blocks, or a code fence's lines as one block."""
    info = token.info.strip()
    if not info.startswith("{") or "}" not in info or depth >= _DEPTH_LIMIT:
        return [token.content.rstrip("\n")]
    name, _, argument = info[1:].partition("}")
    blocks = [" ".join(argument.split())] if argument.strip() and name.strip() not in _ARGUMENT_HIDDEN else []
    return blocks + _blocks(_without_options(token.content), depth + 1)


def _without_options(content: str) -> str:
    """A directive's content without its leading `:option:` lines or `---` options block."""
    lines = content.splitlines()
    if lines and lines[0].strip() == "---" and "---" in (line.strip() for line in lines[1:]):
        end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == "---")
        lines = lines[end + 1:]
    while lines and _OPTION.fullmatch(lines[0]):
        lines = lines[1:]
    return "\n".join(lines)


def inline_text(children: Sequence[Token]) -> str:
    """What an inline run reads as: marks dropped, soft breaks joined, hard breaks kept as `\\n`."""
    parts: list[str] = []
    for child in children:
        if child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "footnote_ref":
            parts.append(f"[{child.meta.get('label', '')}]")
        elif child.type == "image":
            parts.append(inline_text(child.children or []))
        elif child.type in ("text", "text_special", "code_inline", "myst_role", "math_inline"):
            parts.append(child.content)
    return "\n".join(" ".join(line.split()) for line in "".join(parts).split("\n"))
