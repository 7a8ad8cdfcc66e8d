"""Version pages, diff pages, and the small permanent page of each latest version.

Page count: the bulletin page shows the latest version in full. Its permanent
version URL (`v<N>.html`) is a tiny static file that leads there (copied into the
HTML output, not a Sphinx document), so the archive does not render every
bulletin's text twice. An earlier version, and the diff between two consecutive
versions, are Sphinx documents (orphans: reached from the version list).
"""

from __future__ import annotations

from pathlib import Path

from .. import diff
from ..bodytext import reading_blocks
from ...addresses import EXTRA_DIR
from ...policy import META
from ...model.safebody import own_images, unsafe_constructs
from . import slots
from ._context import Context, Row, diff_docname, docname, orphan_page, version_docname
from ._html import a, esc, raw
from ._text import day, figure_period, figure_value, link, myst_escape, partial_date, present, raw_escape
from .bulletin import (breadcrumbs, correction_note, dateline, figure_label, figure_source_text, illustrative_banner,
                       version_content, version_list)

FIGURE_COLUMNS = ("Figure", "Value", "Period", "Place", "Reported by")
FIGURE_KEY = ("Figure", "Place")


def older_version_page(ctx: Context, bulletin_id: str, number: int) -> str:
    """The permanent page of an earlier version: its own text, and a clear pointer to the newer one."""
    bulletin = ctx.bulletins[bulletin_id]
    version = ctx.version(bulletin_id, number)
    latest = int(bulletin["latest_version"])
    url, here = bulletin["url"], version_docname(bulletin["url"], number)
    newest = link(f"version {latest}, corrected {day(bulletin['last_revised'])}", docname(url))
    changes = link(f"what changed in version {number + 1}", diff_docname(url, number + 1))
    lines = [f"# {myst_escape(version['title'])} (version {number})", ""]
    lines += ["```{important}", f"This is version {number} of {latest}, {_published(bulletin, version)}. "
              f"A newer version exists: {newest}. See {changes}.", "```", ""]
    lines += raw(breadcrumbs(ctx, here, bulletin, with_bulletin=True), dateline(ctx, bulletin, version))
    lines += illustrative_banner(version)
    if number > 1:
        lines += correction_note(version)
    lines += version_content(ctx, here, bulletin, version)
    lines += raw(version_list(ctx, here, bulletin, current=number))
    lines += slots.cite_version(bulletin, version, ctx.series.get(bulletin["series"]))
    return orphan_page(ctx, lines)


def _published(bulletin: Row, version: Row) -> str:
    """`published 9 July 2019` for a first version, `corrected 10 July 2019` for a later one."""
    return f"corrected {day(version['revised'])}" if int(version["version"]) > 1 else f"published {day(bulletin['date'])}"


def version_target(bulletin: Row, number: int) -> str:
    """The docname that shows version `number`: the bulletin page for the latest, else its own page."""
    url = bulletin["url"]
    return docname(url) if number == int(bulletin["latest_version"]) else version_docname(url, number)


def diff_page(ctx: Context, bulletin_id: str, new: int) -> str:
    """What changed from version `new - 1` to `new`: fields, figures and the body's rendered text, word by word."""
    bulletin = ctx.bulletins[bulletin_id]
    before, after = ctx.version(bulletin_id, new - 1), ctx.version(bulletin_id, new)
    here = diff_docname(bulletin["url"], new)
    lines = [f"# {myst_escape(after['title'])}: changes in version {new}", ""]
    older = a(here, version_target(bulletin, new - 1), f"version {new - 1}")
    newer = a(here, version_target(bulletin, new), f"version {new}")
    lines += raw(breadcrumbs(ctx, here, bulletin, with_bulletin=True),
                 f'<p>Version {new}, corrected {esc(day(after["revised"]))}: '
                 f'<span dir="auto">{esc(after["revision_note"])}</span></p>',
                 f"<p>Compare {older} with {newer}. Inserted words are underlined and highlighted; "
                 "deleted words are struck through; unchanged paragraphs are folded.</p>")
    lines += illustrative_banner(after if after["illustrative"] else before)
    fields = diff.field_changes(_fields(ctx, bulletin_id, before), _fields(ctx, bulletin_id, after))
    lines += _raw_section("Fields", diff.fields_html(fields) if fields else "", "No field changed.")
    figures = diff.figure_changes(_figures(ctx, bulletin_id, new - 1), _figures(ctx, bulletin_id, new), FIGURE_KEY)
    shown = [f for f in figures if f.status != "unchanged"]
    lines += _raw_section("Figures", diff.figures_html(shown, FIGURE_COLUMNS) if shown else "",
                          "No figure changed.")
    lines += _text_section(before, after)
    return orphan_page(ctx, lines)


def _text_section(before: Row, after: Row) -> list[str]:
    """The body's difference, or why it is not shown: a body outside the safe profile is withheld here too."""
    withheld = [str(v["version"]) for v in (before, after) if _withheld(v)]
    if withheld:
        which = " and ".join(f"version {n}" for n in withheld)
        return _raw_section("Text", f"<p>The text of {which} is withheld: it uses constructs a bulletin body may "
                                    "not contain, so the texts are not compared here.</p>", "")
    body = diff.block_diff(reading_blocks(before["body"]), reading_blocks(after["body"]))
    return _raw_section("Text", diff.blocks_html(body) if diff.blocks_changed(body) else "",
                        "The text did not change.")


def _withheld(version: Row) -> bool:
    """True when the build withholds this version's body (the same safe profile as `check` and the build)."""
    return bool(unsafe_constructs(str(version["body"]), own_files=own_images(Path(version["path"]).parent)))


def _raw_section(heading: str, html_text: str, empty: str) -> list[str]:
    """A section with a heading and the HTML (or a sentence when nothing changed), as one raw block."""
    ident = heading.lower()
    return raw(f'<section id="{ident}"><h2>{heading}</h2>{html_text or f"<p>{empty}</p>"}</section>')


def _fields(ctx: Context, bulletin_id: str, version: Row) -> dict[str, str]:
    """The display text of a version's fields, for comparison."""
    key = (bulletin_id, int(version["version"]))
    events = [f"{partial_date(e['date_text'], e['precision'])}, {_text(e['place'])}: {e['what']}"
              for e in ctx.events.get(key, [])]
    sources = [" ".join(_text(s[k]) for k in ("title", "publisher", "url")) for s in ctx.sources.get(key, [])]
    links = [_text(link_row["target"]) for link_row in ctx.links.get(key, [])]
    return {
        "title": str(version["title"]), "summary": _text(version["summary"]), "caption": _text(version["caption"]),
        "image": _text(version["image"]), "illustrative": "yes" if version["illustrative"] else "no",
        "places": ", ".join(version["places"]), "actors": ", ".join(version["actors"]),
        "tags": ", ".join(version["tags"]), "see also": ", ".join(links),
        "events": "\n".join(events), "sources": "\n".join(sources),
    }


def _text(value: object) -> str:
    """Plain text of an optional field."""
    return str(value) if present(value) else ""


def _figures(ctx: Context, bulletin_id: str, number: int) -> list[dict[str, str]]:
    """The display columns of a version's figures."""
    rows = ctx.figures.get((bulletin_id, number), [])
    by_id = {f["id"]: f for f in rows if present(f["id"])}
    return [dict(zip(FIGURE_COLUMNS, (figure_label(f, by_id), figure_value(f), figure_period(f),
                                      _text(f["place"]), figure_source_text(f)))) for f in rows]


def latest_stub_path(bulletin: Row) -> str:
    """Where the static page of the latest version is staged (copied as `<url>/v<N>.html`)."""
    return f"{EXTRA_DIR}/{bulletin['url'].rstrip('/')}/v{int(bulletin['latest_version'])}.html"


def latest_stub(ctx: Context, bulletin: Row) -> str:
    """A static page at the latest version's permanent URL that sends the reader to the bulletin page."""
    number = int(bulletin["latest_version"])
    language = ctx.series.get(bulletin["series"], {}).get("language") or "en"
    title = raw_escape(bulletin["title"])
    return (
        f'<!DOCTYPE html>\n<html lang="{raw_escape(language)}">\n<head>\n<meta charset="utf-8">\n{META}\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<title dir="auto">{title} (version {number})</title>\n'
        f'<link rel="canonical" href="index.html">\n<meta http-equiv="refresh" content="0; url=index.html">\n'
        f'</head>\n<body>\n<main>\n<p>Version {number} is the latest version of '
        f'<a href="index.html" dir="auto">{title}</a> ({day(bulletin["date"])}); '
        f'the bulletin&#8217;s page shows it.</p>\n</main>\n</body>\n</html>\n'
    )
