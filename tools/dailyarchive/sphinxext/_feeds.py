"""Sphinx glue of discovery: the feed links in the head of the home, series and tag pages.

The feeds, sitemap, robots.txt and TimeMaps themselves are output files of the stager
(`stager.catalog_files` and `stager.discovery_files`); the feeds each page announces are staged as JSON
(`addresses.FEED_LINKS`), read here once per build.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.osutil import relative_uri

from ..addresses import FEED_LINKS
from ._outputs import is_site_builder

_LINKS: WeakKeyDictionary[Sphinx, dict[str, list[list[str]]]] = WeakKeyDictionary()


def add_feed_links(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                   doctree: nodes.document | None) -> None:
    """Feed autodiscovery: the home page links every series feed, a series or tag page its own."""
    if not is_site_builder(app):
        return
    feeds_here = staged_links(app).get(pagename, [])
    here = app.builder.get_target_uri(pagename)
    links = [f'<link rel="alternate" type="application/atom+xml" title="{escape(title)}" '
             f'href="{escape(relative_uri(here, path))}" />' for title, path in feeds_here]
    if links:
        context["metatags"] = context.get("metatags", "") + "\n" + "\n".join(links) + "\n"


def staged_links(app: Sphinx) -> dict[str, list[list[str]]]:
    """Docname → the feeds it announces, read once per build from the staged file ({} when none)."""
    if app not in _LINKS:
        try:
            _LINKS[app] = json.loads((Path(app.srcdir) / FEED_LINKS).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            _LINKS[app] = {}
    return _LINKS[app]


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the handler."""
    app.setup_extension("dailyarchive.sphinxext._outputs")
    app.connect("html-page-context", add_feed_links)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
