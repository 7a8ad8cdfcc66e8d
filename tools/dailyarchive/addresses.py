"""The address book: folders, docnames and project names the stager, the pages and the Sphinx glue share.

Defined here once and imported everywhere else, so a path is never spelled in two modules.
"""

from __future__ import annotations

import re

#: Staged helper files live here (excluded from every Sphinx project as documents).
INCLUDE_DIR = "_dailyarchive"
#: Files under this staged folder go as they are into the HTML output.
EXTRA_DIR = f"{INCLUDE_DIR}/extra"
#: Bulletin bodies are staged here.
BODY_DIR = f"{INCLUDE_DIR}/bodies"
#: Staged chart files: `<CHART_DIR>/<key>.json`.
CHART_DIR = f"{INCLUDE_DIR}/charts"
#: Static SVG of a chart in the HTML output: `<SVG_DIR>/<digest>.svg`.
SVG_DIR = "_charts"
#: The head of the seal log, included by the data page.
SEAL_INCLUDE = f"{INCLUDE_DIR}/seal.md"
#: The feeds each page announces (JSON: docname → [[title, feed path], ...]).
FEED_LINKS = f"{INCLUDE_DIR}/feed-links.json"
#: The archive's search files in the output: a manifest and one shard per series-year.
SEARCH_DIR = "_search"
#: The timeline's data in the output: a manifest and one file of events per year.
TIMELINE_DIR = "_timeline"
#: The directive that places a timeline of events.
TIMELINE_DIRECTIVE = "dailyarchive-timeline"
#: The directive that places a page's charts.
CHARTS_DIRECTIVE = "dailyarchive-charts"
ROOT_DOC = "index"
SEARCH_DOC = "search"
#: The project of the hand-written docs and every page that is not in a volume.
SITE_PROJECT = "site"

_YEAR = re.compile(r"\d{4}")
_PREFIXES = (f"{BODY_DIR}/", f"{CHART_DIR}/bulletin/", f"{EXTRA_DIR}/")


def volume_of(path: str, series: set[str]) -> str | None:
    """`<series>/<year>` of a staged path that belongs to a volume, else None (the site project's).

    A volume holds a series-year's year page, month pages, bulletin pages, version and diff
    pages, bodies, images and bulletin charts (`bulletin/<series>/<date>-<slug>.json`).
    """
    rest = path
    for prefix in _PREFIXES:
        if path.startswith(prefix):
            rest = path.removeprefix(prefix)
            break
    parts = rest.split("/")
    if len(parts) < 2 or parts[0] not in series:
        return None
    year = parts[1][:4]
    if not _YEAR.fullmatch(year) or (len(parts) == 2 and not path.startswith(f"{CHART_DIR}/bulletin/")):
        return None
    return f"{parts[0]}/{year}"


def bulletin_volume(bulletin_id: str) -> str:
    """`<series>/<year>`: the volume of a bulletin id (`<series>/<date>-<slug>`)."""
    series, _, rest = bulletin_id.partition("/")
    return f"{series}/{rest[:4]}"


def volume_prefix(name: str) -> str:
    """The output folder of a project, from the site root: `<series>/<year>/`, or '' for the site."""
    return "" if name == SITE_PROJECT else f"{name}/"


#: In a volume's sources: the docnames of the site project's hand-written pages (for `hasdoc`).
SITE_DOCS = f"{INCLUDE_DIR}/site-docs.txt"

#: The downloads page (hand-written, `docs/downloads.md`) and the table of files it shows (staged into the site).
DOWNLOADS_DOC = "downloads"
DOWNLOADS_MANIFEST = f"{INCLUDE_DIR}/downloads.json"
