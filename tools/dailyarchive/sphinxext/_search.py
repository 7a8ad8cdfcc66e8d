"""Sphinx glue of the archive's search: the `dailyarchive-search` directive and the index files.

Sphinx's own search is switched off for the site builders (its one `searchindex.js` grows with the
whole archive and its snippets fetch result pages, which browsers block from ``file://``); the page
holding the directive becomes ``search.html``, where the theme's search box already points.
"""

from __future__ import annotations

from html import escape
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from ..site.search import MANIFEST, SEARCH_DIR, STEMMER
from ._outputs import HTML_BUILDERS, is_site_builder

logger = logging.getLogger(__name__)
SCRIPT = "dailyarchive-search.js"


class search_form(nodes.General, nodes.Element):
    """Placeholder for the search form; rendered by the HTML site builders only."""


class SearchDirective(SphinxDirective):
    """```{dailyarchive-search}``` places the search form and its results on a page."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        return [search_form()]


FORM = """<div class="dailyarchive-search" role="search">
<form id="dailyarchive-search-form" class="dailyarchive-search-form" method="get">
<p class="dailyarchive-search-words"><label for="dailyarchive-q">Words</label>
<input id="dailyarchive-q" type="search" name="q" autocomplete="off" spellcheck="false" dir="auto"
 aria-describedby="dailyarchive-q-hint">
<button type="submit">Search</button></p>
<p id="dailyarchive-q-hint" class="dailyarchive-search-hint">Results appear as you type.
Put words in quotes for a phrase: "civil defence".</p>
<details id="dailyarchive-filters" class="dailyarchive-filters"><summary>Filters</summary>
<fieldset><legend>Limit the results</legend>
<label>Series <select name="series"><option value="">All series</option></select></label>
<label>Year <select name="year"><option value="">Any year</option></select></label>
<label>From <input name="from" autocomplete="off" placeholder="1 May 2019" aria-describedby="dailyarchive-date-hint"></label>
<label>To <input name="to" autocomplete="off" placeholder="31 July 2019" aria-describedby="dailyarchive-date-hint"></label>
<span id="dailyarchive-date-hint" class="dailyarchive-search-hint">Dates as 9 July 2019, July 2019 or 2019.</span>
<label>Place <input name="place" list="dailyarchive-places" dir="auto"
 title="A place includes the places under it (a province includes its towns)"></label>
<datalist id="dailyarchive-places"></datalist>
<label>Actor <input name="actor" list="dailyarchive-actors" dir="auto"></label>
<datalist id="dailyarchive-actors"></datalist>
<label>Tag <input name="tag" list="dailyarchive-tags" dir="auto"></label>
<datalist id="dailyarchive-tags"></datalist>
<label><input type="checkbox" name="corrected" value="1"> Corrected bulletins only</label>
</fieldset>
</details>
<p class="dailyarchive-search-order"><label>Order <select name="sort">
<option value="">Best match (newest first without words)</option>
<option value="relevance">Best match</option><option value="newest">Newest first</option>
<option value="oldest">Oldest first</option></select></label>
<button type="button" class="dailyarchive-clear" hidden>Clear filters</button></p>
</form>
<div id="dailyarchive-search-results" class="dailyarchive-search-results" aria-live="polite"></div>
<noscript><p>The search needs JavaScript. Browse the archive by series, year and month instead.</p></noscript>
</div>
"""


def visit_search_form_html(self, node: search_form) -> None:  # noqa: ANN001 - an HTML translator
    """The form and the scripts: stemmer, search, manifest (paths relative to the page, so `file://` works)."""
    if self.builder.name not in HTML_BUILDERS:
        raise nodes.SkipNode
    here = self.builder.get_target_uri(self.builder.current_docname)
    scripts = [relative_uri(here, f"{SEARCH_DIR}/{STEMMER}"), relative_uri(here, f"_static/{SCRIPT}"),
               relative_uri(here, f"{SEARCH_DIR}/{MANIFEST}")]
    self.body.append(FORM + "".join(f'<script src="{escape(src)}"></script>\n' for src in scripts))
    raise nodes.SkipNode


def skip(self, node: nodes.Node) -> None:  # noqa: ANN001 - any translator
    """Other formats have no search: the node renders as nothing."""
    raise nodes.SkipNode


def use_static_search(app: Sphinx) -> None:
    """Switch off Sphinx's search index and search page on the site builders."""
    if app.config.dailyarchive_search and is_site_builder(app):
        app.builder.search = False


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive, its node, the config value and the handlers."""
    app.setup_extension("dailyarchive.sphinxext._outputs")
    app.add_config_value("dailyarchive_search", True, "html", types=[bool],
                         description="replace Sphinx's search with the archive's static, split search index")
    app.add_node(search_form, html=(visit_search_form_html, None), latex=(skip, None), text=(skip, None),
                 man=(skip, None), texinfo=(skip, None))
    app.add_directive("dailyarchive-search", SearchDirective)
    app.connect("builder-inited", use_static_search)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
