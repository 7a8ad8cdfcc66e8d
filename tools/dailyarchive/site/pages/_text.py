"""Small text helpers shared by every page kind: escaping, links, dates, figure values."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import html
import json
import re
import unicodedata
from typing import Any

import pandas as pd

_PUNCTUATION = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
QUALIFIER_WORDS = {"exact": "", "at least": "at least ", "more than": "more than ", "about": "about ",
                   "up to": "up to ", "vague": ""}


def present(value: Any) -> bool:
    """False for None, NaN, NaT and empty strings or tuples."""
    if value is None:
        return False
    kind = type(value)
    if kind is str or kind is tuple or kind is list:
        return len(value) > 0
    if kind is bool or kind is int:
        return True
    if kind is float:
        return value == value  # NaN is the one float unequal to itself
    try:
        return not bool(pd.isna(value))
    except (TypeError, ValueError):
        return True


def myst_escape(text: object) -> str:
    """Text that MyST renders literally: every ASCII punctuation mark backslash-escaped, one line."""
    if not present(text):
        return ""
    flat = " ".join(str(text).split())
    return _PUNCTUATION.sub(r"\\\1", flat)


def raw_escape(text: object) -> str:
    """Text for a raw HTML block: HTML-escaped, and backticks too, so no line can close the fence."""
    return html.escape("" if not present(text) else str(text)).replace("`", "&#96;")


def yaml_string(text: object) -> str:
    """A one-line quoted scalar for a directive's YAML option block (JSON strings are valid YAML)."""
    return json.dumps(" ".join(str(text).split()) if present(text) else "", ensure_ascii=False)


def link(text: object, target_docname: str) -> str:
    """A MyST link to a document of the project (docname without suffix), its text escaped."""
    return f"[{myst_escape(text)}](/{target_docname}.md)"


def day(value: Any) -> str:
    """`9 July 2019` from a date or timestamp; empty for a missing date."""
    if not present(value):
        return ""
    return _day(value if isinstance(value, dt.date) else pd.Timestamp(value))


@functools.lru_cache(maxsize=65536)
def _day(value: dt.date) -> str:
    """`9 July 2019` (cached: an archive has a few thousand distinct days)."""
    return f"{value.day} {value:%B %Y}"


def partial_date(text: str, precision: str) -> str:
    """An event date at its own precision: `9 July 2019`, `July 2019` or `2019`; an EDTF date says its
    qualifier: `July 2019 (approximate)`, `between 1 July 2019 and 9 July 2019 (some digits unknown)`."""
    if "X" in text or text[-1:] in ("~", "?", "%"):
        return _qualified_date(text, precision)
    if precision == "day":
        return day(dt.date.fromisoformat(text))
    if precision == "month":
        year, month = (int(part) for part in text.split("-"))
        return f"{dt.date(year, month, 1):%B %Y}"
    return text


def _qualified_date(text: str, precision: str) -> str:
    from ...model.edtfdates import read_edtf

    found = read_edtf(text)
    if found.start == found.end:
        words = day(found.start)
    elif "X" in text:
        words = f"between {day(found.start)} and {day(found.end)}"
    else:
        words = f"{found.start:%B %Y}" if precision == "month" else str(found.start.year)
    return f"{words} ({found.qualifier})"


def number(value: Any) -> str:
    """`2,100` for 2100.0; decimals kept when the value has them."""
    value = float(value)
    return f"{int(value):,}" if value.is_integer() else f"{value:,g}"


def figure_value(figure: dict[str, Any]) -> str:
    """A figure's value with its qualifier and bounds, in words: `at least 544`, `scores (vague)`."""
    if figure["qualifier"] == "vague":
        text = f"{figure['text']} (vague count)" if present(figure.get("text")) else "vague count"
    elif present(figure.get("value")):
        text = QUALIFIER_WORDS.get(figure["qualifier"], "") + number(figure["value"])
    else:
        text = ""
    bounds = []
    if present(figure.get("low")):
        bounds.append(f"low {number(figure['low'])}")
    if present(figure.get("high")):
        bounds.append(f"high {number(figure['high'])}")
    if bounds:
        text = f"{text} ({', '.join(bounds)})" if text else ", ".join(bounds)
    return text


def figure_period(figure: dict[str, Any]) -> str:
    """What the number covers in time: `since 26 April 2019, as of 9 July 2019`, `stock as of ...`."""
    kind, as_of = figure["kind"], day(figure.get("as_of"))
    if kind == "running-total":
        since = f"since {day(figure['since'])}, " if present(figure.get("since")) else ""
        return f"running total {since}as of {as_of}"
    if kind == "window":
        return f"between {day(figure.get('since'))} and {as_of}" if present(figure.get("since")) else f"window to {as_of}"
    if kind == "stock":
        return f"stock as of {as_of}"
    return f"increment, {as_of}"


def name_slugs(names: list[str]) -> dict[str, str]:
    """A URL slug for every name, unique within `names`: ASCII words, else a short digest."""
    first: dict[str, str] = {}
    for name in names:
        ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
        first[name] = _NOT_SLUG.sub("-", ascii_text).strip("-")
    counts: dict[str, int] = {}
    for slug in first.values():
        counts[slug] = counts.get(slug, 0) + 1
    return {name: slug if slug and counts[slug] == 1 else _digest_slug(slug, name) for name, slug in first.items()}


def _digest_slug(slug: str, name: str) -> str:
    """`<slug>-<6 hex>` (or the digest alone) for a name whose slug is empty or taken."""
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:6]
    return f"{slug}-{digest}" if slug else f"n-{digest}"


def page(lines: list[str], orphan: bool = False) -> str:
    """Join page lines; an orphan page carries front matter so Sphinx expects no toctree entry."""
    head = ["---", "orphan: true", "---", ""] if orphan else []
    return "\n".join(head + lines).rstrip("\n") + "\n"


def toctree(entries: list[str]) -> list[str]:
    """A hidden toctree of docnames (absolute), for the document hierarchy of HTML, PDF and EPUB."""
    if not entries:
        return []
    return ["```{toctree}", ":hidden:", ""] + [f"/{entry}" for entry in entries] + ["```", ""]
