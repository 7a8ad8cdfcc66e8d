"""Sphinx configuration of the dailyarchive documentation and sample archive."""

project = "Syria Daily archive"
author = "dailyarchive"
copyright = "2019, Syria Daily (sample archive); toolkit: dailyarchive"
language = "en"

extensions = ["myst_parser", "dailyarchive.sphinxext", "sphinx.ext.graphviz"]
# Diagrams (docs/architecture.md) are drawn by Debian's `dot` at build time, offline, as PNG images:
# the site's Content-Security-Policy allows images of its own, not the <object> an SVG would need.
graphviz_output_format = "png"

# The archive folder, relative to this file (`invoke build --archive` overrides it).
dailyarchive_archive = "../archive"
# The public address the site is served from, ending in `/`: every citation's permanent URL, the feeds,
# the sitemap and the TimeMaps are absolute URLs under it. Set it to your own site's address; without
# it the build warns once and those links are relative (links inside the pages are always relative).
dailyarchive_baseurl = "https://syria-daily.example.org/"

source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
# Raw HTML in Markdown renders as text: bulletins and imports cannot inject markup.
myst_disable_syntax = ["html_block", "html_inline"]
myst_enable_extensions = ["colon_fence", "deflist"]
# The sample's bulletins were published with captions of photos this archive does not hold (sealed, so they
# stay): `invoke check` still lists them; a real archive should leave `caption-without-image` on.
suppress_warnings = ["myst.header", "dailyarchive.caption-without-image"]
# Quotation marks stay as the bulletin wrote them (the record, not typography); also skips a transform per page.
smartquotes = False

# Theme: alabaster, measured cheapest (docs/performance.md), with our header, landmarks and print CSS
# (_templates/layout.html, _static/dailyarchive.css). No global toctree in any sidebar: it renders the
# whole archive on every page. Prev/next and breadcrumbs are in each generated page's text instead.
html_theme = "alabaster"
html_title = "Syria Daily archive"
templates_path = ["_templates"]
html_static_path = ["_static"]
# The priority is Sphinx's default, written out: Sphinx adds it to this setting after comparing it with the
# previous build's, and every incremental build would report "The configuration has changed".
html_css_files = [("dailyarchive.css", {"priority": 800})]
html_sidebars = {"**": []}  # the one search box of a page is in the header (_templates/layout.html)
html_theme_options = {
    "show_relbars": False,
    "fixed_sidebar": False,
    "show_powered_by": False,
    "footer_text": "#555",
    "sidebar_text": "#444",
    "anchor": "#767676",
    "page_width": "1080px",
    "sidebar_width": "200px",
}
html_show_sourcelink = False
html_copy_source = False
html_show_sphinx = False
