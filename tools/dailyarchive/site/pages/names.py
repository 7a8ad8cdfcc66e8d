"""Pages of places, actors and tags: an index per kind, a page per name with its bulletins.

A place's bulletins include those of its sub-places (Latakia Province lists the
bulletins about Mount Turkmen, saying so), so that the gazetteer's hierarchy
holds on the pages as in the search filters. No page lists more than
`max_listing` bulletins: a name with more gets one page per year (and a year
with more, one page per month), so no page grows with the whole archive, and a
name with few costs one page only.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable
from urllib.parse import urlencode

from . import slots
from ._context import Context, NameIndex
from ..feeds import feed_path
from ._html import a, esc, feed_link, raw, section, text_html, ul, url
from ._text import day, myst_escape, page, present
from .browse import bulletin_item_html, item_inputs
from ...model.memo import Kept, Memo, digest_of_record, remembered_texts

TITLES = {"places": "Places", "actors": "Actors", "tags": "Tags"}
SINGULAR = {"places": "place", "actors": "actor", "tags": "tag"}
Entries = list[tuple[str, list[str]]]
#: The pages a name page links, filtered by the name (docnames of the site).
CHRONOLOGY, SEARCH = "chronology/index", "search"
ELSEWHERE = {
    "places": ("Its events in the chronology, with those of the places inside it",
               "Search the bulletins about it and the places inside it"),
    "actors": ("Its events in the chronology", "Search the bulletins naming it"),
    "tags": ("The events of its bulletins in the chronology", "Search the bulletins with this tag"),
}


def name_pages(ctx: Context, kind: str, memo: Memo | None = None) -> dict[str, str | Kept]:
    """Every page of one kind: `<kind>/index.md`, `<kind>/<slug>/index.md` and, for busy names, listings.

    With `memo`, a page is kept in it under the digest of what it reads (`kind_inputs`, and the list items of
    its bulletins: `browse.item_inputs`) and taken back from it while that is unchanged: a new bulletin makes
    again only the pages that list it.
    """
    index = ctx.names[kind]
    pages: dict[str, str | Kept] = {f"{kind}/index.md": kind_index(index)}
    collected = collect(index)
    limit = ctx.settings.max_listing
    shape = kind_inputs(ctx, index) if memo is not None else ""

    def remember(path: str, listed: Callable[[], list[object]], make: Callable[[], str]) -> None:
        if memo is None:
            pages[path] = make()
            return
        digest = digest_of_record([shape, path, listed()])
        pages.update(remembered_texts(memo, path, digest, lambda: {path: make()}))

    for name in sorted(index.entries):
        entries = ordered(ctx, collected.get(name, {}))
        parts = listing_parts(ctx, entries, limit) if len(entries) > limit else {}
        remember(f"{index.docname(name)}.md",
                 lambda: [[p, len(e)] for p, e in parts.items()] if parts else listed_inputs(ctx, name, entries),
                 lambda: name_page(ctx, index, name, entries, parts))
        for part, in_part in parts.items():
            remember(f"{index.docname(name, part)}.md", lambda: listed_inputs(ctx, name, in_part),
                     lambda: listing_page(ctx, index, name, part, in_part))
    return pages


def kind_inputs(ctx: Context, index: NameIndex) -> str:
    """A digest of what every page of a kind reads besides its bulletins: the gazetteer's entries, slugs and
    tree, whether the chronology and the search exist (a page links them), and the listing size."""
    linked = sorted(ctx.settings.existing_docs & {CHRONOLOGY, SEARCH})
    return digest_of_record([index.kind, index.entries, index.slugs, index.children, linked,
                             ctx.settings.max_listing])


def listed_inputs(ctx: Context, name: str, entries: Entries) -> list[object]:
    """What a list of `entries` reads of its bulletins: each one's list item, and the sub-places it is reached
    by (when not `name` itself)."""
    return [[item_inputs(ctx, bulletin_id), None if name in via else via] for bulletin_id, via in entries]


def collect(index: NameIndex) -> dict[str, dict[str, list[str]]]:
    """For every name, its bulletins and the names by which each is reached (itself or a sub-place)."""
    collected: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for name, bulletin_ids in index.bulletins.items():
        for holder in (name, *index.ancestors(name)):
            for bulletin_id in bulletin_ids:
                collected[holder].setdefault(bulletin_id, []).append(name)
    return collected


def ordered(ctx: Context, reached: dict[str, list[str]]) -> Entries:
    """(bulletin id, names it is reached by) in date order."""
    rank = ctx.date_rank
    return sorted(reached.items(), key=lambda item: rank[item[0]])


def listing_parts(ctx: Context, entries: Entries, limit: int) -> dict[str, Entries]:
    """Entries split into pages of at most `limit` (unless one month holds more), by whole years or months.

    Consecutive years are packed into one page while they fit (`2000_2003`); a year
    above `limit` is split by month, months packed the same way (`2019-07_2019-09`).
    Packing runs from the oldest, so a new bulletin changes the last page only.
    """
    by_year: dict[str, Entries] = defaultdict(list)
    for entry in entries:
        by_year[f"{int(ctx.bulletins[entry[0]]['year']):04d}"].append(entry)
    units: list[tuple[str, Entries]] = []
    for year, in_year in sorted(by_year.items()):
        if len(in_year) <= limit:
            units.append((year, in_year))
            continue
        by_month: dict[str, Entries] = defaultdict(list)
        for entry in in_year:
            by_month[f"{year}-{int(ctx.bulletins[entry[0]]['month']):02d}"].append(entry)
        units += sorted(by_month.items())
    return _pack(units, limit)


def _pack(units: list[tuple[str, Entries]], limit: int) -> dict[str, Entries]:
    """Consecutive units joined while their entries fit in `limit`; a part is named `<first>` or `<first>_<last>`."""
    parts: dict[str, Entries] = {}
    first, last, held = "", "", []
    for unit, in_unit in units:
        fits = len(held) + len(in_unit) <= limit and len(unit) == len(first)
        if held and not fits:
            parts[first if first == last else f"{first}_{last}"] = held
            held = []
        if not held:
            first = unit
        last, held = unit, held + in_unit
    if held:
        parts[first if first == last else f"{first}_{last}"] = held
    return parts


def kind_index(index: NameIndex) -> str:
    """The list of every name of a kind; places as a tree that follows the gazetteer."""
    kind = index.kind
    here = f"{kind}/index"
    lines = [f"# {TITLES[kind]}", ""]
    if kind == "places":
        intro = ("<p>Places follow the gazetteer: each place lists its own bulletins and those of the places "
                 "inside it.</p>")
        roots = [n for n in sorted(index.entries) if not index.ancestors(n)]
        seen: set[str] = set()
        lines += raw(intro, ul(_tree(index, here, root, seen) for root in roots))
    else:
        items = []
        for name in sorted(index.entries, key=str.casefold):
            kind_text = index.entries[name].get("kind")
            items.append(a(here, index.docname(name), name) + (f" ({esc(kind_text)})" if present(kind_text) else ""))
        lines += raw(ul(items))
    return page(lines, orphan=True)


def _tree(index: NameIndex, here: str, name: str, seen: set[str]) -> str:
    """A list item's HTML for `name` with its sub-places nested (each place once)."""
    seen.add(name)
    children = [c for c in sorted(index.children.get(name, [])) if c not in seen]
    nested = ul(_tree(index, here, child, seen) for child in children)
    return a(here, index.docname(name), name) + nested


def name_page(ctx: Context, index: NameIndex, name: str, entries: Entries, parts: dict[str, Entries]) -> str:
    """The page of one place, actor or tag: what it is, its aliases, sub-places and bulletins."""
    kind, entry = index.kind, index.entries[name]
    here = index.docname(name)
    trail = [a(here, f"{kind}/index", TITLES[kind])] + [a(here, index.docname(p), p)
                                                       for p in reversed(index.ancestors(name))]
    about = f" ({esc(entry['kind'])})" if present(entry.get("kind")) else ""
    description = f'<p dir="auto">{text_html(entry["description"])}</p>' if present(entry.get("description")) else ""
    aliases = ul(text_html(alias) for alias in entry.get("aliases", ()))  # right-to-left runs get their own span
    seen = {name}
    inside = ul(_tree(index, here, child, seen) for child in sorted(index.children.get(name, [])))
    if inside:
        inside += "<p>Its bulletins below include those of the places inside it.</p>"
    lines = [f"# {myst_escape(name)}", ""]
    lines += raw(f'<nav class="breadcrumbs" aria-label="Breadcrumbs">{" › ".join(trail)}</nav>',
                 f"<p>{SINGULAR[kind].capitalize()}{about}.</p>", description, elsewhere(ctx, index, name, here),
                 section("Also known as", aliases, "also-known-as"),
                 section("Places inside it", inside, "places-inside-it"))
    lines += slots.name_chart(kind, entry)
    lines += slots.name_timeline(kind, index.slugs[name]) if entries else []
    feed = feed_link(here, feed_path("tag", index.slugs[name]), "Atom feed of this tag") \
        if kind == "tags" and entries else ""
    lines += raw(section("Bulletins", feed + _bulletins_html(ctx, index, name, here, entries, parts), "bulletins"))
    return page(lines, orphan=True)


def elsewhere(ctx: Context, index: NameIndex, name: str, here: str) -> str:
    """Links to the chronology and the search filtered by this name (the `place`, `actor` or `tag` parameter
    both pages read), each only when the site has that page."""
    kind = SINGULAR[index.kind]
    query = esc(urlencode({kind: name}))
    known = ctx.settings.existing_docs
    targets = zip((CHRONOLOGY, SEARCH), ELSEWHERE[index.kind])
    items = [f'<a href="{esc(url(here, target))}?{query}">{esc(text)}</a>'
             for target, text in targets if target in known]
    return ul(items, "name-elsewhere")


def _bulletins_html(ctx: Context, index: NameIndex, name: str, here: str, entries: Entries,
                    parts: dict[str, Entries]) -> str:
    """The bulletins themselves (few) or links to the pages of each year or month (many)."""
    if not entries:
        return f"<p>No bulletin names this {SINGULAR[index.kind]} yet.</p>"
    if parts:
        return ul(f"{a(here, index.docname(name, part), _part_title(part))}: {len(in_part)} bulletins"
                  for part, in_part in parts.items())
    return listing_html(ctx, index, name, here, entries)


def _part_title(part: str) -> str:
    """`2019`, `2000–2003`, `July 2019` or `July–September 2019` for a listing part."""
    first, _, last = part.partition("_")
    if "-" not in first:
        return f"{first}–{last}" if last else first
    start, end = (f"{calendar.month_name[int(p[5:])]} {p[:4]}" for p in (first, last or first))
    if start == end:
        return start
    return f"{start.split()[0]}–{end}" if first[:4] == last[:4] else f"{start} – {end}"


def listing_page(ctx: Context, index: NameIndex, name: str, part: str, entries: Entries) -> str:
    """The bulletins of one name in one year (or month), by date; sub-places are named."""
    here = index.docname(name, part)
    lines = [f"# {myst_escape(name)}: {_part_title(part)}", ""]
    trail = f'{a(here, f"{index.kind}/index", TITLES[index.kind])} › {a(here, index.docname(name), name)}'
    first, last = ctx.bulletins[entries[0][0]]["date"], ctx.bulletins[entries[-1][0]]["date"]
    lines += raw(f'<nav class="breadcrumbs" aria-label="Breadcrumbs">{trail}</nav>',
                 listing_html(ctx, index, name, here, entries),
                 f"<p>{len(entries)} bulletins from {esc(day(first))} to {esc(day(last))}.</p>")
    return page(lines, orphan=True)


def listing_html(ctx: Context, index: NameIndex, name: str, here: str, entries: Entries) -> str:
    """A list of bulletins by date; one reached through a sub-place names it."""
    items = []
    for bulletin_id, via in entries:
        item = bulletin_item_html(ctx, here, ctx.bulletins[bulletin_id])
        if name not in via:
            item += " — " + ", ".join(a(here, index.docname(v), v) for v in via)
        items.append(item)
    return ul(items)
