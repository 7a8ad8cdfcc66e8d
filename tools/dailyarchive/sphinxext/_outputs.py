"""What the search, citation and feed glue share: the build's catalog, the site's URLs, the output check."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from ..catalog.catalog import Catalog
from ..site.feeds import Site

#: Emitted by the staging step with the build's catalog: ``handler(app, catalog)``.
CATALOG_EVENT = "dailyarchive-catalog"
HTML_BUILDERS = frozenset({"html", "dirhtml"})
_CATALOGS: WeakKeyDictionary[Sphinx, Catalog] = WeakKeyDictionary()
STATIC = Path(__file__).parent / "static"
logger = logging.getLogger(__name__)


def remember_catalog(app: Sphinx, catalog: Catalog) -> None:
    """Keep the catalog of this build for the files written when it finishes."""
    _CATALOGS[app] = catalog


def catalog_of(app: Sphinx) -> Catalog | None:
    """The catalog staged by this build (None when the archive was not staged)."""
    return _CATALOGS.get(app)


def is_site_builder(app: Sphinx) -> bool:
    """True for the builders that make the browsable site (not EPUB, single HTML or LaTeX)."""
    return app.builder is not None and app.builder.name in HTML_BUILDERS


def baseurl(app: Sphinx) -> str:
    """The site's base URL (`dailyarchive_baseurl`, else `html_baseurl`), ending in `/`; '' when unknown."""
    url = (app.config.dailyarchive_baseurl or app.config.html_baseurl or "").strip()
    return url.rstrip("/") + "/" if url else ""


def page_url(app: Sphinx, docname: str) -> str:
    """A page's path from the site root: the builder's own URI, or `<docname>.html` for other builders."""
    if is_site_builder(app):
        return app.builder.get_target_uri(docname)
    return f"{docname}.html"


def site(app: Sphinx) -> Site:
    """The site's addressing for the feed, sitemap and TimeMap writers."""
    return Site(baseurl=baseurl(app), page_url=lambda docname: page_url(app, docname))


def add_static_path(app: Sphinx, config: Config) -> None:
    """Ship the extension's JavaScript and CSS in `_static` (at `config-inited`: a value set later
    differs from the one the environment saved, and Sphinx would report a changed configuration)."""
    if str(STATIC) not in config.html_static_path:
        config.html_static_path = [*config.html_static_path, str(STATIC)]


#: Said once per site build without a base URL (by `invoke build` itself for its volumes build).
NO_BASEURL = ("no base URL is set: citations carry no permanent URL and feeds, the sitemap and TimeMaps use relative "
              "links. Set dailyarchive_baseurl in conf.py to the site's public address "
              "(for example \"https://archive.example.org/\")")


def warn_without_baseurl(app: Sphinx) -> None:
    """One warning per site build without a base URL: citations, feeds and the sitemap then lack absolute URLs.

    A project of a volumes build (nothing to stage: `dailyarchive_archive` empty) leaves it to the build.
    """
    if is_site_builder(app) and not baseurl(app) and app.config.dailyarchive_archive:
        logger.warning(NO_BASEURL, type="dailyarchive", subtype="baseurl")


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the catalog event, the base URL setting and the static files."""
    app.add_event(CATALOG_EVENT)
    app.add_config_value("dailyarchive_baseurl", "", "env", types=[str],
                         description="the site's public URL, for permanent links, feeds and the sitemap "
                                     "(html_baseurl when empty; links are relative when both are empty)")
    app.connect(CATALOG_EVENT, remember_catalog)
    app.connect("config-inited", add_static_path)
    app.connect("builder-inited", warn_without_baseurl)
    app.add_css_file("dailyarchive-ext.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
