"""WordPress exports (WXR): each published post a bulletin; drafts, pages, attachments and other post
types are skipped with a reason; `[caption]` shortcodes become the caption; the XML is read with defusedxml."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from .infer import clean_text
from .model import ImportedBulletin, ImportRefused, Reading
from .sanitize import describe, dropped_parts, html_to_paragraphs

SUFFIXES = (".xml", ".wxr")
NS = {"wp": "http://wordpress.org/export/1.2/", "content": "http://purl.org/rss/1.0/modules/content/",
      "dc": "http://purl.org/dc/elements/1.1/", "excerpt": "http://wordpress.org/export/1.2/excerpt/"}
_CAPTION = re.compile(r"\[caption(?P<attributes>[^\]]*)\](?P<inner>.*?)\[/caption\]", re.DOTALL | re.IGNORECASE)
_CAPTION_ATTRIBUTE = re.compile(r"""caption\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_PAIRED_SHORTCODE = re.compile(r"\[(?P<name>[a-z_][a-z0-9_-]*)\b[^\]]*\].*?\[/(?P=name)\]", re.DOTALL | re.IGNORECASE)
_BARE_SHORTCODE = re.compile(r"\[(?:gallery|embed|audio|video|playlist)\b[^\]]*\]", re.IGNORECASE)
#: Categories WordPress gives every post that nobody filed: never proposed as tags.
DEFAULT_CATEGORIES = {"uncategorized", "uncategorised"}


def read(path: Path, data: bytes, drafts: bool = False) -> Reading:
    """Every published post of the export (and drafts with `drafts`); other items are listed as skipped."""
    try:
        channel = fromstring(data).find("channel")
    except DefusedXmlException as exc:
        raise ImportRefused(f"refused: the XML declares entities or a DTD ({type(exc).__name__}), as an XML bomb "
                            "does; export again from WordPress (Tools → Export)") from None
    except ParseError as exc:
        raise ImportRefused(f"not well-formed XML ({exc}): export again from WordPress (Tools → Export)") from None
    if channel is None or not (data[:4096].find(b"wordpress.org/export") >= 0):
        raise ImportRefused("not a WordPress export (no <channel> with the wp: namespace): "
                            "use Tools → Export in WordPress, or import the posts as .html or .txt files")
    reading = Reading()
    for number, item in enumerate(channel.findall("item"), start=1):
        kind, status = _text(item, "wp:post_type") or "post", _text(item, "wp:status") or "publish"
        label = f"item {number} ({kind} {_text(item, 'wp:post_id') or '?'}: {_text(item, 'title') or 'untitled'!r})"
        if kind != "post":
            what = {"page": "a page", "attachment": "an attachment"}.get(kind, f"a custom post type ({kind})")
            reading.skipped.append((label, f"skipped, {what}"))
        elif status == "draft" and not drafts:
            reading.skipped.append((label, "skipped, a draft (--drafts imports drafts)"))
        elif status not in ("publish", "draft"):
            reading.skipped.append((label, f"skipped, status {status!r} (only published posts are imported)"))
        else:
            reading.bulletins.append(_post(path, item, label))
    return reading


def _post(path: Path, item: Element, label: str) -> ImportedBulletin:
    """One post as a bulletin: title, date, caption, sanitised body, proposed tags."""
    title = html.unescape(re.sub(r"<[^>]*>", "", clean_text(_text(item, "title") or "")))
    bulletin = ImportedBulletin(path, item=label, title=" ".join(title.split()))
    posted = _text(item, "wp:post_date") or ""
    try:
        bulletin.date, bulletin.date_from = dt.date.fromisoformat(posted[:10]), "the post's date"
    except ValueError:
        pass  # drafts carry 0000-00-00: the caption or a dateline may still date them
    content = clean_text(_text(item, "content:encoded") or "")
    content, bulletin.caption = _take_caption(content)
    content, removed = _without_shortcodes(content)
    if removed:
        bulletin.notes.append(f"dropped {removed} WordPress shortcode(s) (galleries, embeds ...)")
    dropped = dropped_parts(content)
    if dropped:
        bulletin.notes.append(f"dropped (untrusted HTML): {describe(dropped)}")
    bulletin.paragraphs = html_to_paragraphs(_autop(content))
    bulletin.tags = _terms(item)
    return bulletin


def _text(item: Element, name: str) -> str | None:
    """The text of a child element (namespaced as `wp:post_type`)."""
    found = item.find(name, NS)
    return found.text.strip() if found is not None and found.text else None


def _take_caption(content: str) -> tuple[str, str]:
    """The content without its first [caption] shortcode, and the caption's words."""
    match = _CAPTION.search(content)
    if not match:
        return content, ""
    attribute = _CAPTION_ATTRIBUTE.search(match["attributes"])
    words = (attribute[1] or attribute[2]) if attribute else re.sub(r"<[^>]*>", " ", match["inner"])
    return content[: match.start()] + content[match.end():], " ".join(words.split())


def _without_shortcodes(content: str) -> tuple[str, int]:
    """The content without other shortcodes (their output exists only inside WordPress)."""
    content, paired = _PAIRED_SHORTCODE.subn("", content)
    content, bare = _BARE_SHORTCODE.subn("", content)
    return content, paired + bare


def _autop(content: str) -> str:
    """WordPress stores paragraphs as blank-line separated text (wpautop adds the <p> on display)."""
    if re.search(r"<p[\s>]", content, re.IGNORECASE):
        return content
    blocks = [block.strip().replace("\n", "<br>\n") for block in re.split(r"\n\s*\n", content) if block.strip()]
    return "".join(f"<p>{block}</p>\n" for block in blocks)


def _terms(item: Element) -> list[str]:
    """The post's categories and tags (proposed as tags), each once, WordPress's default category left out."""
    names = [" ".join((term.text or "").split()) for term in item.findall("category")
             if term.get("domain") in ("category", "post_tag")]
    return list(dict.fromkeys(n for n in names if n and n.casefold() not in DEFAULT_CATEGORIES))
