"""The page of a bulletin (its latest version) and the parts it shares with older version pages.

The title, the body (the `dailyarchive-body` directive), the illustrative banner, the correction note and
the photo go through MyST; everything with many links is one raw HTML block (see
`_html` for the measurements behind that).
"""

from __future__ import annotations

import re
from pathlib import Path

from ...addresses import BODY_DIR
from ...model.safebody import BODY_DIRECTIVE, IMAGE_SUFFIXES
from . import _latex as latex
from . import slots
from ._context import Context, Row, diff_docname, docname, month_docname, orphan_page, version_docname
from ._html import a, esc, raw, section, text_html, ul
from ._latex import tex
from ._text import day, figure_period, figure_value, myst_escape, partial_date, present, yaml_string

_UNSAFE_FILE = re.compile(r"[^A-Za-z0-9._-]+")
#: The PDF's figures table: column titles and their shares of the line.
FIGURE_COLUMNS = (("Figure", 0.27), ("Value", 0.17), ("Period", 0.22), ("Place", 0.14), ("Reported by", 0.16))


def bulletin_page(ctx: Context, bulletin_id: str) -> str:
    """The bulletin's permanent page: its latest version in full, with links around it."""
    bulletin = ctx.bulletins[bulletin_id]
    latest = ctx.version(bulletin_id, int(bulletin["latest_version"]))
    here = docname(bulletin["url"])
    lines = [f"# {myst_escape(bulletin['title'])}", ""]
    lines += raw(breadcrumbs(ctx, here, bulletin), dateline(ctx, bulletin, latest))
    if ctx.settings.latex:
        lines += latex.raw(latex_dateline(ctx, bulletin, latest))
    lines += illustrative_banner(latest)
    if bulletin["corrected"]:
        lines += correction_note(latest)
    lines += version_content(ctx, here, bulletin, latest)
    lines += bulletin_chart_lines(ctx, bulletin)
    lines += raw(backlinks(ctx, here, bulletin_id), version_list(ctx, here, bulletin, int(latest["version"])))
    lines += slots.cite_version(bulletin, latest, ctx.series.get(bulletin["series"]))
    lines += raw(neighbours(ctx, here, bulletin_id))
    return orphan_page(ctx, lines)


def bulletin_chart_lines(ctx: Context, bulletin: Row) -> list[str]:
    """The charts slot of a bulletin page, with the latest version's figures."""
    figures = ctx.figures.get((bulletin["bulletin_id"], int(bulletin["latest_version"])), [])
    chart = slots.bulletin_chart(bulletin, figures)
    return [*chart, ""] if chart else []


def series_name(ctx: Context, slug: str) -> str:
    """The display name of a series (its slug when unknown)."""
    return str(ctx.series.get(slug, {}).get("name", slug))


def breadcrumbs(ctx: Context, here: str, bulletin: Row, with_bulletin: bool = False) -> str:
    """Series › year › month links above the content (› the bulletin, on its version and diff pages)."""
    slug, year, month = bulletin["series"], int(bulletin["year"]), int(bulletin["month"])
    trail = [a(here, f"{slug}/index", series_name(ctx, slug)), a(here, f"{slug}/{year:04d}/index", year),
             a(here, month_docname(slug, year, month), f"{bulletin['date']:%B} {year}")]
    if with_bulletin:
        trail.append(a(here, docname(bulletin["url"]), bulletin["title"]))
    return f'<nav class="breadcrumbs" aria-label="Breadcrumbs">{" › ".join(trail)}</nav>'


def illustrative_banner(version: Row) -> list[str]:
    """A warning box on demonstration content (MyST, so PDF and EPUB carry it too)."""
    if not version["illustrative"]:
        return []
    return ["```{warning}", "Illustrative: this bulletin is demonstration content, not part of the record. "
            "Its figures must not be cited.", "```", ""]


def correction_note(version: Row) -> list[str]:
    """`Corrected on <date>: <note>` in a note box."""
    return ["```{note}", f"Corrected on {day(version['revised'])}: {myst_escape(version['revision_note'])}",
            "```", ""]


def dateline(ctx: Context, bulletin: Row, version: Row) -> str:
    """Date, series and version number under the title."""
    count = len(ctx.versions[bulletin["bulletin_id"]])
    text = f"{day(bulletin['date'])} · {series_name(ctx, bulletin['series'])} · version {version['version']} of {count}"
    return f'<p class="dateline">{esc(text)}</p>'


def latex_dateline(ctx: Context, bulletin: Row, version: Row) -> str:
    """Date, series and version number under the title, for the PDF."""
    count = len(ctx.versions[bulletin["bulletin_id"]])
    text = f"{day(bulletin['date'])} · {series_name(ctx, bulletin['series'])} · version {version['version']} of {count}"
    return f"\\noindent\\textit{{{tex(text)}}}\\par\n"


def version_content(ctx: Context, here: str, bulletin: Row, version: Row) -> list[str]:
    """What a version says: summary, photo, body, figures, events, sources, names and see-also links."""
    key = (bulletin["bulletin_id"], int(version["version"]))
    lines = raw(f'<p class="summary" dir="auto">{text_html(version["summary"])}</p>' if present(version["summary"]) else "")
    lines += photo(bulletin, version)
    lines += [f"```{{{BODY_DIRECTIVE}}} /{body_path(bulletin, int(version['version']))}", "```", ""]
    lines += raw(figures_box(ctx, here, ctx.figures.get(key, [])), events(ctx, here, ctx.events.get(key, [])),
                 sources(ctx.sources.get(key, [])), names(ctx, here, version),
                 see_also(ctx, here, ctx.links.get(key, [])))
    if ctx.settings.latex:
        lines += latex_parts(ctx, key, version)
    return lines


def latex_parts(ctx: Context, key: tuple[str, int], version: Row) -> list[str]:
    """Summary, figures, events, sources, names and see-also for the PDF (a raw LaTeX block)."""
    figures = ctx.figures.get(key, [])
    by_id = {f["id"]: f for f in figures if present(f["id"])}
    figure_rows = [[tex(part) for part in (figure_label(f, by_id), figure_value(f), figure_period(f),
                                           f["place"], figure_source_text(f))] for f in figures]
    event_items = [f"{tex(partial_date(e['date_text'], e['precision']))}"
                   + (f", {tex(e['place'])}" if present(e["place"]) else "") + f": {tex(e['what'])}"
                   for e in ctx.events.get(key, [])]
    source_items = [", ".join(tex(s[k]) for k in ("title", "publisher", "url") if present(s[k]))
                    for s in ctx.sources.get(key, [])]
    name_items = [f"{label}: {tex(', '.join(version[kind]))}"
                  for label, kind in (("Places", "places"), ("Actors", "actors"), ("Tags", "tags")) if version[kind]]
    targets = dict.fromkeys(r["target_id"] for r in ctx.links.get(key, [])
                            if present(r["target_id"]) and r["target_id"] in ctx.bulletins)
    link_items = [f"{tex(day(ctx.bulletins[t]['date']))}: "
                  + latex.internal_link(docname(ctx.bulletins[t]["url"]), tex(ctx.bulletins[t]["title"])) for t in targets]
    summary = f"\\textbf{{{tex(version['summary'])}}}\\par\n" if present(version["summary"]) else ""
    return latex.raw(summary, latex.table("Figures reported", FIGURE_COLUMNS, figure_rows), latex.items("Events", event_items),
                     latex.items("Sources", source_items), latex.items("Places, actors and tags", name_items),
                     latex.items("See also", link_items))


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
        return raw(f'<p class="caption" dir="auto">{text_html(version["caption"])}</p>') if caption else []
    return [f"```{{figure}} {image_name(str(version['image']))}", "---",
            f"alt: {yaml_string(version['caption'] or bulletin['title'])}", "---", caption or "", "```", ""]


def figures_box(ctx: Context, here: str, figures: list[Row]) -> str:
    """A table of every figure the version reports, with qualifier, bounds, period, place and source."""
    if not figures:
        return ""
    by_id = {f["id"]: f for f in figures if present(f["id"])}
    head = "".join(f'<th scope="col">{c}</th>' for c in ("Figure", "Value", "Period", "Place", "Reported by"))
    rows = []
    for figure in figures:
        cells = [esc(figure_label(figure, by_id)), esc(figure_value(figure)), esc(figure_period(figure)),
                 name_link(ctx, here, "places", figure["place"]), _figure_source(ctx, here, figure)]
        rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    table = (f'<div class="table-scroll" tabindex="0" role="region" aria-label="Figures reported">'
             f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")
    return section("Figures reported", table, "figures-reported", "figures-box")


def figure_label(figure: Row, by_id: dict[str, Row]) -> str:
    """`Killed: children (part of killed: civilians)`, as plain text."""
    label = f"{figure['measure'].replace('-', ' ').capitalize()}: {figure['group'].replace('-', ' ')}"
    parent = by_id.get(figure["parent"]) if present(figure["parent"]) else None
    if parent is not None:
        label += f" (part of {parent['measure'].replace('-', ' ')}: {parent['group'].replace('-', ' ')})"
    return label


def _figure_source(ctx: Context, here: str, figure: Row) -> str:
    """Who reported the number, and who claims it when it is one side's claim (linked names)."""
    parts = []
    if present(figure["reported_by"]):
        parts.append(name_link(ctx, here, "actors", figure["reported_by"]))
    if present(figure["claimed_by"]):
        parts.append("claimed by " + name_link(ctx, here, "actors", figure["claimed_by"]))
    return "; ".join(parts)


def figure_source_text(figure: Row) -> str:
    """Who reported the number and who claims it, as plain text."""
    parts = [str(figure["reported_by"])] if present(figure["reported_by"]) else []
    if present(figure["claimed_by"]):
        parts.append(f"claimed by {figure['claimed_by']}")
    return "; ".join(parts)


def name_link(ctx: Context, here: str, kind: str, name: object) -> str:
    """A link to the page of a place, actor or tag; plain text for a name outside the gazetteer."""
    if not present(name):
        return ""
    index = ctx.names[kind]
    canonical = index.canonical(str(name))
    return a(here, index.docname(canonical), canonical) if canonical else f'<span dir="auto">{text_html(name)}</span>'


def events(ctx: Context, here: str, rows: list[Row]) -> str:
    """Dated events, each date at its own precision (day, month or year)."""
    items = []
    for event in rows:
        parts = [f"<strong>{esc(partial_date(event['date_text'], event['precision']))}</strong>"]
        if present(event["place"]):
            parts.append(name_link(ctx, here, "places", event["place"]))
        if event["actors"]:
            parts.append(", ".join(name_link(ctx, here, "actors", actor) for actor in event["actors"]))
        items.append(f'{" · ".join(parts)}: <span dir="auto">{text_html(event["what"])}</span>')
    return section("Events", ul(items), "events")


def sources(rows: list[Row]) -> str:
    """Who reported what: title (linked to its URL), publisher, date accessed."""
    items = []
    for source in rows:
        title = f'<span dir="auto">{text_html(source["title"])}</span>'
        if present(source["url"]):
            title = f'<a class="reference external" href="{esc(source["url"])}" dir="auto">{text_html(source["title"])}</a>'
        extra = [f'<span dir="auto">{text_html(source["publisher"])}</span>'] if present(source["publisher"]) else []
        if present(source["accessed"]):
            extra.append(f"accessed {esc(day(source['accessed']))}")
        items.append(title + (", " + ", ".join(extra) if extra else ""))
    return section("Sources", ul(items), "sources")


def names(ctx: Context, here: str, version: Row) -> str:
    """Places, actors and tags of the version, each linking to its page."""
    items = [f"{label}: " + ", ".join(name_link(ctx, here, kind, n) for n in version[kind])
             for label, kind in (("Places", "places"), ("Actors", "actors"), ("Tags", "tags")) if version[kind]]
    return section("Places, actors and tags", ul(items), "places-actors-and-tags")


def bulletin_link(ctx: Context, here: str, bulletin_id: str) -> str:
    """`9 July 2019: <a>title</a>` for another bulletin."""
    other = ctx.bulletins[bulletin_id]
    return f"{esc(day(other['date']))}: {a(here, docname(other['url']), other['title'])}"


def see_also(ctx: Context, here: str, rows: list[Row]) -> str:
    """The version's see-also links (unresolved targets are left to `check`, never a broken link)."""
    targets = dict.fromkeys(r["target_id"] for r in rows if present(r["target_id"]) and r["target_id"] in ctx.bulletins)
    return section("See also", ul(bulletin_link(ctx, here, t) for t in targets), "see-also")


def backlinks(ctx: Context, here: str, bulletin_id: str) -> str:
    """Bulletins whose latest version points here: later ones, and earlier ones if a correction added a link."""
    date = ctx.bulletins[bulletin_id]["date"]
    pointing = ctx.backlinks.get(bulletin_id, [])
    later = [s for s in pointing if ctx.bulletins[s]["date"] >= date]
    earlier = [s for s in pointing if ctx.bulletins[s]["date"] < date]
    return "".join([
        section("Later bulletins that point here", ul(bulletin_link(ctx, here, s) for s in later),
                "later-bulletins-that-point-here"),
        section("Earlier bulletins that point here", ul(bulletin_link(ctx, here, s) for s in earlier),
                "earlier-bulletins-that-point-here"),
    ])


def version_list(ctx: Context, here: str, bulletin: Row, current: int) -> str:
    """Every version with its date and note, linked, and the changes between consecutive ones."""
    versions = ctx.versions[bulletin["bulletin_id"]]
    if len(versions) < 2:
        return ""
    url_, latest = bulletin["url"], int(bulletin["latest_version"])
    items = []
    for version in versions:
        number = int(version["version"])
        when = f"corrected {day(version['revised'])}" if number > 1 else f"published {day(bulletin['date'])}"
        target = docname(url_) if number == latest else version_docname(url_, number)
        label = f"Version {number}" + (" (this page)" if number == current else "")
        item = f"{a(here, target, label)}, {esc(when)}"
        if number > 1:
            item += (f': <span dir="auto">{text_html(version["revision_note"])}</span> '
                     f"({a(here, diff_docname(url_, number), 'what changed')})")
        items.append(item)
    return section("Versions", ul(items), "versions")


def neighbours(ctx: Context, here: str, bulletin_id: str) -> str:
    """Previous and next bulletin of the same series."""
    before, after = ctx.neighbours.get(bulletin_id, (None, None))
    parts = []
    if before:
        parts.append(f'<p class="previous">← Previous: {bulletin_link(ctx, here, before)}</p>')
    if after:
        parts.append(f'<p class="next">Next: {bulletin_link(ctx, here, after)} →</p>')
    return f'<nav class="bulletin-nav" aria-label="Previous and next bulletin">{"".join(parts)}</nav>' if parts else ""
