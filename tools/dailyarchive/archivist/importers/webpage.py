"""HTML pages: the article found by trafilatura, sanitised, converted to Markdown; title and date from the page."""

from __future__ import annotations

import datetime as dt
import re
from html import escape
from pathlib import Path

import lxml.html
import trafilatura

from .infer import decode, plain
from .model import ImportedBulletin, ImportRefused, Reading
from .sanitize import describe, dropped_parts, html_to_paragraphs

SUFFIXES = (".html", ".htm")
#: An article has sentences: fewer words than this is a broken or empty page, not a bulletin.
MIN_WORDS = 8
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_:.-]+)""", re.IGNORECASE)


def read(path: Path, data: bytes, drafts: bool = False) -> Reading:
    """One bulletin from a web page; refused when no article can be found in it."""
    page, notes = _decoded(data)
    article = trafilatura.extract(page, output_format="html", include_links=True, include_formatting=True,
                                  include_tables=True, include_images=False, include_comments=False, favor_recall=True)
    if not article or len(lxml.html.fragment_fromstring(article, create_parent=True).text_content().split()) < MIN_WORDS:
        raise ImportRefused("no article found in the page (malformed or empty HTML): save the article's page "
                            "itself, or copy its text into a .txt file")
    bulletin = ImportedBulletin(path, notes=notes)
    metadata = trafilatura.extract_metadata(page)
    if metadata is not None and metadata.title:
        bulletin.title = " ".join(re.sub(r"<[^>]*>", "", metadata.title).split())
    if metadata is not None and metadata.date:
        try:
            bulletin.date, bulletin.date_from = dt.date.fromisoformat(metadata.date[:10]), "the page's metadata"
        except ValueError:
            pass
    dropped = dropped_parts(page)
    if dropped:
        bulletin.notes.append(f"dropped (untrusted HTML): {describe(dropped)}")
    bulletin.paragraphs = [p for p in html_to_paragraphs(article)
                           if not (p.startswith("#") and plain(p.lstrip("# ")) == bulletin.title)]
    bulletin.caption = _figure_caption(page)
    bulletin.paragraphs += _see_also_lines(page, bulletin.paragraphs)
    return Reading([bulletin])


def _see_also_lines(page: str, paragraphs: list[str]) -> list[str]:
    """"See also" paragraphs of the page that the extractor left out as related links."""
    try:
        elements = lxml.html.document_fromstring(page).xpath("//p | //li")
    except (ValueError, lxml.etree.ParserError):
        return []
    kept = {plain(p) for p in paragraphs}
    lines = [" ".join(e.text_content().split()) for e in elements]
    found = [line for line in lines if line.casefold().startswith("see also") and line not in kept]
    return html_to_paragraphs("".join(f"<p>{escape(line)}</p>" for line in dict.fromkeys(found))) if found else []


def _decoded(data: bytes) -> tuple[str, list[str]]:
    """The page's text: in the charset its <meta> declares when that is not UTF-8 and reads it, else as `decode`."""
    declared = _CHARSET.search(data[:4096])
    name = declared[1].decode("ascii").lower() if declared else "utf-8"
    if name.replace("-", "") not in ("utf8", "usascii", "ascii"):
        try:
            text = data.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
        else:
            return decode(text.encode("utf-8"))[0], [f"read as {name} (the charset the page declares)"]
    return decode(data)


def _figure_caption(page: str) -> str:
    """The text of the page's first <figcaption> (the photo caption), or ''."""
    try:
        captions = lxml.html.document_fromstring(page).xpath("//figcaption")
    except (ValueError, lxml.etree.ParserError):
        return ""
    return " ".join(captions[0].text_content().split()) if captions else ""
