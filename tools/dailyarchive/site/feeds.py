"""Catalog → discovery files: Atom feeds per series and tag, sitemap.xml, robots.txt, Memento TimeMaps.

Pure functions: they return {path relative to the output folder: text}; the Sphinx glue writes them.
URLs are absolute when the site's base URL is known, and relative to the file that holds them
otherwise (Atom and link-format resolve relative references against the file's own URL).
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

import pandas as pd

from ..addresses import bulletin_volume
from ..catalog.catalog import Catalog
from ..catalog.series import iso_days
from ..model.load import volume_of
from ..model.memo import Kept, Memo, digest_of_record, remembered_texts
from .cite import version_docname

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
FEED_DIR = "feeds"
FEED_ENTRIES = 50
SITEMAP_LIMIT = 50_000
TIMEMAP = "timemap.link"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NAMESPACE = uuid.UUID("6f1c6a3e-8a4e-5b52-9d7e-3f0b8c4d2a10")


@dataclass(frozen=True)
class Site:
    """How pages are addressed: `page_url(docname)` is a page's path from the site root."""

    baseurl: str = ""
    page_url: Callable[[str], str] = lambda docname: f"{docname}.html"

    def inputs(self) -> str:
        """What the addresses depend on, for a digest: the base URL and the path a page's docname becomes."""
        return f"{self.baseurl}\n{self.page_url('series/year/bulletin/index')}"

    def href(self, target: str, here: str) -> str:
        """The URL of `target` (a path from the site root) as written in the file at `here`."""
        if self.baseurl:
            return self.baseurl.rstrip("/") + "/" + target
        return relative_path(target, here)


def relative_path(target: str, here: str) -> str:
    """The path from the file at `here` to `target`, both relative to the site root (`a/b` from `a/c/d` is `../b`)."""
    base, parts = here.split("/")[:-1], target.split("/")
    common = 0
    while common < len(base) and common < len(parts) - 1 and base[common] == parts[common]:
        common += 1
    return "../" * (len(base) - common) + "/".join(parts[common:]) or "./"


def feed_path(kind: str, slug: str) -> str:
    """Where a feed is written: `feeds/<series>.atom`, or `feeds/tags/<slug>.atom` (the tag page's slug)."""
    return f"{FEED_DIR}/{slug}.atom" if kind == "series" else f"{FEED_DIR}/tags/{slug}.atom"


def tag_slugs(catalog: Catalog) -> dict[str, str]:
    """The slug of every tag that has bulletins: the same as its page's (`tags/<slug>/`)."""
    from .pages._text import name_slugs  # here, not at the top: `pages` imports this module's feed paths

    used = {t for tags in catalog.bulletins["tags"] for t in tags}
    slugs = name_slugs(sorted(set(catalog.tags.index) | used))
    return {tag: slugs[tag] for tag in used}


def entry_id(bulletin_id: str) -> str:
    """The permanent Atom id of a bulletin (a name-based UUID: it survives a move of the site)."""
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, bulletin_id)}"


def _timestamp(day: pd.Timestamp) -> str:
    return f"{day:%Y-%m-%d}T00:00:00Z"


def atom_feed(entries: list[tuple[str, dict[str, Any]]], notes: dict[str, object], path: str, title: str,
              site: Site, alternate: str = "", publisher: str = "dailyarchive") -> str:
    """An Atom feed of `entries` (bulletin id and its row of `FEED_COLUMNS` with `_updated`, the latest first: at
    most `FEED_ENTRIES`); a correction is an updated entry.

    `notes`: the latest revision note by bulletin id (`revision_notes`).
    """
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "id", entry_id(f"feed:{path}"))
    _sub(feed, "title", title)
    _sub(feed, "updated", _timestamp(max(row["_updated"] for _, row in entries)) if entries
         else "1970-01-01T00:00:00Z")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", type="application/atom+xml", href=site.href(path, path))
    if alternate:
        ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=site.href(alternate, path))
    _sub(ET.SubElement(feed, f"{{{ATOM}}}author"), "name", publisher)
    _sub(feed, "generator", "dailyarchive")
    for bulletin_id, row in entries:
        feed.append(_entry(bulletin_id, row, notes.get(bulletin_id), path, site))
    ET.indent(feed)
    return ET.tostring(feed, encoding="unicode", xml_declaration=True) + "\n"


def latest_first(bulletins: pd.DataFrame) -> pd.DataFrame:
    """`_updated` (the last correction, else the date) and `date` of `bulletins`, latest first (stable)."""
    updated = bulletins["last_revised"].where(bulletins["corrected"] & bulletins["last_revised"].notna(),
                                              bulletins["date"])
    order = pd.DataFrame({"_updated": updated, "date": bulletins["date"]})
    return order.sort_values(["_updated", "date"], ascending=False, kind="stable")


def _entry(bulletin_id: str, row: dict[str, Any], revision_note: object, path: str, site: Site) -> ET.Element:
    entry = ET.Element(f"{{{ATOM}}}entry")
    _sub(entry, "id", entry_id(bulletin_id))
    _sub(entry, "title", _text(row["title"]))
    _sub(entry, "published", _timestamp(row["date"]))
    _sub(entry, "updated", _timestamp(row["_updated"]))
    page = site.page_url(row["url"].rstrip("/") + "/index")
    ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=site.href(page, path))
    for tag in row["tags"]:
        ET.SubElement(entry, f"{{{ATOM}}}category", term=tag)
    summary = _text(row["summary"])
    if bool(row["corrected"]):
        when = f"{row['last_revised']:%d %B %Y}".lstrip("0") if not pd.isna(row["last_revised"]) else ""
        correction = f"Corrected {'on ' + when if when else ''} (version {int(row['latest_version'])})"
        note = _text(revision_note)
        summary = f"{correction}: {note}. {summary}" if note else f"{correction}. {summary}"
    if summary.strip():
        _sub(entry, "summary", summary.strip())
    return entry


def revision_notes(catalog: Catalog) -> pd.Series:
    """The revision note of each bulletin's latest version, by bulletin id."""
    return catalog.latest("versions").set_index("bulletin_id")["revision_note"]


#: The columns of a bulletin that its feed entry shows.
FEED_COLUMNS = ["series", "title", "date", "url", "tags", "summary", "corrected", "last_revised", "latest_version"]


def feeds(catalog: Catalog, site: Site) -> dict[str, str]:
    """An Atom feed for every series and every tag that has bulletins."""
    files: dict[str, str] = {}
    bulletins = catalog.bulletins
    notes = revision_notes(catalog).to_dict()
    order = latest_first(bulletins)
    ranked = list(order.index)  # once: a feed takes its first members in this order
    rows: dict[str, dict[str, Any]] = {}  # made once for each bulletin a feed lists

    def latest(members: set[str]) -> list[tuple[str, dict[str, Any]]]:
        chosen = [b for b in ranked if b in members][:FEED_ENTRIES]
        missing = [b for b in chosen if b not in rows]
        if missing:
            made = bulletins.loc[missing, FEED_COLUMNS].assign(_updated=order.loc[missing, "_updated"])
            rows.update(zip(missing, made.to_dict("records")))
        return [(b, rows[b]) for b in chosen]

    publishers = dict(zip(catalog.series["slug"].tolist(), catalog.series["publisher"].tolist()))

    def publisher(entries: list[tuple[str, dict[str, Any]]]) -> str:
        names = [_text(publishers[s]) for s in dict.fromkeys(row["series"] for _, row in entries) if s in publishers]
        return "; ".join(n for n in names if n) or "dailyarchive"

    def feed(members: set[str], path: str, title: str, page: str) -> str:
        entries = latest(members)
        return atom_feed(entries, notes, path, title, site, site.page_url(page), publisher(entries))

    for row in catalog.series.itertuples():
        in_series = set(bulletins.index[bulletins["series"] == row.slug])
        if in_series:
            path = feed_path("series", row.slug)
            files[path] = feed(in_series, path, _text(row.name), f"{row.slug}/index")
    tagged: dict[str, set[str]] = {}
    for bulletin_id, tags in zip(bulletins.index, bulletins["tags"]):
        for tag in tags:
            tagged.setdefault(tag, set()).add(bulletin_id)
    slugs = tag_slugs(catalog)
    for tag in sorted(tagged):
        path = feed_path("tag", slugs[tag])
        files[path] = feed(tagged[tag], path, f"Tag: {tag}", f"tags/{slugs[tag]}/index")
    return files


def sitemap(urls: Iterable[tuple[str, str]], site: Site) -> dict[str, str]:
    """`sitemap.xml` for (path, lastmod) pairs; past 50,000 URLs, an index of `sitemap-N.xml` files."""
    urls = list(urls)
    chunks = [urls[i:i + SITEMAP_LIMIT] for i in range(0, len(urls), SITEMAP_LIMIT)] or [[]]
    if len(chunks) == 1:
        return {"sitemap.xml": _urlset(chunks[0], "sitemap.xml", site)}
    files = {f"sitemap-{n}.xml": _urlset(chunk, f"sitemap-{n}.xml", site) for n, chunk in enumerate(chunks, 1)}
    ET.register_namespace("", SITEMAP)
    index = ET.Element(f"{{{SITEMAP}}}sitemapindex")
    for name in files:
        _sub(ET.SubElement(index, f"{{{SITEMAP}}}sitemap"), "loc", site.href(name, "sitemap.xml"), SITEMAP)
    files["sitemap.xml"] = _xml(index)
    return files


def _urlset(urls: list[tuple[str, str]], here: str, site: Site) -> str:
    """The `<urlset>` of a sitemap, written as text: the bytes ElementTree writes, five times faster (the
    sitemap of every page is made on each build)."""
    declaration = "<?xml version='1.0' encoding='utf-8'?>\n"
    if not urls:
        return f'{declaration}<urlset xmlns="{SITEMAP}" />\n'
    lines = [f'<urlset xmlns="{SITEMAP}">']
    for path, lastmod in urls:
        lines.append(f"  <url>\n    <loc>{escape(site.href(path, here))}</loc>")
        if lastmod:
            lines.append(f"    <lastmod>{escape(lastmod)}</lastmod>")
        lines.append("  </url>")
    return declaration + "\n".join(lines) + "\n</urlset>\n"


def sitemap_urls(catalog: Catalog, site: Site, docnames: Iterable[str]) -> list[tuple[str, str]]:
    """(page path, lastmod) of every page: bulletin and version pages get the date of their last change."""
    urls = dict(zip(catalog.bulletins.index.tolist(), catalog.bulletins["url"].tolist()))
    lastmod: dict[str, str] = {}
    versions = catalog.versions
    changed = iso_days(versions["revised"].fillna(versions["date"]))
    for bulletin_id, number, day in zip(versions["bulletin_id"].tolist(), versions["version"].tolist(),
                                        changed.tolist()):
        lastmod[version_docname(urls[bulletin_id], int(number))] = day
        page = urls[bulletin_id].rstrip("/") + "/index"
        lastmod[page] = max(lastmod.get(page, ""), day)
    return [(site.page_url(d), lastmod.get(d, "")) for d in sorted(docnames)]


def robots(site: Site) -> str:
    """`robots.txt`: everything may be crawled; the sitemap is named when the base URL is known."""
    lines = ["User-agent: *", "Allow: /"]
    if site.baseurl:
        lines.append(f"Sitemap: {site.href('sitemap.xml', 'robots.txt')}")
    return "\n".join(lines) + "\n"


def http_date(day: pd.Timestamp) -> str:
    """An RFC 1123 date at midnight UTC, as Memento uses: `Tue, 09 Jul 2019 00:00:00 GMT`."""
    stamp = datetime(day.year, day.month, day.day)
    return stamp.strftime("%a, %d %b %Y 00:00:00 GMT")


def timemaps(catalog: Catalog, site: Site, memo: Memo | None = None,
             read_from: dict[str, str] | None = None) -> dict[str, str | Kept]:
    """A Memento TimeMap (RFC 7089, application/link-format) in every bulletin's folder.

    It lists the permanent page of every version (`v<N>.html`) with the date it was published or
    corrected; the bulletin's page is the original resource. With `memo` and `read_from` (what each volume's
    files were read from, `build.reading.Reading.digests`), the TimeMaps of a volume whose bulletins were read
    from the same files as before come back from `memo`, none made.
    """
    urls = dict(zip(catalog.bulletins.index, catalog.bulletins["url"]))
    versions: dict[str, list[tuple[int, pd.Timestamp]]] = {}
    read: dict[str, set[str]] = {}
    for bulletin_id, number, date, revised, path in zip(catalog.versions["bulletin_id"], catalog.versions["version"],
                                                        catalog.versions["date"], catalog.versions["revised"],
                                                        catalog.versions["path"]):
        versions.setdefault(bulletin_id, []).append((int(number), date if pd.isna(revised) else revised))
        read.setdefault(bulletin_volume(bulletin_id), set()).add(volume_of(catalog.root, path))
    by_volume: dict[str, list[str]] = {}
    for bulletin_id in versions:
        by_volume.setdefault(bulletin_volume(bulletin_id), []).append(bulletin_id)
    out: dict[str, str | Kept] = {}
    for volume, ids in by_volume.items():
        def made(ids: list[str] = ids) -> dict[str, str]:
            return {urls[b] + TIMEMAP: timemap(urls[b], sorted(versions[b]), site) for b in ids}

        inputs = sorted(read_from.get(v, "") for v in read[volume]) if read_from is not None else [""]
        out.update(remembered_texts(memo if read_from is not None and all(inputs) else None, volume,
                                    digest_of_record([inputs, site.inputs()]), made))
    return out


def timemap(bulletin_url: str, versions: list[tuple[int, pd.Timestamp]], site: Site) -> str:
    """The TimeMap of one bulletin from its (version, date) pairs in version order."""
    here = bulletin_url + TIMEMAP
    original = site.page_url(bulletin_url.rstrip("/") + "/index")
    mementos = [(site.href(site.page_url(version_docname(bulletin_url, number)), here), http_date(moment))
                for number, moment in versions]
    links = [f'<{site.href(original, here)}>;rel="original"',
             f'<{site.href(here, here)}>;rel="self";type="application/link-format"'
             f';from="{mementos[0][1]}";until="{mementos[-1][1]}"']
    for number, (url, moment) in enumerate(mementos):
        rel = "memento"
        if number == 0:
            rel = "first memento"
        if number == len(mementos) - 1:
            rel = "last memento" if number else "first last memento"
        links.append(f'<{url}>;rel="{rel}";datetime="{moment}"')
    return ",\n".join(links) + "\n"


def _sub(parent: ET.Element, tag: str, text: str, namespace: str = ATOM) -> ET.Element:
    child = ET.SubElement(parent, f"{{{namespace}}}{tag}")
    child.text = text
    return child


def _xml(root: ET.Element) -> str:
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _text(value: object) -> str:
    """Text of a catalog cell, one line, without characters XML cannot hold."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return _NOT_XML.sub("", " ".join(str(value).split()))
