"""Catalog → the timeline's data: a manifest and one script file of events per year.

The files are JavaScript calling ``DailyArchiveTimeline.setManifest`` / ``addYear`` (defined by
``sphinxext/static/dailyarchive-timeline.js``), so a page loads them with ``<script>`` tags and the
timeline works from ``file://``. The manifest is small whatever the archive's size: the names
(places with their parents, actors, tags, series) with their event counts, the events per month
(the overview strip) and, per year, how many events begin in it and the last day they reach;
a page then loads only the years in the reader's view.

Places and actors carry the first and last day of their events (a place's
with those of the places inside it). A year file holds the bulletins its events come from (``[id, version, url of that version,
title, series, tags, date]``) and the events of the latest versions that begin in that year, in
date order: ``[first day, last day, precision, qualifier, place, actors, what, bulletin, date
as written, index in its bulletin]``, days counted from 1970-01-01, names as indices into the
manifest. Bulletin text is untrusted: it travels as JSON strings and the script only ever sets
it as text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from typing import Any

import pandas as pd

from ..addresses import TIMELINE_DIR
from ..catalog.catalog import Catalog
from ..model.memo import Kept, Memo, digest_of_record, remembered_texts
from .pages._text import name_slugs, present

#: Bumped when the layout of the files changes.
FORMAT = 1
MANIFEST = "manifest.js"
GLOBAL = "DailyArchiveTimeline"
PRECISIONS = {"day": 0, "month": 1, "year": 2}
EPOCH = dt.date(1970, 1, 1)


def timeline_files(catalog: Catalog, memo: Memo | None = None) -> dict[str, str | Kept]:
    """`<TIMELINE_DIR>/manifest.js` and `<TIMELINE_DIR>/<year>.js` for every year an event begins in. With `memo`,
    a year file whose events, bulletins and names are as before comes back from it (`YearInputs`), not made."""
    events = ordered_events(catalog)
    vocabulary = Vocabulary.of(catalog)
    names = digest_of_record([FORMAT, vocabulary.places, vocabulary.parents, vocabulary.actors, vocabulary.tags,
                              vocabulary.series])
    files: dict[str, str | Kept] = {}
    years: dict[str, dict[str, int]] = {}
    inputs = YearInputs(catalog, events) if memo else None
    for year, in_year in events.groupby(events["start"].dt.year, sort=True):
        name = f"{int(year):04d}"
        path = f"{TIMELINE_DIR}/{name}.js"
        files.update(remembered_texts(memo, path, f"{names}/{inputs.digest(in_year)}" if inputs else "",
                                      lambda: {path: script("addYear", name, year_data(catalog, in_year, vocabulary))}))
        years[name] = {"count": len(in_year), "reach": day_number(in_year["end"].max())}
    manifest = manifest_data(events, vocabulary, years)
    files[f"{TIMELINE_DIR}/{MANIFEST}"] = script("setManifest", None, manifest)
    return files


def ordered_events(catalog: Catalog) -> pd.DataFrame:
    """The events of the latest versions with a placeable date, by first day, precision, bulletin and index."""
    events = catalog.latest("events")
    events = events[events["start"].notna() & events["end"].notna() & (events["end"] >= events["start"])]
    order = events["precision"].map({"year": 0, "month": 1, "day": 2})
    return events.assign(order=order).sort_values(["start", "order", "bulletin_date", "bulletin_id", "event_index"],
                                                  kind="stable")


class Vocabulary:
    """The names of the manifest, each with its index: places, actors, tags and series."""

    def __init__(self, places: list[str], parents: list[int], actors: list[str], tags: list[str],
                 series: list[tuple[str, str]]) -> None:
        self.places, self.parents, self.actors, self.tags, self.series = places, parents, actors, tags, series
        self.place_index = {name: i for i, name in enumerate(places)}
        self.actor_index = {name: i for i, name in enumerate(actors)}
        self.tag_index = {name: i for i, name in enumerate(tags)}
        self.series_index = {slug: i for i, (slug, _) in enumerate(series)}

    @classmethod
    def of(cls, catalog: Catalog) -> Vocabulary:
        """The gazetteer's names in sorted order, and every series."""
        places = sorted(str(p) for p in catalog.places.index)
        index = {name: i for i, name in enumerate(places)}
        parent_of = {str(n): p for n, p in zip(catalog.places.index, catalog.places["parent"]) if present(p)}
        parents = [index.get(parent_of.get(name, ""), -1) for name in places]
        series = [(str(s), str(n)) for s, n in zip(catalog.series["slug"], catalog.series["name"])]
        return cls(places, parents, sorted(str(a) for a in catalog.actors.index),
                   sorted(str(t) for t in catalog.tags.index), series)


def manifest_data(events: pd.DataFrame, vocabulary: Vocabulary, years: dict[str, dict[str, int]]) -> dict[str, Any]:
    """Names with slugs and counts, the span, the months' counts and the years' files."""
    place_counts = Counter(p for p in events["place"] if present(p))
    actor_counts = Counter(a for names in events["actors"] for a in names)
    place_slugs, actor_slugs = name_slugs(vocabulary.places), name_slugs(vocabulary.actors)
    tag_slugs = name_slugs(vocabulary.tags)
    places_spans, actor_spans = name_spans(events, vocabulary)
    months = Counter(zip(events["start"].dt.year, events["start"].dt.month))
    span = [day_number(events["start"].min()), day_number(events["end"].max())] if len(events) else None
    return {
        "format": FORMAT, "span": span, "count": len(events), "years": years,
        "months": [[f"{y:04d}-{m:02d}", n] for (y, m), n in sorted(months.items())],
        "places": [[name, place_slugs[name], parent, place_counts.get(name, 0), *places_spans.get(name, [])]
                   for name, parent in zip(vocabulary.places, vocabulary.parents)],
        "actors": [[name, actor_slugs[name], actor_counts.get(name, 0), *actor_spans.get(name, [])]
                   for name in vocabulary.actors],
        "tags": [[name, tag_slugs[name]] for name in vocabulary.tags],
        "series": [[slug, name] for slug, name in vocabulary.series],
    }


def name_spans(events: pd.DataFrame, vocabulary: Vocabulary) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """The first and last day of the events of each place (with the places inside it) and of each actor,
    so a name's page opens on its own events."""
    places: dict[str, list[int]] = {}
    actors: dict[str, list[int]] = {}

    def widen(spans: dict[str, list[int]], name: str, first: int, last: int) -> None:
        known = spans.get(name)
        if known is None:
            spans[name] = [first, last]
        else:
            known[0], known[1] = min(known[0], first), max(known[1], last)

    for place, names, first, last in zip(events["place"].tolist(), events["actors"].tolist(),
                                         day_numbers(events["start"]), day_numbers(events["end"])):
        index = vocabulary.place_index.get(place, -1) if present(place) else -1
        for _ in range(64):  # a place and the places around it (the gazetteer refuses circles)
            if index < 0:
                break
            widen(places, vocabulary.places[index], first, last)
            index = vocabulary.parents[index]
        for actor in names:
            widen(actors, actor, first, last)
    return places, actors


#: What a year file shows of each event and of each bulletin its events come from (`year_data`).
EVENT_INPUTS = ["bulletin_id", "start", "end", "precision", "date_qualifier", "place", "actors", "what", "date_text",
                "event_index"]
BULLETIN_INPUTS = ["latest_version", "url", "title", "series", "tags", "date"]


class YearInputs:
    """Digests of every cell a year file is made from: its events' (in order) and their bulletins' (the names'
    indices aside: `timeline_files` adds them). Every cell is hashed once, for all the years."""

    def __init__(self, catalog: Catalog, events: pd.DataFrame) -> None:
        self.events = pd.Series(pd.util.hash_pandas_object(events[EVENT_INPUTS], index=False).to_numpy(),
                                index=events.index)
        self.bulletins = pd.util.hash_pandas_object(catalog.bulletins[BULLETIN_INPUTS], index=True)

    def digest(self, events: pd.DataFrame) -> str:
        """The digest of the year whose events (rows of the events given when made) are `events`."""
        ids = list(dict.fromkeys(events["bulletin_id"]))
        cells = [self.events.loc[events.index].to_numpy(), self.bulletins.loc[ids].to_numpy()]
        return hashlib.sha256(b"".join(part.tobytes() for part in cells)).hexdigest()


def year_data(catalog: Catalog, events: pd.DataFrame, vocabulary: Vocabulary) -> dict[str, Any]:
    """The bulletins and events of one year file (see the module's docstring)."""
    bulletins: dict[str, int] = {}
    rows = []
    columns = zip(events["bulletin_id"], day_numbers(events["start"]), day_numbers(events["end"]),
                  events["precision"], events["date_qualifier"], events["place"], events["actors"], events["what"],
                  events["date_text"], events["event_index"])
    for bulletin_id, start, end, precision, qualifier, place, actors, what, text, index in columns:
        number = bulletins.setdefault(bulletin_id, len(bulletins))
        rows.append([start, end, PRECISIONS[precision], qualifier or "",
                     vocabulary.place_index.get(place, -1) if present(place) else -1,
                     [vocabulary.actor_index[a] for a in actors if a in vocabulary.actor_index],
                     what, number, text, int(index)])
    found = catalog.bulletins.loc[list(bulletins)]
    return {"bulletins": [bulletin_cells(b, row, vocabulary) for b, row in zip(found.index, found.to_dict("records"))],
            "events": rows}


def bulletin_cells(bulletin_id: str, row: dict[str, Any], vocabulary: Vocabulary) -> list[Any]:
    """`[id, version, url of the version page, title, series, tags, date]` of one bulletin (its catalog row)."""
    version = int(row["latest_version"])
    url = f"{str(row['url']).rstrip('/')}/v{version}.html"
    tags = [vocabulary.tag_index[t] for t in row["tags"] if t in vocabulary.tag_index]
    return [bulletin_id, version, url, str(row["title"]), vocabulary.series_index.get(str(row["series"]), -1), tags,
            row["date"].date().isoformat()]


def day_number(value: Any) -> int:
    """Days since 1970-01-01 of a date or timestamp."""
    return (pd.Timestamp(value).date() - EPOCH).days


def day_numbers(values: pd.Series) -> list[int]:
    """`day_number` of each date of a column, with array work (the timeline has one for every event)."""
    days = pd.to_datetime(values).to_numpy().astype("datetime64[D]").astype("int64")
    return days.tolist()


def script(call: str, year: str | None, data: dict[str, Any]) -> str:
    """`DailyArchiveTimeline.<call>([year, ]data);` with the JSON made safe inside any script."""
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":")).replace("<", "\\u003c")
    head = f'"{year}",' if year is not None else ""
    return (f"/* dailyarchive-timeline format={FORMAT} */\nwindow.{GLOBAL}=window.{GLOBAL}||{{queue:[]}};\n"
            f'(window.{GLOBAL}.{call}||function(){{window.{GLOBAL}.queue.push(["{call}",arguments]);}})'
            f"({head}{text});\n")
