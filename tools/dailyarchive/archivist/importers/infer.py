"""Inference shared by every reader: decoding, dates, captions, titles, see-also lines, paragraphs."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from pathlib import Path

from .model import ImportedBulletin, ImportRefused, SeeAlso

MONTHS = {name.casefold(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.casefold(): number for number, name in enumerate(calendar.month_abbr) if name} | {"sept": 9}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
#: "July 9, 2019" or "9 July 2019" or "2019-07-09".
DATE = re.compile(rf"(?:{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})"
                  rf"|(?P<day2>\d{{1,2}})\s+(?P<month2>[a-z]+)\.?,?\s+(?P<year2>\d{{4}})"
                  r"|(?P<iso>\d{4}-\d{2}-\d{2}))", re.IGNORECASE)
CAPTION_DATE = re.compile(rf"^(?P<caption>.+?)[\s,;.–—-]+(?P<date>{DATE.pattern})\.?$", re.IGNORECASE | re.DOTALL)
NAME_DATE = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})-?(?P<month>\d{2})-?(?P<day>\d{2})(?!\d)")
SEE_ALSO = re.compile(rf"^see also:?\s+(?:(?P<series>[^,:]+?),\s+)?{_MONTH}\s+(?P<day>\d{{1,2}})(?:,?\s+(?P<year>\d{{4}}))?"
                      r"\s*[:—–-]\s*(?P<headline>.+)$", re.IGNORECASE)
#: "IDLIB, July 9, 2019 —" or "July 9, 2019:" at the start of a paragraph.
DATELINE_END = 80
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>&$~|^=\"'])")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“])")
TITLE_MAX = 200


def decode(data: bytes) -> tuple[str, list[str]]:
    """The text of an input and notes: UTF-8, or Windows-1252 for a legacy file without UTF-8;
    a file mixing the two is refused (part of it would be garbled)."""
    notes: list[str] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        if _UTF8_SEQUENCE.search(data[: exc.start]) or _UTF8_SEQUENCE.search(data[exc.end:]):
            raise ImportRefused(f"line {line}: mixed encodings (UTF-8 and byte {data[exc.start]:#04x} at byte "
                                f"{exc.start}, which is not): save the file as UTF-8 and import it again") from None
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportRefused(f"line {line}: neither UTF-8 nor Windows-1252: save the file as UTF-8") from None
        notes.append("read as Windows-1252 (not UTF-8): check accented letters")
    cleaned = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if cleaned != text.replace("\r\n", "\n").replace("\r", "\n"):
        notes.append("dropped control characters and bidi overrides")
    return cleaned, notes


def clean_text(text: str) -> str:
    """Text of an input without control characters and bidi overrides (they never reach the archive)."""
    return _CONTROL.sub("", text)


def parse_date(match: re.Match[str]) -> dt.date | None:
    """The date of a DATE match, or None when it is not a calendar day."""
    try:
        if match["iso"]:
            return dt.date.fromisoformat(match["iso"])
        if match["month"]:
            return dt.date(int(match["year"]), MONTHS[match["month"].casefold()], int(match["day"]))
        month = MONTHS.get(match["month2"].casefold())
        return dt.date(int(match["year2"]), month, int(match["day2"])) if month else None
    except ValueError:
        return None


def date_in_name(path: Path) -> dt.date | None:
    """A date in the file name (`2019-07-09-latakia.txt`, `20190709.html`)."""
    match = NAME_DATE.search(path.stem)
    if not match:
        return None
    try:
        return dt.date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        return None


def plain(markdown: str) -> str:
    """The words of a Markdown paragraph: escapes and emphasis marks removed, spaces joined."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"(?<!\\)(\*\*|__|\*|_)", "", text)
    return " ".join(_ESCAPE.sub(r"\1", text).split())


def caption_with_date(paragraph: str) -> tuple[str, dt.date] | None:
    """(caption, date) of a paragraph that is one photo caption ending with a date."""
    text = plain(paragraph)
    if len(text) > 400 or "\n" in paragraph.strip():
        return None
    match = CAPTION_DATE.match(text)
    if not match:
        return None
    date = parse_date(DATE.search(match["date"]))  # type: ignore[arg-type]
    return (match["caption"].strip(), date) if date else None


def dateline(paragraph: str) -> dt.date | None:
    """The date of a dateline at the start of a paragraph ("IDLIB, July 9, 2019 — ...")."""
    match = DATE.search(plain(paragraph)[:DATELINE_END])
    return parse_date(match) if match else None


def see_also_of(paragraph: str, bulletin_date: dt.date | None) -> SeeAlso | None:
    """A "See also Series, July 5: headline" line, dated in the bulletin's year (the year before when
    that date would fall after the bulletin)."""
    text = plain(paragraph)
    match = SEE_ALSO.match(text)
    if not match or bulletin_date is None:
        return None
    year = int(match["year"]) if match["year"] else bulletin_date.year
    try:
        date = dt.date(year, MONTHS[match["month"].casefold()], int(match["day"]))
        if not match["year"] and date > bulletin_date:
            date = date.replace(year=year - 1)
    except ValueError:
        return None
    return SeeAlso(paragraph, (match["series"] or "").strip(), date, match["headline"].strip())


def first_sentence(text: str) -> str:
    """The first sentence of a text (for a title when there is no headline)."""
    sentence = _SENTENCE_END.split(plain(text), maxsplit=1)[0].rstrip(".")
    return sentence if len(sentence) <= TITLE_MAX else sentence[: TITLE_MAX - 1].rsplit(" ", 1)[0] + "…"


def sentences(text: str) -> list[str]:
    """The sentences of a plain text."""
    return [s for s in _SENTENCE_END.split(" ".join(text.split())) if s]


def complete(bulletin: ImportedBulletin, name_date: dt.date | None) -> ImportedBulletin:
    """Fill what the reader left open, from the paragraphs: caption and date (a dated caption or a
    dateline), see-also lines (taken out of the body), the title (first sentence, with a warning)."""
    if bulletin.date is None and name_date is not None:
        bulletin.date, bulletin.date_from = name_date, "the file name"
    given = caption_with_date(bulletin.caption) if bulletin.caption else None
    if given is not None:
        bulletin.caption = given[0]
        if bulletin.date is None:
            bulletin.date, bulletin.date_from = given[1], "the photo caption"
    kept: list[str] = []
    for index, paragraph in enumerate(bulletin.paragraphs):
        dated = caption_with_date(paragraph) if index < 3 and not bulletin.caption else None
        if dated is not None:
            bulletin.caption = dated[0]
            if bulletin.date is None:
                bulletin.date, bulletin.date_from = dated[1], "the photo caption"
            elif dated[1] != bulletin.date:
                bulletin.warnings.append(f"the caption is dated {dated[1]}, the bulletin {bulletin.date} "
                                         f"(from {bulletin.date_from}): check the date")
            continue
        kept.append(paragraph)
    if bulletin.date is None and kept:
        found = dateline(kept[0])
        if found:
            bulletin.date, bulletin.date_from = found, "the dateline"
    body: list[str] = []
    for paragraph in kept:
        link = see_also_of(paragraph, bulletin.date)
        if link is not None:
            bulletin.see_also.append(link)
        else:
            body.append(paragraph)
    bulletin.paragraphs = body
    if not bulletin.title and body:
        bulletin.title = first_sentence(body[0])
        bulletin.warnings.append("no headline found: the title is the first sentence; shorten it if needed")
    if not bulletin.caption:
        bulletin.warnings.append("no photo caption found: `caption` left empty")
    if bulletin.date is None and not bulletin.refusal:
        bulletin.refusal = ("no date found (not in the metadata, the file name, a dated photo caption or a dateline): "
                            "start the file name with the date, e.g. 2019-07-09-latakia.txt")
    elif not bulletin.title and not bulletin.refusal:
        bulletin.refusal = "no text to import: the input has no headline and no paragraph"
    return bulletin
