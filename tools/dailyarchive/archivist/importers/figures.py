"""Suggested figures: qualifier + number + what was counted, read from each sentence of a bulletin.

Every suggestion keeps its sentence; it is written with `review: pending`, so nothing is charted until
the archivist has checked it. Numbers written as words ("Thirty") are read with text2num."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from text_to_num import alpha2digit

from .infer import MONTHS, _MONTH, sentences

QUALIFIERS = {"at least": "at least", "more than": "more than", "over": "more than", "upwards of": "more than",
              "about": "about", "around": "about", "some": "about", "nearly": "about", "almost": "about",
              "approximately": "about", "roughly": "about", "an estimated": "about", "up to": "up to",
              "as many as": "up to"}
VAGUE = ("scores", "dozens", "hundreds", "thousands", "several", "many")
_QUALIFIER = "|".join(sorted(QUALIFIERS, key=len, reverse=True))
MENTION = re.compile(
    rf"(?:(?P<qualifier>{_QUALIFIER})\s+)?(?:(?P<number>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)|(?P<vague>{'|'.join(VAGUE)})(?:\s+of)?)(?=\s)", re.IGNORECASE)
#: (pattern, measure): the first that matches the words after a number says what it counts.
MEASURES = [
    (r"(?:medical|health) facilities|hospitals|clinics", "facilities-attacked"),
    (r"(?:rescuers|civil defen[cs]e (?:workers|volunteers))\b.*?\b(?:killed|dead|died)", "rescuers-killed"),
    (r"positions\b.*?\b(?:captured|taken|seized)", "positions-captured"),
    (r"(?:armou?red )?vehicles\b.*?\bdestroyed", "vehicles-destroyed"),
    (r"(?:armou?red )?vehicles\b.*?\b(?:seized|captured)", "vehicles-seized"),
    (r"air ?strikes|air raids", "airstrikes"),
    (r"casualties", "casualties"),
    (r"killed|dead|died|deaths|lost their lives", "killed"),
    (r"injured|wounded|hurt", "injured"),
    (r"displaced|fled|have left their homes", "displaced"),
    (r"detained|arrested", "detained"),
    (r"living|inhabitants|population", "population"),
]
GROUPS = [(r"children", "children"), (r"women", "women"), (r"civilians", "civilians"),
          (r"regime (?:soldiers|troops|forces|casualties|fighters)|soldiers", "regime-forces"),
          (r"fighters|combatants|militants|troops", "combatants"), (r"rescuers|civil defen[cs]e", "rescuers"),
          (r"medical facilities|health facilities|hospitals|clinics", "medical-facilities")]
STOCKS = {"displaced", "population"}
SUBGROUP = re.compile(r"(?:including|of whom|among them|among whom)\s*$", re.IGNORECASE)
SINCE = re.compile(rf"\bsince\s+(?:(?P<part>early|mid|late)[\s-]+)?{_MONTH}(?:\s+(?P<day>\d{{1,2}}))?"
                   r"(?:,?\s+(?P<year>\d{4}))?", re.IGNORECASE)
#: Where "since early / mid / late April" starts: the first day of the month's first, second or last third.
PART_DAY = {"early": 1, "mid": 11, "late": 21}
_SCALED = re.compile(r"\b(\d+(?:\.\d+)?)\s+(million|thousand)\b", re.IGNORECASE)
NOT_COUNTS = re.compile(r"^\s*(?:%|per ?cent|km|kilomet|miles|metres|years?\b|days?\b|hours?\b|weeks?\b|months?\b)",
                        re.IGNORECASE)


@dataclass
class Suggestion:
    """One suggested figure (front-matter fields) with the sentence it came from and a note for the archivist."""

    figure: dict[str, Any]
    sentence: str
    note: str = ""


def suggest_figures(paragraphs: list[str], bulletin_date: dt.date, places: dict[str, str]) -> list[Suggestion]:
    """Figures in the sentences of `paragraphs` (plain text); `places` maps names and aliases (lower
    case) to canonical place names, so a place named in the sentence is proposed with the figure."""
    found: list[Suggestion] = []
    ids: set[str] = set()
    for paragraph in paragraphs:
        for sentence in sentences(paragraph):
            found += _in_sentence(sentence, bulletin_date, places, ids)
    return found


def _in_sentence(sentence: str, bulletin_date: dt.date, places: dict[str, str], ids: set[str]) -> list[Suggestion]:
    """The figures of one sentence; a subgroup ("including 130 children") names its parent."""
    text = alpha2digit(_SCALED.sub(_scaled, sentence), "en")
    since, since_note = _since(text, bulletin_date)
    place = _place(sentence, places)
    mentions = [m for m in MENTION.finditer(text) if not _is_date_or_unit(text, m)]
    made: list[tuple[int, Suggestion]] = []
    for index, mention in enumerate(mentions):
        window = _window(text, mentions, index)
        measure = next((name for pattern, name in MEASURES if re.search(rf"\b(?:{pattern})\b", window, re.I)), None)
        if measure is None and made and SUBGROUP.search(text[: mention.start()]):
            measure = made[-1][1].figure["measure"]  # "killed ..., including 250 children": the parent's measure
        if measure is None:
            continue
        figure: dict[str, Any] = {"measure": measure, "group": _group(window, measure)}
        figure |= _number(mention)
        figure["kind"] = "running-total" if since else ("stock" if measure in STOCKS else "increment")
        if since:
            figure["since"] = since.isoformat()
        if place:
            figure["place"] = place
        parent = _parent(text, mention, made, measure)
        if parent is not None:
            parent.figure.setdefault("id", _new_id(parent.figure, ids))
            figure["parent"] = parent.figure["id"]
        figure["review"] = "pending"
        suggestion = Suggestion(figure, sentence, since_note)
        made.append((mention.start(), suggestion))
    return [s for _, s in made]


def _scaled(match: re.Match[str]) -> str:
    """`3 million` as `3,000,000` (text2num would read the word alone)."""
    factor = 1_000_000 if match[2].lower() == "million" else 1_000
    return f"{round(float(match[1]) * factor):,}"


def _window(text: str, mentions: list[re.Match[str]], index: int) -> str:
    """The words after a number up to the next number (past a subgroup: "544 civilians, including 130
    children, have been killed" gives 544 the verb too)."""
    end = len(text)
    for following in mentions[index + 1:]:
        if not SUBGROUP.search(text[: following.start()]):
            end = following.start()
            break
    return text[mentions[index].end(): end]


def _number(mention: re.Match[str]) -> dict[str, Any]:
    """`value` and `qualifier` (or `text` for a vague word) of a mention."""
    if mention["vague"]:
        return {"qualifier": "vague", "text": mention["vague"].lower()}
    value = float(mention["number"].replace(",", ""))
    qualifier = QUALIFIERS.get((mention["qualifier"] or "").lower(), "exact")
    return {"value": int(value) if value.is_integer() else value, "qualifier": qualifier}


def _group(window: str, measure: str) -> str:
    """Who was counted: the first group word after the number, else the measure's own group, else all."""
    head = " ".join(window.split()[:6])
    hits = [(m.start(), group) for pattern, group in GROUPS
            if (m := re.search(rf"\b(?:{pattern})\b", head, re.IGNORECASE))]
    if hits:
        return min(hits)[1]
    return {"facilities-attacked": "medical-facilities", "rescuers-killed": "rescuers"}.get(measure, "all")


def _is_date_or_unit(text: str, mention: re.Match[str]) -> bool:
    """A day or year of a date, or a number of kilometres, days, per cent ...: not a count."""
    if mention["vague"]:
        return False
    before = text[max(0, mention.start() - 12): mention.start()]
    number = mention["number"]
    if re.search(rf"\b{_MONTH}\s*$", before, re.IGNORECASE):
        return True
    if re.fullmatch(r"(?:19|20)\d\d", number) and not mention["qualifier"]:
        return True
    return bool(NOT_COUNTS.match(text[mention.end():]))


def _since(text: str, bulletin_date: dt.date) -> tuple[dt.date | None, str]:
    """The baseline of "since late April" in the sentence, and a note on how it was read."""
    match = SINCE.search(text)
    if not match:
        return None, ""
    month = MONTHS[match["month"].casefold()]
    day = int(match["day"]) if match["day"] else PART_DAY.get((match["part"] or "").lower(), 1)
    year = int(match["year"]) if match["year"] else bulletin_date.year
    try:
        since = dt.date(year, month, day)
        if not match["year"] and since > bulletin_date:
            since = since.replace(year=year - 1)
    except ValueError:
        return None, ""
    note = "" if match["day"] else f"since: {match[0][6:].rstrip('.')!r} read as {since}: check it"
    return since, note


def _place(sentence: str, places: dict[str, str]) -> str | None:
    """The canonical name of the longest gazetteer name or alias in the sentence."""
    lowered = sentence.casefold()
    hits = [name for name in places if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", lowered)]
    return places[max(hits, key=len)] if hits else None


def _parent(text: str, mention: re.Match[str], made: list[tuple[int, Suggestion]], measure: str) -> Suggestion | None:
    """The figure a subgroup belongs to: the previous one of the sentence, when "including" comes between."""
    if not made or not SUBGROUP.search(text[: mention.start()]):
        return None
    parent = made[-1][1]
    return parent if parent.figure["measure"] == measure else None


def _new_id(figure: dict[str, Any], ids: set[str]) -> str:
    """A figure id not used yet in this bulletin (`killed-civilians`, `killed-civilians-2`)."""
    base = f"{figure['measure']}-{figure['group']}"
    name, n = base, 1
    while name in ids:
        n += 1
        name = f"{base}-{n}"
    ids.add(name)
    return name
