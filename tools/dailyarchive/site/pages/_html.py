"""Raw HTML parts of generated pages: escaped text, relative links, lists and fenced raw blocks.

Measured (400 pages, Sphinx 9, myst-parser 5.2): 40 Markdown links add about 44 ms to
a page, 40 plain list items about 20 ms, a 10-row table about 9 ms; the same 40 links
in one raw HTML block add nothing measurable. So the link-heavy parts of generated
pages (breadcrumbs, names, figures, events, sources, see-also, backlinks, versions,
listings) are raw HTML with relative URLs computed here, and only the title, the
body and a few directives go through MyST. Every piece of text is escaped with
`html.escape`, and backticks too, so no text can close the fence around the block.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Iterable

from ._text import present

SUFFIX = ".html"
#: Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan, Mandaic and the Arabic presentation forms.
_RTL_LETTERS = "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]"
RTL = re.compile(_RTL_LETTERS)
#: A run of right-to-left words (with the spaces between them).
RTL_RUN = re.compile(f"{_RTL_LETTERS}+(?:\\s+{_RTL_LETTERS}+)*")
#: The Arabic script (Arabic, its supplements and presentation forms): a run in it is marked `lang="ar"`.
ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\ufb50-\ufdff\ufe70-\ufefc]")


def esc(text: object) -> str:
    """Text for HTML (element content or a quoted attribute): escaped, backticks too, one line."""
    if not present(text):
        return ""
    return html.escape(" ".join(str(text).split())).replace("`", "&#96;")


def rtl_runs(text: str, escape: Callable[[str], str] = html.escape) -> str:
    """HTML of `text` (each piece escaped by `escape`) with each right-to-left run in `<span dir="auto">`
    and `lang="ar"` on a run in the Arabic script: it reads in its own direction, in the right font and
    voice, and cannot reorder the text around it."""
    if not RTL.search(text):
        return escape(text)
    parts, end = [], 0
    for match in RTL_RUN.finditer(text):
        run = match.group()
        lang = ' lang="ar"' if ARABIC.search(run) else ""
        parts += [escape(text[end:match.start()]), f'<span dir="auto"{lang}>{escape(run)}</span>']
        end = match.end()
    parts.append(escape(text[end:]))
    return "".join(parts)


def text_html(text: object) -> str:
    """Text as element content of a raw block: `esc` (one line, backticks escaped) with its right-to-left
    runs marked as `rtl_runs` does."""
    if not present(text):
        return ""
    return rtl_runs(" ".join(str(text).split()), lambda piece: html.escape(piece).replace("`", "&#96;"))


def url(here: str, target: str, fragment: str = "") -> str:
    """The URL of document `target` relative to document `here` (both docnames, `/`-separated, no `..`)."""
    folder, parts = here.split("/")[:-1], target.split("/")
    common = 0
    while common < len(folder) and common < len(parts) - 1 and folder[common] == parts[common]:
        common += 1
    path = "../" * (len(folder) - common) + "/".join(parts[common:]) + SUFFIX
    return path + (f"#{fragment}" if fragment else "")


def file_url(here: str, path: str) -> str:
    """The URL of a file of the site (`path` from the output root, suffix included) relative to document `here`."""
    return url(here, path)[: -len(SUFFIX)]


def feed_link(here: str, path: str, text: str) -> str:
    """A visible link to an Atom feed (`path` from the output root)."""
    return (f'<p class="feed"><a href="{esc(file_url(here, path))}" type="application/atom+xml">'
            f"{esc(text)}</a></p>")


def a(here: str, target: str, text: object) -> str:
    """A link from document `here` to document `target`, its text escaped (with `dir="auto"`).

    Cached by the folder of `here`: every bulletin page sits at the same depth, so the
    links to a place or a neighbour are the same strings on thousands of pages.
    """
    return _link(here.rpartition("/")[0], target, text if isinstance(text, str) else str(text))


@functools.lru_cache(maxsize=131072)
def _link(folder: str, target: str, text: str) -> str:
    """`a()` for a document in `folder`."""
    return f'<a href="{esc(url(f"{folder}/x" if folder else "x", target))}" dir="auto">{text_html(text)}</a>'


def ul(items: Iterable[str], css: str = "") -> str:
    """A list of HTML items (already escaped); empty when there are none."""
    rows = "".join(f"<li>{item}</li>" for item in items)
    return f'<ul{f" class={chr(34)}{css}{chr(34)}" if css else ""}>{rows}</ul>' if rows else ""


def section(heading: str, content: str, ident: str, css: str = "") -> str:
    """A `<section>` with an `<h2>` (the heading is escaped); empty when there is no content."""
    if not content:
        return ""
    classes = f' class="{css}"' if css else ""
    return f'<section id="{ident}"{classes}><h2>{esc(heading)}</h2>{content}</section>'


def raw(*parts: str) -> list[str]:
    """The non-empty parts as one raw HTML block of a MyST page (nothing when all are empty)."""
    body = "\n".join(part for part in parts if part)
    return ["```{raw} html", body, "```", ""] if body else []
