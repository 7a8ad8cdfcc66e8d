"""Sphinx glue of discovery: Atom feeds, sitemap.xml, robots.txt and TimeMaps, written when the build finishes.

They are files, not Sphinx pages: made from the catalog in one pass and written only when changed;
files written by an earlier build and no longer made are removed.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

from ..feeds import feed_path, feeds, robots, sitemap, sitemap_urls, timemaps
from ..stage import sync_files
from ._outputs import catalog_of, is_site_builder, site

logger = logging.getLogger(__name__)
MANIFEST = ".dailyarchive-files.txt"


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
    """Feed autodiscovery: the home page links every series feed, a series page its own."""
    catalog = catalog_of(app)
    if catalog is None or not is_site_builder(app):
        return
    published = set(catalog.bulletins["series"])
    series = [s for s in catalog.series.itertuples() if s.slug in published]
    if pagename != app.config.root_doc:
        series = [s for s in series if pagename == f"{s.slug}/index"]
    here = app.builder.get_target_uri(pagename)
    links = [f'<link rel="alternate" type="application/atom+xml" title="{escape(str(s.name))}" '
             f'href="{escape(relative_uri(here, feed_path("series", s.slug)))}" />' for s in series]
    if links:
        context["metatags"] = context.get("metatags", "") + "\n" + "\n".join(links) + "\n"


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the handlers."""
    app.setup_extension("dailyarchive.sphinxext._outputs")
    app.connect("build-finished", write_discovery_files)
    app.connect("html-page-context", add_feed_links)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
