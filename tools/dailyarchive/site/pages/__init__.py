"""Catalog → the files to stage: MyST pages (bulletins, versions, diffs, indexes), bodies, images, stubs.

One module per page kind: `bulletin` (the latest version's page), `versions`
(earlier versions, diffs, the latest version's permanent URL), `browse` (home,
series, year, month), `names` (places, actors, tags). `slots` holds the places
where other parts of the toolkit insert their directives. Every page is a
function of its staged text only, so Sphinx rebuilds exactly the pages whose
text changed.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ...addresses import bulletin_volume
from ...catalog.catalog import Catalog
from ...model.load import volume_of
from ...model.memo import Kept, Memo, digest_of_record, remembered_texts
from ...model.safebody import own_images
from ._context import (NAME_KINDS, Context, PageSettings, build_context, diff_docname, docname, month_docname,
                       version_docname)
from ._text import myst_escape
from .browse import HOME_INCLUDE, home_include, item_inputs, month_inputs, month_page, series_page, year_page
from .bulletin import body_path, bulletin_page, image_name, image_source
from .names import name_pages
from .versions import diff_page, latest_stub, latest_stub_path, older_version_page

__all__ = [
    "HOME_INCLUDE", "PageSettings", "diff_docname", "docname", "VolumeMemo", "month_docname", "myst_escape", "staged_pages", "version_docname",
]


@dataclass(frozen=True)
class VolumeMemo:
    """Where the bulletin pages of each volume are kept as one entry, by volume: a volume whose inputs
    (`volume_inputs`) are unchanged gets its bulletins' files back in one recall, without a digest a bulletin."""

    memo: Memo
    #: Each volume's digest of what it was read from: every file and folder of it (`build.reading.Reading`).
    digests: dict[str, str]


def staged_pages(catalog: Catalog, settings: PageSettings | None = None, memo: Memo | None = None,
                 lists: Memo | None = None, volumes: VolumeMemo | None = None) -> dict[str, str | bytes | Kept]:
    """Every generated file as {path relative to the source folder: text (or bytes for images)}.

    With `memo`, a bulletin's texts are kept in it (`Kept`: a file of the memo), and a bulletin whose
    inputs (`bulletin_inputs`) are unchanged gets them back from it; with `volumes` too, a volume's bulletins
    are kept and taken back together (`volume_files`). `lists` does the same for the pages that list
    bulletins (names, `names.name_pages`, and months, `browse_pages`), keyed by their paths.
    """
    ctx = build_context(catalog, settings or PageSettings())
    pages: dict[str, str | bytes | Kept] = {}
    pages.update(browse_pages(ctx, lists))
    by_volume: dict[str, list[str]] = defaultdict(list)
    for bulletin_id in ctx.bulletins:
        by_volume[bulletin_volume(bulletin_id)].append(bulletin_id)
    for volume, bulletin_ids in by_volume.items():
        pages.update(volume_files(ctx, volume, bulletin_ids, memo, volumes))
    for kind in NAME_KINDS:
        pages.update(name_pages(ctx, kind, lists))
    pages[HOME_INCLUDE] = home_include(ctx, set(pages))
    return pages


def browse_pages(ctx: Context, memo: Memo | None = None) -> dict[str, str | Kept]:
    """Series, year and month pages of every series; with `memo`, a month page is kept in it under the digest of
    what it reads (`browse.month_inputs`) and taken back while that is unchanged."""
    pages: dict[str, str | Kept] = {}
    bulletins = ctx.catalog.bulletins
    for slug, series in ctx.series.items():
        in_series = bulletins[bulletins["series"] == slug]
        pages[f"{slug}/index.md"] = series_page(ctx, series, in_series)
        if in_series.empty:
            continue
        years = sorted(int(y) for y in in_series["year"].unique())
        months = sorted({(int(y), int(m)) for y, m in zip(in_series["year"], in_series["month"])})
        span = (pd.Timestamp(in_series["date"].min()).date(), pd.Timestamp(in_series["date"].max()).date())
        for year, in_year in in_series.groupby("year"):
            pages[f"{slug}/{int(year):04d}/index.md"] = year_page(ctx, series, int(year), in_year, years)
            for month, in_month in in_year.groupby("month"):
                when = (int(year), int(month))
                path = month_docname(slug, *when) + ".md"
                digest = month_inputs(ctx, series, when, in_month, months, span) if memo is not None else ""
                pages.update(remembered_texts(memo, path, digest, lambda: {
                    path: month_page(ctx, series, *when, in_month, months, span)}))
    return pages


def bulletin_files(ctx: Context, bulletin_id: str) -> dict[str, str | bytes]:
    """A bulletin's page, its bodies, earlier versions, diffs, the latest version's stub and its images."""
    return {**bulletin_texts(ctx, bulletin_id), **bulletin_images(ctx, bulletin_id)}


def remembered_bulletin_files(ctx: Context, bulletin_id: str, memo: Memo | None) -> dict[str, str | bytes | Kept]:
    """`bulletin_files`, with the texts kept in `memo` (files of their own, read only when they must be
    written) and taken back from it when the bulletin's inputs are unchanged."""
    if memo is None:
        return bulletin_files(ctx, bulletin_id)
    texts = remembered_texts(memo, bulletin_id, bulletin_inputs(ctx, bulletin_id),
                             lambda: bulletin_texts(ctx, bulletin_id))
    return {**texts, **bulletin_images(ctx, bulletin_id)}


def volume_files(ctx: Context, volume: str, bulletin_ids: list[str], memo: Memo | None,
                 volumes: VolumeMemo | None) -> dict[str, str | bytes | Kept]:
    """The files of a volume's bulletins (`remembered_bulletin_files` of each). With `volumes`, their texts'
    digests and which bulletins have images are kept under `volume_inputs`, and while that is unchanged the
    texts come back from `memo` unread and only those bulletins' images are read."""
    if memo is None or volumes is None or (digest := volume_inputs(ctx, bulletin_ids, volumes.digests)) is None:
        return {path: content for b in bulletin_ids for path, content in remembered_bulletin_files(ctx, b, memo).items()}
    recalled = recalled_volume(ctx, memo, volumes.memo.recall(volume, digest), bulletin_ids)
    if recalled is not None:
        return recalled
    files: dict[str, str | bytes | Kept] = {}
    pictured = []
    for bulletin_id in bulletin_ids:
        made = remembered_bulletin_files(ctx, bulletin_id, memo)  # texts are `Kept`, images bytes
        pictured += [bulletin_id] if any(isinstance(content, bytes) for content in made.values()) else []
        files.update(made)
    texts = {path: content.sha256 for path, content in files.items() if isinstance(content, Kept)}
    if not any(isinstance(content, str) for content in files.values()):  # every text is in the memo
        volumes.memo.keep(volume, digest, {"texts": texts, "pictured": pictured})
    return files


def recalled_volume(ctx: Context, memo: Memo, kept: object,
                    bulletin_ids: list[str]) -> dict[str, str | bytes | Kept] | None:
    """The files of a volume from what `volume_files` kept (`kept`), or None when it is not that or a text's
    file is gone: the texts from `memo`, the images of the bulletins it names read again."""
    if not (isinstance(kept, dict) and isinstance(kept.get("pictured"), list)):
        return None
    texts = memo.kept_texts(kept.get("texts"))
    if texts is None:
        return None
    files: dict[str, str | bytes | Kept] = dict(texts)
    members = set(bulletin_ids)
    for bulletin_id in kept["pictured"]:
        if bulletin_id in members:
            files.update(bulletin_images(ctx, bulletin_id))
    return files


def volume_inputs(ctx: Context, bulletin_ids: list[str], read_from: dict[str, str]) -> str | None:
    """A digest of everything the pages of a volume's bulletins read (`bulletin_inputs` of each), or None when a
    file of theirs is in no volume of `read_from`: the digests of the volumes their files were read from
    (every file and folder of those: versions, photos, images), and of what they show of bulletins of other
    volumes (links, backlinks and neighbours across the volume's edges)."""
    members = set(bulletin_ids)
    volumes: set[str] = set()
    crossing = []
    for bulletin_id in bulletin_ids:
        versions = ctx.versions[bulletin_id]
        volumes.update(volume_of(ctx.catalog.root, v["path"]) for v in versions)
        backlinks, neighbours = ctx.backlinks.get(bulletin_id, []), ctx.neighbours.get(bulletin_id, (None, None))
        linked = {r["target_id"] for v in versions for r in ctx.links.get((bulletin_id, int(v["version"])), [])}
        outside = sorted({*linked, *backlinks, *neighbours} - members, key=str)
        crossing.append([bulletin_id, backlinks, neighbours,
                         [[b, item_inputs(ctx, b) if b in ctx.bulletins else None] for b in outside]])
    if not volumes <= read_from.keys():
        return None
    return digest_of_record([ctx.shared_inputs, sorted([v, read_from[v]] for v in volumes), crossing])


def bulletin_texts(ctx: Context, bulletin_id: str) -> dict[str, str]:
    """A bulletin's page, its bodies, earlier versions, diffs and the latest version's stub."""
    bulletin = ctx.bulletins[bulletin_id]
    url = bulletin["url"].rstrip("/")
    latest = int(bulletin["latest_version"])
    files = {f"{docname(url)}.md": bulletin_page(ctx, bulletin_id), latest_stub_path(bulletin): latest_stub(ctx, bulletin)}
    for version in ctx.versions[bulletin_id]:
        number = int(version["version"])
        # a leading empty line: MyST would read a body's own opening `---` block as front matter
        files[body_path(bulletin, number)] = "\n" + str(version["body"]).rstrip() + "\n"
        if number < latest:
            files[f"{version_docname(url, number)}.md"] = older_version_page(ctx, bulletin_id, number)
        if number > 1:
            files[f"{diff_docname(url, number)}.md"] = diff_page(ctx, bulletin_id, number)
    return files


def bulletin_images(ctx: Context, bulletin_id: str) -> dict[str, str | bytes]:
    """The images staged beside a bulletin's page: each version's photo and the files its bodies may show."""
    url = ctx.bulletins[bulletin_id]["url"].rstrip("/")
    files: dict[str, str | bytes] = {}
    for version in ctx.versions[bulletin_id]:
        source = image_source(version)
        if source is not None:
            files[f"{url}/{image_name(str(version['image']))}"] = source.read_bytes()
    folder = os.path.dirname(ctx.versions[bulletin_id][0]["path"])  # as text: every bulletin asks this, every build
    for name in sorted(own_images(folder)):  # the images a body may show (safebody's own files), beside its page
        files.setdefault(f"{url}/{name}", Path(folder, name).read_bytes())
    return files


def bulletin_inputs(ctx: Context, bulletin_id: str) -> str:
    """A digest of everything `bulletin_texts` reads: the bulletin's version files (path and checksum: its
    rows are made from them and the gazetteers), the bulletins it links to and that link to it, its
    neighbours, its series, the gazetteers, the settings, and which photos exist."""
    versions = ctx.versions[bulletin_id]
    linked = {r["target_id"] for v in versions for r in ctx.links.get((bulletin_id, int(v["version"])), [])}
    linked |= {*ctx.backlinks.get(bulletin_id, []), *ctx.neighbours.get(bulletin_id, (None, None))}
    # what the page shows of those: their dates, addresses and titles (and marks), digested once a bulletin
    others = [[b, item_inputs(ctx, b)] for b in sorted(linked, key=str) if b in ctx.bulletins]
    record = [ctx.shared_inputs, bulletin_id, [[v["path"], v["sha256"], image_source(v) is not None] for v in versions],
              ctx.backlinks.get(bulletin_id, []), ctx.neighbours.get(bulletin_id), others]
    return digest_of_record(record)
