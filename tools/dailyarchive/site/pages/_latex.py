"""The PDF's copy of a bulletin's raw HTML parts: the same facts as a raw LaTeX block.

Raw HTML is dropped by the LaTeX builder, so a bulletin page carries this block
too; a raw block costs nothing measurable in the HTML build (see `_html`).
Every text goes through `tex`: LaTeX specials escaped, Arabic runs set right to
left in the Arabic font the PDF's preamble defines (`ARABIC_COMMAND`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from sphinx.util import texescape

from ._text import present

texescape.init()
#: The command (defined by the PDF's preamble) that sets a run of Arabic in its font, right to left.
ARABIC_COMMAND = "dailyarabic"
_ARABIC = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_ARABIC_RUN = re.compile(f"[{_ARABIC}]+(?:[ \u00a0]+[{_ARABIC}]+)*")
_SAFE_LABEL = re.compile(r"[^A-Za-z0-9/._-]")
#: A word this long (a URL, a run of letters) may break every `_CHUNK` characters, or it runs off the page.
_LONG_WORD = re.compile(r"\S{40,}")
_CHUNK = 20


def arabic_runs(latex: str) -> str:
    """Escaped LaTeX with every run of Arabic words wrapped in `\\dailyarabic{...}`."""
    return _ARABIC_RUN.sub(lambda m: f"\\{ARABIC_COMMAND}{{{m.group()}}}", latex)


def escape_breakable(text: str, escape: Callable[[str], str]) -> str:
    """`escape(text)` with a break allowed every few characters of each very long word, and Arabic marked."""
    parts, position = [], 0
    for match in _LONG_WORD.finditer(text):
        word = match.group()
        parts.append(escape(text[position:match.start()]))
        parts.append("\\allowbreak{}".join(escape(word[i:i + _CHUNK]) for i in range(0, len(word), _CHUNK)))
        position = match.end()
    parts.append(escape(text[position:]))
    return arabic_runs("".join(parts))


def tex(text: object) -> str:
    """Text for LaTeX: special characters escaped, one line, long words breakable, Arabic marked."""
    return escape_breakable(" ".join(str(text).split()), texescape.escape) if present(text) else ""


def items(heading: str, entries: Iterable[str]) -> str:
    """`\\paragraph{heading}` and an itemize of already escaped entries; empty when there are none."""
    rows = "".join(f"\\item {entry}\n" for entry in entries)
    return f"\\paragraph{{{tex(heading)}}}\n\\begin{{itemize}}\n{rows}\\end{{itemize}}\n" if rows else ""


def table(heading: str, columns: Sequence[tuple[str, float]], rows: Iterable[Sequence[str]]) -> str:
    """`\\paragraph{heading}` and a long table of already escaped cells; `columns` are (title, share of the line)."""
    body = "".join(" & ".join(row) + " \\\\\n" for row in rows)
    if not body:
        return ""
    spec = "".join(f">{{\\raggedright\\arraybackslash}}p{{{share:.2f}\\linewidth}}" for _, share in columns)
    head = " & ".join(f"\\textbf{{{tex(title)}}}" for title, _ in columns)
    return (f"\\paragraph{{{tex(heading)}}}\n{{\\small\\setlength{{\\tabcolsep}}{{3pt}}\n"
            f"\\begin{{longtable}}{{{spec}}}\n\\hline\n{head} \\\\\n\\hline\n\\endhead\n{body}\\hline\n"
            f"\\end{{longtable}}}}\n")


def internal_link(docname: str, text: str) -> str:
    """A link inside the PDF to the document `docname` (Sphinx labels each document `<docname>::doc`)."""
    return f"\\hyperref[\\detokenize{{{_SAFE_LABEL.sub('', docname)}::doc}}]{{{text}}}"


def raw(*parts: str) -> list[str]:
    """The non-empty parts as one raw LaTeX block of a MyST page (nothing when all are empty)."""
    body = "".join(part for part in parts if part)
    return ["```{raw} latex", body.rstrip("\n"), "```", ""] if body else []
