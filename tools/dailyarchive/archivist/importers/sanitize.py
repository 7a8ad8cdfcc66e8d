"""Untrusted HTML → safe Markdown: nh3 keeps only the tags a bulletin needs, markdownify converts;
what was dropped (scripts, event handlers, frames, objects, images, unsafe links) is counted for the report."""

from __future__ import annotations

import re
from collections import Counter

import lxml.html
import nh3
from markdownify import markdownify

ALLOWED_TAGS = {"p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "em", "strong", "i",
                "b", "a", "table", "thead", "tbody", "tr", "th", "td", "code", "pre", "hr", "sup", "sub", "caption"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https", "mailto"}
#: Tags whose content goes too (not only the tag).
DROPPED_WITH_CONTENT = {"script", "style", "template", "noscript", "object", "embed", "iframe", "svg", "math",
                        "form", "select", "textarea", "button", "video", "audio", "canvas", "head", "title"}
#: What the report names when it counts what was dropped.
REPORTED = {"script": "script", "style": "style sheet", "iframe": "frame", "frame": "frame", "object": "embedded object",
            "embed": "embedded object", "applet": "embedded object", "img": "image", "picture": "image",
            "video": "video", "audio": "audio", "form": "form", "svg": "SVG drawing", "link": "linked resource",
            "base": "base URL"}
_STRUCTURED = re.compile(r"^(?:\s*[-*+] |\s*\d+\. |\||>|    |```)", re.MULTILINE)
_SAFE_URL = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)


def dropped_parts(html: str) -> Counter[str]:
    """What sanitising removes from `html`, counted by kind (for the import report)."""
    counts: Counter[str] = Counter()
    try:
        root = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return counts
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in REPORTED:
            counts[REPORTED[element.tag]] += 1
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                counts["event-handler attribute"] += 1
            elif name.lower() in ("href", "src", "action", "formaction") and element.tag not in REPORTED and (
                    not _SAFE_URL.match(value.strip())):
                counts["unsafe or relative link"] += 1
    return counts


def _keep_attribute(tag: str, name: str, value: str) -> str | None:
    """Links only to http, https and mailto: relative links would point at nothing in the archive."""
    if name == "href" and not _SAFE_URL.match(value.strip()):
        return None
    return value


def clean_html(html: str) -> str:
    """`html` with only the allowed tags, attributes and links (nh3, the Ammonia sanitiser)."""
    return nh3.clean(html, tags=ALLOWED_TAGS, clean_content_tags=DROPPED_WITH_CONTENT,
                     attributes=ALLOWED_ATTRIBUTES, attribute_filter=_keep_attribute, url_schemes=URL_SCHEMES,
                     link_rel=None, strip_comments=True)


def html_to_paragraphs(html: str) -> list[str]:
    """Sanitised Markdown blocks of an HTML fragment; every character that Markdown or MyST would
    read as markup is escaped, so the text shows as written."""
    markdown = markdownify(clean_html(html), heading_style="ATX", bullets="-", escape_misc=True,
                           escape_asterisks=True, escape_underscores=True)
    return [_joined(block.strip()) for block in re.split(r"\n\s*\n", markdown) if block.strip()]


def _joined(block: str) -> str:
    """A paragraph on one line (the page's line breaks mean nothing); lists, tables, quotes and code keep theirs;
    a top-level heading becomes a second-level one (the bulletin's title is the page's only first-level one)."""
    if block.startswith("# "):
        return "#" + " ".join(block.split())
    if _STRUCTURED.search(block):
        return block
    return " ".join(block.split())


def describe(counts: Counter[str]) -> str:
    """`2 scripts, 1 frame` for the report."""
    return ", ".join(f"{n} {kind}{'' if n == 1 else 's'}" for kind, n in sorted(counts.items()))
