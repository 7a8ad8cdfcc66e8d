"""Sphinx glue of discovery: Atom feeds, sitemap.xml, robots.txt and TimeMaps, written when the build finishes.

They are files, not Sphinx pages: made from the catalog in one pass and written only when changed;
files written by an earlier build and no longer made are removed.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

from ..catalog import Catalog
from ..feeds import feed_path, feeds, robots, sitemap, sitemap_urls, tag_slugs, timemaps
from ..stage import sync_files
from ._outputs import catalog_of, is_site_builder, site

logger = logging.getLogger(__name__)
MANIFEST = ".dailyarchive-files.txt"
_TAG_SLUGS: WeakKeyDictionary[Sphinx, dict[str, str]] = WeakKeyDictionary()


def write_discovery_files(app: Sphinx, exception: Exception | None) -> None:
    """Write the feeds, sitemap, robots.txt and TimeMaps into the output folder."""
    catalog = catalog_of(app)
    if exception is not None or catalog is None or not is_site_builder(app):
        return
    where = site(app)
    docnames = [d for d in app.env.found_docs if d != "search"]
    files = {**feeds(catalog, where), **sitemap(sitemap_urls(catalog, where, docnames), where),
             "robots.txt": robots(where), **timemaps(catalog, where)}
    written, removed = sync_files(Path(app.outdir), dict(files), MANIFEST)
    logger.info("dailyarchive: feeds, sitemap and TimeMaps: %d files (%d written, %d removed)",
                len(files), written, removed)


def add_feed_links(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                   doctree: nodes.document | None) -> None:
    """Feed autodiscovery: the home page links every series feed, a series or tag page its own."""
    catalog = catalog_of(app)
    if catalog is None or not is_site_builder(app):
        return
    feeds_here: list[tuple[str, str]] = []
    published = set(catalog.bulletins["series"])
    for row in catalog.series.itertuples():
        if row.slug in published and pagename in (app.config.root_doc, f"{row.slug}/index"):
            feeds_here.append((str(row.name), feed_path("series", row.slug)))
    if pagename.startswith("tags/") and pagename.endswith("/index"):
        slug = pagename.removeprefix("tags/").removesuffix("/index")
        feeds_here += [(f"Tag: {tag}", feed_path("tag", slug)) for tag, s in _tag_slugs(app, catalog).items()
                       if s == slug]
    here = app.builder.get_target_uri(pagename)
    links = [f'<link rel="alternate" type="application/atom+xml" title="{escape(title)}" '
             f'href="{escape(relative_uri(here, path))}" />' for title, path in feeds_here]
    if links:
        context["metatags"] = context.get("metatags", "") + "\n" + "\n".join(links) + "\n"


def _tag_slugs(app: Sphinx, catalog: Catalog) -> dict[str, str]:
    """Tag → slug, computed once per build."""
    if app not in _TAG_SLUGS:
        _TAG_SLUGS[app] = tag_slugs(catalog)
    return _TAG_SLUGS[app]


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the handlers."""
    app.setup_extension("dailyarchive.sphinxext._outputs")
    app.connect("build-finished", write_discovery_files)
    app.connect("html-page-context", add_feed_links)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
