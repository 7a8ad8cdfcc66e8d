"""Catalog → the MyST pages to stage: bulletins, series, years, months and the home include."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

import pandas as pd

from .catalog import Catalog

#: Staged helper files live here (excluded from the Sphinx project as documents).
INCLUDE_DIR = "_dailyarchive"
_PUNCTUATION = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")


@dataclass(frozen=True)
class PageSettings:
    """What the pages need to know beyond the catalog."""

    latest_count: int = 10


def myst_escape(text: object) -> str:
    """Text that MyST renders literally: every ASCII punctuation mark backslash-escaped, one line."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    flat = " ".join(str(text).split())
    return _PUNCTUATION.sub(r"\\\1", flat)


def docname(bulletin_url: str) -> str:
    """The Sphinx docname of a bulletin page from its URL path (`.../<date>-<slug>/index`)."""
    return bulletin_url.rstrip("/") + "/index"


def month_docname(series: str, year: int, month: int) -> str:
    """Docname of a month page: `<series>/<year>/<mm>/index`."""
    return f"{series}/{year:04d}/{month:02d}/index"


def staged_pages(catalog: Catalog, settings: PageSettings | None = None) -> dict[str, str]:
    """Every generated page as {path relative to the source folder: MyST text}."""
    settings = settings or PageSettings()
    pages: dict[str, str] = {f"{INCLUDE_DIR}/home.md": home_include(catalog, settings)}
    bulletins = catalog.bulletins
    for series_row in catalog.series.itertuples():
        in_series = bulletins[bulletins["series"] == series_row.slug]
        pages[f"{series_row.slug}/index.md"] = series_page(series_row, in_series)
        for year, in_year in in_series.groupby("year"):
            pages[f"{series_row.slug}/{year:04d}/index.md"] = year_page(series_row, int(year), in_year)
            for month, in_month in in_year.groupby("month"):
                pages[month_docname(series_row.slug, int(year), int(month)) + ".md"] = month_page(
                    series_row, int(year), int(month), in_month)
    ordered = bulletins.reset_index()
    bodies = catalog.latest("versions").set_index("bulletin_id")["body"]
    for position, row in enumerate(ordered.itertuples()):
        before = ordered.iloc[position - 1] if position > 0 and ordered.iloc[position - 1]["series"] == row.series else None
        after = (ordered.iloc[position + 1] if position + 1 < len(ordered)
                 and ordered.iloc[position + 1]["series"] == row.series else None)
        pages[docname(row.url) + ".md"] = bulletin_page(row, bodies[row.bulletin_id], before, after)
    return pages


def home_include(catalog: Catalog, settings: PageSettings) -> str:
    """The part of the home page that changes with the archive: series and latest bulletins."""
    lines = ["```{toctree}", ":hidden:", ""] + [f"/{slug}/index" for slug in catalog.series["slug"]] + ["```", ""]
    lines += ["## Series", ""]
    for row in catalog.series.itertuples():
        lines.append(f"- [{myst_escape(row.name)}](/{row.slug}/index.md): {myst_escape(row.description)}")
    latest = catalog.bulletins.sort_values("date", ascending=False).head(settings.latest_count)
    lines += ["", "## Latest bulletins", ""]
    lines += [_bulletin_item(row) for row in latest.reset_index().itertuples()]
    return "\n".join(lines) + "\n"


def _bulletin_item(row) -> str:  # noqa: ANN001 - a DataFrame row
    """One bulletin as a list item: date, linked title."""
    return f"- {row.date:%d %B %Y}: [{myst_escape(row.title)}](/{docname(row.url)}.md)"


def series_page(series, in_series: pd.DataFrame) -> str:  # noqa: ANN001 - a DataFrame row
    """A series page: its description and its years."""
    years = sorted(in_series["year"].unique())
    lines = [f"# {myst_escape(series.name)}", "", myst_escape(series.description), ""]
    lines += ["```{toctree}", ":hidden:", ""] + [f"/{series.slug}/{y:04d}/index" for y in years] + ["```", ""]
    lines += [f"- [{y}](/{series.slug}/{y:04d}/index.md): {(in_series['year'] == y).sum()} bulletins" for y in years]
    return "\n".join(lines) + "\n"


def year_page(series, year: int, in_year: pd.DataFrame) -> str:  # noqa: ANN001 - a DataFrame row
    """A year page: its months with the number of bulletins in each."""
    months = sorted(in_year["month"].unique())
    lines = [f"# {myst_escape(series.name)}: {year}", ""]
    lines += ["```{toctree}", ":hidden:", ""] + [f"/{month_docname(series.slug, year, m)}" for m in months] + ["```", ""]
    lines += [f"- [{calendar.month_name[m]} {year}](/{month_docname(series.slug, year, m)}.md): "
              f"{(in_year['month'] == m).sum()} bulletins" for m in months]
    return "\n".join(lines) + "\n"


def month_page(series, year: int, month: int, in_month: pd.DataFrame) -> str:  # noqa: ANN001 - a DataFrame row
    """A month page: the month's bulletins in date order."""
    ordered = in_month.sort_values(["date", "slug"]).reset_index()
    lines = [f"# {myst_escape(series.name)}: {calendar.month_name[month]} {year}", ""]
    lines += ["```{toctree}", ":hidden:", ""] + [f"/{docname(r.url)}" for r in ordered.itertuples()] + ["```", ""]
    lines += [_bulletin_item(row) for row in ordered.itertuples()]
    return "\n".join(lines) + "\n"


def bulletin_page(row, body: str, before: pd.Series | None, after: pd.Series | None) -> str:  # noqa: ANN001
    """The page of a bulletin's latest version: title, date, summary, body, neighbours."""
    lines = [f"# {myst_escape(row.title)}", ""]
    if row.illustrative:
        lines += ["```{warning}", "Illustrative content, not part of the record.", "```", ""]
    lines += [f"*{row.date:%d %B %Y}*", ""]
    if row.summary:
        lines += [f"**{myst_escape(row.summary)}**", ""]
    lines += [body.rstrip(), ""]
    neighbours = []
    if before is not None:
        neighbours.append(f"Previous: [{myst_escape(before['title'])}](/{docname(before['url'])}.md)")
    if after is not None:
        neighbours.append(f"Next: [{myst_escape(after['title'])}](/{docname(after['url'])}.md)")
    if neighbours:
        lines += ["---", "", " · ".join(neighbours), ""]
    return "\n".join(lines) + "\n"
