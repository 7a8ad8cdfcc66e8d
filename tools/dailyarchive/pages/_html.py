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
from collections.abc import Iterable

from ._text import present

SUFFIX = ".html"


def esc(text: object) -> str:
    """Text for HTML (element content or a quoted attribute): escaped, backticks too, one line."""
    if not present(text):
        return ""
    return html.escape(" ".join(str(text).split())).replace("`", "&#96;")


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
    return f'<a href="{esc(url(f"{folder}/x" if folder else "x", target))}" dir="auto">{esc(text)}</a>'


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
