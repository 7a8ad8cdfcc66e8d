"""The page of a bulletin (its latest version) and the parts it shares with older version pages."""

from __future__ import annotations

import re
from pathlib import Path

from . import slots
from ._context import BODY_DIR, Context, Row, diff_docname, docname, month_docname, version_docname
from ._text import (day, external_link, figure_period, figure_value, link, myst_escape, page, partial_date,
                    present, yaml_string)

_UNSAFE_FILE = re.compile(r"[^A-Za-z0-9._-]+")
#: Image files staged beside the page (SVG is left out: opened on its own it can run scripts).
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp"}


def bulletin_page(ctx: Context, bulletin_id: str) -> str:
    """The bulletin's permanent page: its latest version in full, with links around it."""
    bulletin = ctx.bulletins[bulletin_id]
    latest = ctx.version(bulletin_id, int(bulletin["latest_version"]))
    lines = [f"# {myst_escape(bulletin['title'])}", ""]
    lines += breadcrumbs(ctx, bulletin)
    lines += illustrative_banner(latest)
    lines += dateline(ctx, bulletin, latest)
    if bulletin["corrected"]:
        lines += ["```{note}", f"Corrected on {day(latest['revised'])}: {myst_escape(latest['revision_note'])}",
                  "```", ""]
    lines += version_content(ctx, bulletin, latest)
    lines += bulletin_chart_lines(ctx, bulletin)
    lines += backlinks(ctx, bulletin_id)
    lines += version_list(ctx, bulletin, current=int(latest["version"]))
    lines += slots.cite_version(bulletin, latest, ctx.series.get(bulletin["series"]))
    lines += neighbours(ctx, bulletin_id)
    return page(lines)


def bulletin_chart_lines(ctx: Context, bulletin: Row) -> list[str]:
    """The charts slot of a bulletin page, with the latest version's figures."""
    figures = ctx.figures.get((bulletin["bulletin_id"], int(bulletin["latest_version"])), [])
    chart = slots.bulletin_chart(bulletin, figures)
    return [*chart, ""] if chart else []


def breadcrumbs(ctx: Context, bulletin: Row) -> list[str]:
    """Series › year › month links above the content."""
    series = ctx.series.get(bulletin["series"], {}).get("name", bulletin["series"])
    year, month = int(bulletin["year"]), int(bulletin["month"])
    trail = [link(series, f"{bulletin['series']}/index"), link(year, f"{bulletin['series']}/{year:04d}/index"),
             link(f"{bulletin['date']:%B} {year}", month_docname(bulletin["series"], year, month))]
    return ["```{container} breadcrumbs", " › ".join(trail), "```", ""]


def illustrative_banner(version: Row) -> list[str]:
    """A warning box on demonstration content."""
    if not version["illustrative"]:
        return []
    return ["```{warning}", "Illustrative: this bulletin is demonstration content, not part of the record. "
            "Its figures must not be cited.", "```", ""]


def dateline(ctx: Context, bulletin: Row, version: Row) -> list[str]:
    """Date, series and version number under the title."""
    count = len(ctx.versions[bulletin["bulletin_id"]])
    series = ctx.series.get(bulletin["series"], {}).get("name", bulletin["series"])
    text = f"{day(bulletin['date'])} · {myst_escape(series)} · version {version['version']} of {count}"
    return ["```{container} dateline", text, "```", ""]


def version_content(ctx: Context, bulletin: Row, version: Row) -> list[str]:
    """What a version says: summary, photo, body, figures, events, sources, names and see-also links."""
    key = (bulletin["bulletin_id"], int(version["version"]))
    lines: list[str] = []
    if present(version["summary"]):
        lines += ["```{container} summary", myst_escape(version["summary"]), "```", ""]
    lines += photo(bulletin, version)
    lines += ["```{include} " + f"/{body_path(bulletin, int(version['version']))}", "```", ""]
    lines += figures_box(ctx, ctx.figures.get(key, []))
    lines += events(ctx, ctx.events.get(key, []))
    lines += sources(ctx.sources.get(key, []))
    lines += names(ctx, version)
    lines += see_also(ctx, ctx.links.get(key, []))
    return lines


def body_path(bulletin: Row, number: int) -> str:
    """Where a version's body is staged (relative to the source folder)."""
    return f"{BODY_DIR}/{bulletin['url'].rstrip('/')}/v{number}.md"


def image_name(image: str) -> str:
    """The staged file name of a bulletin's image: path separators and odd characters become `-`."""
    return _UNSAFE_FILE.sub("-", image).strip("-.") or "image"


def image_source(version: Row) -> Path | None:
    """The image file in the bulletin's folder, or None when missing or outside the folder."""
    if not present(version["image"]):
        return None
    folder = Path(version["path"]).parent.resolve()
    source = (folder / str(version["image"])).resolve()
    usable = source.suffix.lower() in IMAGE_SUFFIXES and source.is_relative_to(folder) and source.is_file()
    return source if usable else None


def photo(bulletin: Row, version: Row) -> list[str]:
    """The photo with its caption (the caption alone when there is no image file)."""
    caption = myst_escape(version["caption"])
    if image_source(version) is None:
        return ["```{container} caption", caption, "```", ""] if caption else []
    return [f"```{{figure}} {image_name(str(version['image']))}", "---",
            f"alt: {yaml_string(version['caption'] or bulletin['title'])}", "---", caption or "", "```", ""]


def figures_box(ctx: Context, figures: list[Row]) -> list[str]:
    """A table of every figure the version reports, with qualifier, bounds, period, place and source."""
    if not figures:
        return []
    by_id = {f["id"]: f for f in figures if present(f["id"])}
    lines = ["## Figures reported", "", "```{container} figures-box", "",
             "| Figure | Value | Period | Place | Reported by |", "|---|---|---|---|---|"]
    for figure in figures:
        cells = [myst_escape(figure_label(figure, by_id)), myst_escape(figure_value(figure)), myst_escape(figure_period(figure)),
                 name_link(ctx, "places", figure["place"]), _figure_source(ctx, figure)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines + ["", "```", ""]


def figure_label(figure: Row, by_id: dict[str, Row]) -> str:
    """`Killed: children (part of killed: civilians)`, as plain text."""
    label = f"{figure['measure'].replace('-', ' ').capitalize()}: {figure['group'].replace('-', ' ')}"
    parent = by_id.get(figure["parent"]) if present(figure["parent"]) else None
    if parent is not None:
        label += f" (part of {parent['measure'].replace('-', ' ')}: {parent['group'].replace('-', ' ')})"
    return label


def _figure_source(ctx: Context, figure: Row) -> str:
    """Who reported the number, and who claims it when it is one side's claim (linked names)."""
    parts = []
    if present(figure["reported_by"]):
        parts.append(name_link(ctx, "actors", figure["reported_by"]))
    if present(figure["claimed_by"]):
        parts.append("claimed by " + name_link(ctx, "actors", figure["claimed_by"]))
    return "; ".join(parts)


def figure_source_text(figure: Row) -> str:
    """Who reported the number and who claims it, as plain text."""
    parts = [str(figure["reported_by"])] if present(figure["reported_by"]) else []
    if present(figure["claimed_by"]):
        parts.append(f"claimed by {figure['claimed_by']}")
    return "; ".join(parts)


def name_link(ctx: Context, kind: str, name: object) -> str:
    """A link to the page of a place, actor or tag; plain text for a name outside the gazetteer."""
    if not present(name):
        return ""
    index = ctx.names[kind]
    canonical = index.canonical(str(name))
    return link(canonical, index.docname(canonical)) if canonical else myst_escape(name)


def events(ctx: Context, rows: list[Row]) -> list[str]:
    """Dated events, each date at its own precision (day, month or year)."""
    if not rows:
        return []
    lines = ["## Events", ""]
    for event in rows:
        parts = [f"**{myst_escape(partial_date(event['date_text'], event['precision']))}**"]
        if present(event["place"]):
            parts.append(name_link(ctx, "places", event["place"]))
        if event["actors"]:
            parts.append(", ".join(name_link(ctx, "actors", a) for a in event["actors"]))
        lines.append(f"- {' · '.join(parts)}: {myst_escape(event['what'])}")
    return lines + [""]


def sources(rows: list[Row]) -> list[str]:
    """Who reported what: title (linked), publisher, date accessed."""
    if not rows:
        return []
    lines = ["## Sources", ""]
    for source in rows:
        title = external_link(source["title"], source["url"]) if present(source["url"]) else myst_escape(source["title"])
        extra = [myst_escape(source["publisher"])] if present(source["publisher"]) else []
        if present(source["accessed"]):
            extra.append(f"accessed {day(source['accessed'])}")
        lines.append(f"- {title}" + (", " + ", ".join(extra) if extra else ""))
    return lines + [""]


def names(ctx: Context, version: Row) -> list[str]:
    """Places, actors and tags of the version, each linking to its page."""
    rows = [(label, kind) for label, kind in (("Places", "places"), ("Actors", "actors"), ("Tags", "tags"))
            if version[kind]]
    if not rows:
        return []
    lines = ["## Places, actors and tags", ""]
    for label, kind in rows:
        lines.append(f"- {label}: " + ", ".join(name_link(ctx, kind, n) for n in version[kind]))
    return lines + [""]


def bulletin_link(ctx: Context, bulletin_id: str) -> str:
    """`9 July 2019: [title](...)` for another bulletin."""
    other = ctx.bulletins[bulletin_id]
    return f"{day(other['date'])}: {link(other['title'], docname(other['url']))}"


def see_also(ctx: Context, rows: list[Row]) -> list[str]:
    """The version's see-also links (unresolved targets are left to `check`, never a broken link)."""
    targets = list(dict.fromkeys(r["target_id"] for r in rows if present(r["target_id"]) and r["target_id"] in ctx.bulletins))
    if not targets:
        return []
    return ["## See also", ""] + [f"- {bulletin_link(ctx, t)}" for t in targets] + [""]


def backlinks(ctx: Context, bulletin_id: str) -> list[str]:
    """Bulletins whose latest version points here: later ones, and earlier ones if a correction added a link."""
    date = ctx.bulletins[bulletin_id]["date"]
    lines: list[str] = []
    for heading, keep in (("Later bulletins that point here", lambda d: d >= date),
                          ("Earlier bulletins that point here", lambda d: d < date)):
        chosen = [s for s in ctx.backlinks.get(bulletin_id, []) if keep(ctx.bulletins[s]["date"])]
        if chosen:
            lines += [f"## {heading}", ""] + [f"- {bulletin_link(ctx, s)}" for s in chosen] + [""]
    return lines


def version_list(ctx: Context, bulletin: Row, current: int) -> list[str]:
    """Every version with its date and note, linked, and the changes between consecutive ones."""
    versions = ctx.versions[bulletin["bulletin_id"]]
    if len(versions) < 2:
        return []
    url, latest = bulletin["url"], int(bulletin["latest_version"])
    lines = ["## Versions", ""]
    for version in versions:
        number = int(version["version"])
        when = f"corrected {day(version['revised'])}" if number > 1 else f"published {day(bulletin['date'])}"
        target = docname(url) if number == latest else version_docname(url, number)
        label = f"Version {number}" + (" (this page)" if number == current else "")
        item = f"- {link(label, target)}, {when}"
        if number > 1:
            item += f": {myst_escape(version['revision_note'])} ({link('what changed', diff_docname(url, number))})"
        lines.append(item)
    return lines + [""]


def neighbours(ctx: Context, bulletin_id: str) -> list[str]:
    """Previous and next bulletin of the same series."""
    before, after = ctx.neighbours.get(bulletin_id, (None, None))
    parts = []
    if before:
        parts.append(f"← Previous: {bulletin_link(ctx, before)}")
    if after:
        parts.append(f"Next: {bulletin_link(ctx, after)} →")
    if not parts:
        return []
    return ["```{container} bulletin-nav", "", "\n\n".join(parts), "", "```", ""]
