"""Catalog → the chronology pages: every event of the latest versions in date order, grouped by month.

`chronology/index.md` holds the toll charts, a filter (place, actor, tag, words) and the
events themselves while the archive is small; past `max_events` the events move to one
page per year (`chronology/<year>.md`), and a crowded year to one page per month
(`chronology/<year>-<mm>.md`), so no page lists the whole archive. The events of a page
travel in its staged text as JSON, so the page is a function of its text alone.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..addresses import CHARTS_DIRECTIVE, TIMELINE_DIRECTIVE
from ..catalog.catalog import Catalog
from ..model.memo import sorted_json
from .pages import docname, myst_escape
from .pages._text import name_slugs, partial_date, present

EVENTS_DIRECTIVE = "dailyarchive-events"
PRECISION_ORDER = {"year": 0, "month": 1, "day": 2}


@dataclass(frozen=True)
class ChronologySettings:
    """How much one chronology page may hold."""

    #: The index lists every event up to this many; beyond, events go to year pages.
    max_events: int = 300


def chronology_pages(catalog: Catalog, settings: ChronologySettings | None = None,
                     records: list[dict[str, Any]] | None = None) -> dict[str, str]:
    """`chronology/index.md` and, for a large archive, one page per year or month of events
    (`records`: the `event_records` of `catalog`, when the caller has them)."""
    settings = settings or ChronologySettings()
    events = event_records(catalog) if records is None else records
    parts = split(events, settings.max_events) if len(events) > settings.max_events else {}
    pages = {f"chronology/{part}.md": part_page(part, part_events) for part, part_events in parts.items()}
    pages["chronology/index.md"] = index_page(events, parts)
    return pages


def event_records(catalog: Catalog, events: pd.DataFrame | None = None) -> list[dict[str, Any]]:
    """The events of the latest versions (or `events`, some of them) as plain records for the page, in date order
    (`event_order`).

    Each record has the date in words at its precision (`when`), the month it is listed
    under, the place and actors with the docnames of their pages (None for names not in
    the gazetteer), the bulletin's title, page and date, and the (name, slug) pairs it is
    filtered by: its place and the places around it, its actors, its bulletin's tags.
    """
    events = catalog.latest("events") if events is None else events
    if events.empty:
        return []
    places, actors, tags = (_names(getattr(catalog, kind)) for kind in ("places", "actors", "tags"))
    parents = {name: parent for name, parent in zip(catalog.places.index, catalog.places["parent"]) if present(parent)}
    bulletins = _bulletin_cells(catalog, tags)
    keys = event_order(events)
    ordered = events.iloc[sorted(range(len(keys)), key=keys.__getitem__)]
    start = ordered["start"]
    days = start.dt.day.astype(str) + start.dt.strftime(" %B %Y")
    when = np.select([ordered["precision"].eq("day"), ordered["precision"].eq("month")],
                     [days, start.dt.strftime("%B %Y")], start.dt.strftime("%Y"))
    when = [partial_date(text, precision) if qualifier else words for words, text, precision, qualifier
            in zip(when, ordered["date_text"], ordered["precision"], ordered["date_qualifier"])]
    month = np.where(ordered["precision"].eq("year"), start.dt.strftime("%Y"), start.dt.strftime("%Y-%m"))
    records = []
    series_names = dict(zip(catalog.series["slug"], catalog.series["name"]))
    spans = zip(ordered["start"].dt.strftime("%Y%m%d"), ordered["end"].dt.strftime("%Y%m%d"))
    columns = zip(ordered["bulletin_id"], ordered["place"], ordered["actors"], ordered["what"], when, month, spans)
    for bulletin_id, place, names, what, words, listed, span in columns:
        series = bulletin_id.split("/", 1)[0]
        title, page, date, tagged = bulletins[bulletin_id]
        place = place if present(place) else None
        around = [p for p in _with_parents(place, parents) if p in places]
        records.append({
            "when": str(words), "month": str(listed), "what": what,
            "place": [place, f"places/{places[place]}/index" if place in places else None] if place else None,
            "actors": [[a, f"actors/{actors[a]}/index" if a in actors else None] for a in names],
            "bulletin": [title, page, date],
            "filters": {"places": sorted({(p, places[p]) for p in around}),
                        "actors": sorted({(a, actors[a]) for a in names if a in actors}), "tags": tagged,
                        "series": [(str(series_names.get(series, series)), series)]},
            "span": list(span),
        })
    return records


def event_order(events: pd.DataFrame) -> list[tuple[str, int, str, str, int]]:
    """The key each event is listed by: its first day, its precision (a year, a month, then a day), the date
    of its bulletin, the bulletin and its place in it (an unknown day or precision last)."""
    starts = events["start"].dt.strftime("%Y-%m-%d").fillna("9999-99-99")
    days = events["bulletin_date"].dt.strftime("%Y-%m-%d").fillna("9999-99-99")
    orders = [PRECISION_ORDER.get(p, 9) for p in events["precision"]]
    return list(zip(starts, orders, days, events["bulletin_id"], (int(i) for i in events["event_index"])))


def _bulletin_cells(catalog: Catalog, tags: dict[str, str]) -> dict[str, tuple[str, str, str, list[tuple[str, str]]]]:
    """Per bulletin: title, docname, date in words, and its (tag, slug) pairs."""
    bulletins = catalog.bulletins
    words = bulletins["date"].dt.day.astype(str) + bulletins["date"].dt.strftime(" %B %Y")
    return {bulletin_id: (title, docname(url), day, sorted({(t, tags[t]) for t in tagged if t in tags}))
            for bulletin_id, title, url, day, tagged in zip(bulletins.index.tolist(), bulletins["title"].tolist(),
                                                             bulletins["url"].tolist(), words.tolist(),
                                                             bulletins["tags"].tolist())}


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
    """The chronology's home: the timeline, the events (or the list of event pages), then the charts of the toll."""
    lines = ["---", "orphan: true", "---", "", "# Chronology", ""]
    lines += ["Every dated event that the bulletins report, in date order. An event known only to the month "
              "or the year is listed at the start of it. Each event links to the bulletin that reports it; "
              "places and actors link to their pages. How the figures are counted: [Methods](/methods.md).", ""]
    if events:
        target = "dailyarchive-events" if not parts else "events"
        first, last = _iso(min(e["span"][0] for e in events)), _iso(max(e["span"][1] for e in events))
        if parts:  # the first view of a large archive: its last year of events
            first = max(first, (dt.date.fromisoformat(last) - dt.timedelta(days=364)).isoformat())
        lines += ["## Timeline", "", "Lanes by place, actor or series; the filters of the list below and the span "
                  "shown are kept in the page's address, so a view can be shared and cited. The data of what is "
                  "shown downloads as CSV or JSON.", "", *timeline_block(first, last, target), ""]
    lines += ["## Events", ""]
    if not events:
        lines += ["No events reported yet.", ""]
    elif not parts:
        lines += events_block(events) + [""]
    else:
        lines += ["```{toctree}", ":hidden:", ""] + [f"/chronology/{part}" for part in parts] + ["```", ""]
        lines += parts_list(parts) + [""]
    toll = ["## The toll over time", "", f"```{{{CHARTS_DIRECTIVE}}} chronology", "```", ""]
    return "\n".join(lines + toll)  # the events first, the charts of the toll after them


def parts_list(parts: dict[str, list[dict[str, Any]]]) -> list[str]:
    """The event pages, one line a year: `- [2018](/chronology/2018.md): 40 events`, or for a year split by month
    `- 2019: 1,210 events: [dated to the year only](/chronology/2019-00.md) (3), [January](/chronology/2019-01.md)
    (98), ...` (in the chronology's order: the events known only to the year first), so that decades of events
    stay a short list."""
    by_year: dict[str, list[str]] = {}
    for part in parts:
        by_year.setdefault(part[:4], []).append(part)
    lines = []
    for year, in_year in by_year.items():
        count = sum(len(parts[part]) for part in in_year)
        if in_year == [year]:
            lines.append(f"- [{year}](/chronology/{year}.md): {_events(count)}")
            continue
        links = [f"[{_month_words(part)}](/chronology/{part}.md) ({len(parts[part]):,})" for part in in_year]
        lines.append(f"- {year}: {_events(count)}: {', '.join(links)}")
    return lines


def _events(count: int) -> str:
    """`1 event`, `1,210 events`."""
    return f"{count:,} event{'' if count == 1 else 's'}"


def _month_words(part: str) -> str:
    """`January` for `2019-01`; `dated to the year only` for `2019-00`."""
    month = int(part[5:])
    return calendar.month_name[month] if month else "dated to the year only"


def part_page(part: str, events: list[dict[str, Any]]) -> str:
    """The events of one year (or month)."""
    first, last = events[0]["when"], events[-1]["when"]
    lines = [f"# Chronology: {myst_escape(part_title(part))}", "",
             f"[Chronology](/chronology/index.md) › {myst_escape(part_title(part))}: {len(events)} events "
             f"from {myst_escape(first)} to {myst_escape(last)}.", ""]
    starts = sorted(e["span"][0] for e in events)
    ends = sorted(e["span"][1] for e in events)
    lines += timeline_block(_iso(starts[0]), _iso(ends[-1]), "dailyarchive-events") + [""]
    return "\n".join(lines + events_block(events) + [""])


def _iso(day: str) -> str:
    """`2019-07-09` from `20190709`."""
    return f"{day[:4]}-{day[4:6]}-{day[6:]}"


def timeline_block(first: str = "", last: str = "", list_target: str = "", **fixed: str) -> list[str]:
    """The directive that draws the timeline (first view from `first` to `last`; `fixed` place, actor, ...)."""
    options = {"from": first, "to": last, "list": list_target, **fixed}
    return [f"```{{{TIMELINE_DIRECTIVE}}}", *[f":{key}: {value}" for key, value in options.items() if value], "```"]


def events_block(events: list[dict[str, Any]]) -> list[str]:
    """The directive that lists `events`, one JSON record a line.

    Backticks are written as `\\u0060` escapes, so no record can close the fence.
    """
    body = [sorted_json(e).decode("utf-8", "surrogatepass").replace("`", "\\u0060") for e in events]
    return [f"```{{{EVENTS_DIRECTIVE}}}", *body, "```"]
