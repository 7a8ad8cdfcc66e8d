"""Places on generated pages where other parts of the toolkit put their directives.

Each function returns the MyST lines to insert (an empty list puts nothing). The
page writers call them at fixed spots, so a directive added here appears on every
page of that kind. A directive's output must be a function of the page's staged
text: put the data it needs (or a digest of it) into its arguments or options,
so that Sphinx rebuilds the page when that data changes and never otherwise.
"""

from __future__ import annotations

from typing import Any

Row = dict[str, Any]


def cite_version(bulletin: Row, version: Row, series: Row | None = None) -> list[str]:
    """The "Cite this version" box of one version (`series` is the row of the bulletin's series).

    Called on the bulletin page for the latest version (its permanent URL
    `v<N>.html` leads there) and on the page of every earlier version.
    """
    from ..cite import citation, directive

    return [directive(citation(bulletin, version, series or {})), ""]


def bulletin_chart(bulletin: Row, figures: list[Row]) -> list[str]:
    """A chart on a bulletin page (after the figures box); `figures` are the latest version's."""
    from ..charts import TOLL_MEASURES, chart_directive

    if not any(f["measure"] in TOLL_MEASURES for f in figures):
        return []
    return ["## The toll as of this date", "", *chart_directive(f"bulletin/{bulletin['bulletin_id']}")]


def series_chart(series: Row) -> list[str]:
    """A chart on a series page (after the list of years)."""
    from ..charts import chart_directive

    return ["## The toll over time", "", *chart_directive(f"series/{series['slug']}", "No figures reported yet.")]


def name_chart(kind: str, entry: Row) -> list[str]:
    """A chart on the page of a place, actor or tag (`kind` is places, actors or tags)."""
    from ..charts import chart_directive, place_key

    return chart_directive(place_key(str(entry["name"]))) if kind == "places" else []


def name_timeline(kind: str, slug: str) -> list[str]:
    """The timeline of the events of a place (with its sub-places), an actor or a tag, on its page."""
    from ..chronology import timeline_block

    singular = {"places": "place", "actors": "actor", "tags": "tag"}[kind]
    return ["## Timeline", "", *timeline_block(list_target="/chronology/index", **{singular: slug}), ""]
