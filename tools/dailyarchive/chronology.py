"""Catalog → the chronology pages: every event of the latest versions in date order, grouped by month.

`chronology/index.md` holds the toll charts, a filter (place, actor, tag, words) and the
events themselves while the archive is small; past `max_events` the events move to one
page per year (`chronology/<year>.md`), and a crowded year to one page per month
(`chronology/<year>-<mm>.md`), so no page lists the whole archive. The events of a page
travel in its staged text as JSON, so the page is a function of its text alone.
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .catalog import Catalog
from .pages import docname, myst_escape
from .pages._text import name_slugs, partial_date, present

EVENTS_DIRECTIVE = "dailyarchive-events"
CHARTS_DIRECTIVE = "dailyarchive-charts"
PRECISION_ORDER = {"year": 0, "month": 1, "day": 2}


@dataclass(frozen=True)
class ChronologySettings:
    """How much one chronology page may hold."""

    #: The index lists every event up to this many; beyond, events go to year pages.
    max_events: int = 400


def chronology_pages(catalog: Catalog, settings: ChronologySettings | None = None) -> dict[str, str]:
    """`chronology/index.md` and, for a large archive, one page per year or month of events."""
    settings = settings or ChronologySettings()
    events = event_records(catalog)
    parts = split(events, settings.max_events) if len(events) > settings.max_events else {}
    pages = {f"chronology/{part}.md": part_page(part, part_events) for part, part_events in parts.items()}
    pages["chronology/index.md"] = index_page(events, parts)
    return pages


def event_records(catalog: Catalog) -> list[dict[str, Any]]:
    """The events of the latest versions as plain records for the page, in date order.

    Each record has the date in words at its precision, the month it is listed under,
    the place and actors with the docnames of their pages (None for names not in the
    gazetteer), the bulletin's title and page, and the filter tokens of the item.
    """
    events = catalog.latest("events")
    if events.empty:
        return []
    places, actors, tags = (_names(getattr(catalog, kind)) for kind in ("places", "actors", "tags"))
    parents = {name: parent for name, parent in zip(catalog.places.index, catalog.places["parent"]) if present(parent)}
    bulletins = catalog.bulletins.to_dict("index")
    ordered = events.assign(order=events["precision"].map(PRECISION_ORDER)).sort_values(
        ["start", "order", "bulletin_date", "bulletin_id", "event_index"], kind="stable")
    records = []
    for row in ordered.to_dict("records"):
        bulletin = bulletins[row["bulletin_id"]]
        place = row["place"] if present(row["place"]) else None
        tokens = [f"p-{places[p]}" for p in _with_parents(place, parents) if p in places]
        tokens += [f"a-{actors[a]}" for a in row["actors"] if a in actors]
        tokens += [f"t-{tags[t]}" for t in bulletin["tags"] if t in tags]
        records.append({
            "date": row["date_text"], "when": partial_date(row["date_text"], row["precision"]),
            "precision": row["precision"], "month": _month_key(row),
            "place": [place, f"places/{places[place]}/index" if place in places else None] if place else None,
            "actors": [[a, f"actors/{actors[a]}/index" if a in actors else None] for a in row["actors"]],
            "what": row["what"], "bulletin": [bulletin["title"], docname(bulletin["url"]), _day(bulletin["date"])],
            "bulletin_date": f"{bulletin['date']:%Y-%m-%d}", "tokens": sorted(set(tokens)),
            "filters": {"places": sorted({(p, places[p]) for p in _with_parents(place, parents) if p in places}),
                        "actors": sorted({(a, actors[a]) for a in row["actors"] if a in actors}),
                        "tags": sorted({(t, tags[t]) for t in bulletin["tags"] if t in tags})},
        })
    return records


def _day(value: pd.Timestamp) -> str:
    return f"{value.day} {value:%B %Y}"


def _names(gazetteer: pd.DataFrame) -> dict[str, str]:
    """Canonical name → slug of its page, by the rule the name pages use."""
    return name_slugs(sorted(set(gazetteer.index)))


def _with_parents(place: str | None, parents: dict[str, str]) -> list[str]:
    """A place and the places that enclose it (so a filter on a province keeps its towns' events)."""
    chain: list[str] = []
    while place and place not in chain:
        chain.append(place)
        place = parents.get(place)
    return chain


def _month_key(row: dict[str, Any]) -> str:
    """`2019-05` for an event known to the day or month; `2019` for one known only to the year."""
    start = pd.Timestamp(row["start"])
    return f"{start.year:04d}" if row["precision"] == "year" else f"{start.year:04d}-{start.month:02d}"


def split(events: list[dict[str, Any]], limit: int) -> dict[str, list[dict[str, Any]]]:
    """Events by page: `<year>`, or `<year>-<mm>` (and `<year>-00` for year-only dates) for a crowded year."""
    by_year: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        by_year.setdefault(event["month"][:4], []).append(event)
    parts: dict[str, list[dict[str, Any]]] = {}
    for year, in_year in by_year.items():
        if len(in_year) <= limit:
            parts[year] = in_year
            continue
        for event in in_year:
            month = event["month"][5:] or "00"
            parts.setdefault(f"{year}-{month}", []).append(event)
    return parts


def part_title(part: str) -> str:
    """`2019`, `May 2019`, or `2019 (dated to the year only)`."""
    if "-" not in part:
        return part
    year, month = part.split("-")
    return f"{year} (dated to the year only)" if month == "00" else f"{calendar.month_name[int(month)]} {year}"


def index_page(events: list[dict[str, Any]], parts: dict[str, list[dict[str, Any]]]) -> str:
    """The chronology's home: charts of the toll, then the events or the list of event pages."""
    lines = ["---", "orphan: true", "---", "", "# Chronology", ""]
    lines += ["Every dated event that the bulletins report, in date order. An event known only to the month "
              "or the year is listed at the start of it. Each event links to the bulletin that reports it; "
              "places and actors link to their pages. How the figures are counted: [Methods](/methods.md).", ""]
    lines += ["## The toll over time", "", f"```{{{CHARTS_DIRECTIVE}}} chronology", "```", ""]
    lines += ["## Events", ""]
    if not events:
        return "\n".join(lines + ["No events reported yet.", ""])
    if not parts:
        return "\n".join(lines + events_block(events) + [""])
    lines += ["```{toctree}", ":hidden:", ""] + [f"/chronology/{part}" for part in parts] + ["```", ""]
    lines += [f"- [{myst_escape(part_title(part))}](/chronology/{part}.md): {len(found)} events"
              for part, found in parts.items()]
    return "\n".join(lines + [""])


def part_page(part: str, events: list[dict[str, Any]]) -> str:
    """The events of one year (or month)."""
    first, last = events[0]["when"], events[-1]["when"]
    lines = [f"# Chronology: {myst_escape(part_title(part))}", "",
             f"[Chronology](/chronology/index.md) › {myst_escape(part_title(part))}: {len(events)} events "
             f"from {myst_escape(first)} to {myst_escape(last)}.", ""]
    return "\n".join(lines + events_block(events) + [""])


def events_block(events: list[dict[str, Any]]) -> list[str]:
    """The directive that lists `events`, with their records as JSON lines (one event a line)."""
    fence = "`" * max(3, _longest_backticks(events) + 1)
    body = [json.dumps(e, ensure_ascii=False, sort_keys=True, separators=(",", ":")) for e in events]
    return [f"{fence}{{{EVENTS_DIRECTIVE}}}", *body, fence]


def _longest_backticks(events: list[dict[str, Any]]) -> int:
    """The longest run of backticks in the records (a fence must be longer)."""
    text = json.dumps(events, ensure_ascii=False)
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return longest
