"""Pages of places, actors and tags: an index per kind, a page per name, its bulletins split by year.

A place's bulletins include those of its sub-places (Latakia Province lists the
bulletins about Mount Turkmen, saying so), so that the gazetteer's hierarchy
holds on the pages as in the search filters. No page lists the whole archive:
a name's bulletins are split by year, and a year above `max_listing` bulletins
by month.
"""

from __future__ import annotations

import calendar
from collections import defaultdict

from . import slots
from ._context import Context, NameIndex
from ._text import day, link, myst_escape, page, present
from .browse import bulletin_item

TITLES = {"places": "Places", "actors": "Actors", "tags": "Tags"}
SINGULAR = {"places": "place", "actors": "actor", "tags": "tag"}


def name_pages(ctx: Context, kind: str) -> dict[str, str]:
    """Every page of one kind: `<kind>/index.md`, `<kind>/<slug>/index.md` and the listing pages."""
    index = ctx.names[kind]
    pages = {f"{kind}/index.md": kind_index(index)}
    collected = collect(index, ctx)
    for name in sorted(index.entries):
        listing = listing_parts(ctx, collected.get(name, {}), ctx.settings.max_listing)
        pages[f"{index.docname(name)}.md"] = name_page(ctx, index, name, listing)
        for part, entries in listing.items():
            pages[f"{index.docname(name, part)}.md"] = listing_page(ctx, index, name, part, entries)
    return pages


def collect(index: NameIndex, ctx: Context) -> dict[str, dict[str, list[str]]]:
    """For every name, its bulletins and the names by which each is reached (itself or a sub-place)."""
    collected: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for name, bulletin_ids in index.bulletins.items():
        for holder in (name, *index.ancestors(name)):
            for bulletin_id in bulletin_ids:
                collected[holder].setdefault(bulletin_id, []).append(name)
    return collected


def listing_parts(ctx: Context, reached: dict[str, list[str]], limit: int) -> dict[str, list[tuple[str, list[str]]]]:
    """Bulletins in date order, split into parts named `<year>` (or `<year>-<mm>` for a crowded year)."""
    by_year: dict[int, list[tuple[str, list[str]]]] = defaultdict(list)
    ordered = sorted(reached.items(), key=lambda item: (ctx.bulletins[item[0]]["date"], item[0]))
    for bulletin_id, via in ordered:
        by_year[int(ctx.bulletins[bulletin_id]["year"])].append((bulletin_id, via))
    parts: dict[str, list[tuple[str, list[str]]]] = {}
    for year, entries in sorted(by_year.items()):
        if len(entries) <= limit:
            parts[f"{year:04d}"] = entries
            continue
        for bulletin_id, via in entries:
            parts.setdefault(f"{year:04d}-{int(ctx.bulletins[bulletin_id]['month']):02d}", []).append((bulletin_id, via))
    return parts


def kind_index(index: NameIndex) -> str:
    """The list of every name of a kind; places as a tree that follows the gazetteer."""
    kind = index.kind
    lines = [f"# {TITLES[kind]}", ""]
    if kind == "places":
        lines += ["Places follow the gazetteer: each place lists its own bulletins and those of the places "
                  "inside it.", ""]
        roots = [n for n in sorted(index.entries) if not index.ancestors(n)]
        for root in roots:
            lines += _tree(index, root, 0, set())
    else:
        for name in sorted(index.entries, key=str.casefold):
            kind_text = index.entries[name].get("kind")
            lines.append(f"- {link(name, index.docname(name))}"
                         + (f" ({myst_escape(kind_text)})" if present(kind_text) else ""))
    return page(lines, orphan=True)


def _tree(index: NameIndex, name: str, depth: int, seen: set[str]) -> list[str]:
    """A nested list item for `name` and its sub-places (each place once)."""
    if name in seen:
        return []
    seen.add(name)
    lines = [f"{'  ' * depth}- {link(name, index.docname(name))}"]
    for child in sorted(index.children.get(name, [])):
        lines += _tree(index, child, depth + 1, seen)
    return lines


def name_page(ctx: Context, index: NameIndex, name: str, listing: dict[str, list[tuple[str, list[str]]]]) -> str:
    """The page of one place, actor or tag: what it is, its aliases, sub-places and bulletins by year."""
    kind, entry = index.kind, index.entries[name]
    lines = [f"# {myst_escape(name)}", ""]
    trail = [link(TITLES[kind], f"{kind}/index")] + [link(a, index.docname(a)) for a in reversed(index.ancestors(name))]
    lines += ["```{container} breadcrumbs", " › ".join(trail), "```", ""]
    about = [myst_escape(entry.get("kind"))] if present(entry.get("kind")) else []
    lines += [f"{SINGULAR[kind].capitalize()}" + (f" ({about[0]})" if about else "") + ".", ""]
    if present(entry.get("description")):
        lines += [myst_escape(entry["description"]), ""]
    if entry.get("aliases"):
        lines += ["## Also known as", ""] + [f"- {myst_escape(alias)}" for alias in entry["aliases"]] + [""]
    children = sorted(index.children.get(name, []))
    if children:
        lines += ["## Places inside it", ""] + [f"- {link(c, index.docname(c))}" for c in children] + [""]
        lines += ["Its bulletins below include those of the places inside it.", ""]
    lines += slots.name_chart(kind, entry)
    lines += ["## Bulletins", ""]
    if not listing:
        lines += [f"No bulletin names this {SINGULAR[kind]} yet.", ""]
    for part, entries in listing.items():
        lines.append(f"- {link(_part_title(part), index.docname(name, part))}: {len(entries)} bulletins")
    return page(lines, orphan=True)


def _part_title(part: str) -> str:
    """`2019` or `July 2019` for a listing part."""
    if "-" not in part:
        return part
    year, month = part.split("-")
    return f"{calendar.month_name[int(month)]} {year}"


def listing_page(ctx: Context, index: NameIndex, name: str, part: str, entries: list[tuple[str, list[str]]]) -> str:
    """The bulletins of one name in one year (or month), by date; sub-places are named."""
    lines = [f"# {myst_escape(name)}: {_part_title(part)}", ""]
    lines += ["```{container} breadcrumbs", " › ".join([link(TITLES[index.kind], f"{index.kind}/index"),
                                                        link(name, index.docname(name))]), "```", ""]
    for bulletin_id, via in entries:
        item = bulletin_item(ctx.bulletins[bulletin_id])
        others = [v for v in via if v != name]
        if others and name not in via:
            item += " — " + ", ".join(link(v, index.docname(v)) for v in others)
        lines.append(item)
    first, last = ctx.bulletins[entries[0][0]]["date"], ctx.bulletins[entries[-1][0]]["date"]
    lines += ["", f"{len(entries)} bulletins from {day(first)} to {day(last)}.", ""]
    return page(lines, orphan=True)

