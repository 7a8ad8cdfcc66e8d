"""Browse pages: the home include, and series → year → month pages with a calendar of days."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import html

import pandas as pd

from ...addresses import INCLUDE_DIR
from ...model.memo import digest_of_record
from . import slots
from ._context import Context, Row, docname, month_docname
from ..feeds import feed_path
from ._html import a, esc, feed_link, raw, ul, url
from ._text import day, link, myst_escape, page, raw_escape, toctree

HOME_INCLUDE = f"{INCLUDE_DIR}/home.md"
WEEKDAYS = [(calendar.day_abbr[i], calendar.day_name[i]) for i in range(7)]


def _marks(bulletin: Row) -> str:
    """` (corrected, illustrative)` or nothing."""
    marks = [m for m, on in (("corrected", bulletin["corrected"]), ("illustrative", bulletin["illustrative"])) if on]
    return f" ({', '.join(marks)})" if marks else ""


def bulletin_item(bulletin: Row) -> str:
    """One bulletin as a MyST list item: date, linked title, and marks for corrections and demonstrations."""
    return f"- {day(bulletin['date'])}: {link(bulletin['title'], docname(bulletin['url']))}{_marks(bulletin)}"


def bulletin_item_html(ctx: Context, here: str, bulletin: Row) -> str:
    """One bulletin as the HTML of a list item, linked from document `here`.

    Made once for each relative URL: the name pages of one depth (`places/<slug>/index`,
    `tags/<slug>/2019`) all link a bulletin the same way, and a bulletin is on a dozen of them.
    """
    target = docname(bulletin["url"])
    key = ("item", url(here, target), bulletin["bulletin_id"])
    if key not in ctx.fragments:
        ctx.fragments[key] = f"{esc(day(bulletin['date']))}: {a(here, target, bulletin['title'])}{_marks(bulletin)}"
    return ctx.fragments[key]


def item_inputs(ctx: Context, bulletin_id: str) -> str:
    """A digest of what `bulletin_item_html` (and the listings that order and split items) reads of a bulletin:
    its id, date, URL, title and marks (computed once a bulletin)."""
    key = ("item-inputs", bulletin_id)
    if key not in ctx.fragments:
        bulletin = ctx.bulletins[bulletin_id]
        fields = [bulletin_id, *(str(bulletin[k]) for k in ("date", "url", "title", "corrected", "illustrative"))]
        ctx.fragments[key] = hashlib.sha1("\x1f".join(fields).encode("utf-8")).hexdigest()
    return ctx.fragments[key]


def home_include(ctx: Context, staged: set[str]) -> str:
    """The part of the home page that changes with the archive: entry points, series, latest bulletins.

    `staged` holds the paths of every other staged page, so the home page links
    the chronology only when it exists.
    """
    known = ctx.settings.existing_docs | {path.removesuffix(".md") for path in staged}
    lines = toctree([f"{slug}/index" for slug in ctx.series])
    lines += ["## Start here", ""]
    for docname_, text in (("chronology/index", "Chronology: every dated event, by day"),
                           ("places/index", "Places, from provinces down to towns"),
                           ("actors/index", "Actors: states, armed groups, agencies"),
                           ("tags/index", "Tags"),
                           ("methods", "Methods: how the figures are recorded and charted"),
                           ("data", "Data downloads and data dictionary"),
                           ("downloads", "Downloads: PDF, EPUB, an offline copy and the data"),
                           ("guide", "The historian's guide: browse, search, read corrections, cite")):
        if docname_ in known:
            lines.append(f"- {link(text, docname_)}")
    lines += ["", "## Series", ""]
    for slug, series in ctx.series.items():
        description = f": {myst_escape(series['description'])}" if series["description"] else ""
        lines.append(f"- {link(series['name'], f'{slug}/index')}{description}")
    latest = sorted(ctx.bulletins.values(), key=lambda b: (b["date"], b["bulletin_id"]), reverse=True)
    lines += ["", "## Latest bulletins", ""]
    lines += [bulletin_item(b) for b in latest[: ctx.settings.latest_count]]
    return page(lines)


def series_page(ctx: Context, series: Row, in_series: pd.DataFrame) -> str:
    """A series page: its description and its years with the number of bulletins in each."""
    years = sorted(int(y) for y in in_series["year"].unique())
    lines = [f"# {myst_escape(series['name'])}", ""]
    if series["description"]:
        lines += [myst_escape(series["description"]), ""]
    slug = series["slug"]
    span = f" from {day(in_series['date'].min())} to {day(in_series['date'].max())}" if len(in_series) else ""
    lines += [f"Published by {myst_escape(series['publisher'])}: {len(in_series)} bulletins{span}.", ""]
    lines += [] if ctx.settings.volumes else toctree([f"{slug}/{y:04d}/index" for y in years])
    lines += raw(years_and_months_html(f"{slug}/index", slug, in_series))
    if len(in_series):
        lines += raw(feed_link(f"{slug}/index", feed_path("series", slug), "Atom feed of this series"))
    lines += slots.series_chart(series)
    return page(lines)


def years_and_months_html(here: str, slug: str, in_series: pd.DataFrame) -> str:
    """Every year of a series with its number of bulletins, and under it each month that has any, with its own."""
    counts = in_series.groupby(["year", "month"]).size()
    items = []
    for year in sorted({int(y) for y, _ in counts.index}):
        in_year = counts.loc[year]
        months = ul((f'{a(here, month_docname(slug, year, int(m)), calendar.month_name[int(m)])} '
                     f'<span class="count">({n})</span>' for m, n in in_year.items()), "series-months")
        items.append(f"{a(here, f'{slug}/{year:04d}/index', year)}: {_bulletins(int(in_year.sum()))}{months}")
    return ul(items, "series-years")


def _bulletins(count: int) -> str:
    """`1 bulletin`, `28 bulletins`."""
    return f"{count} bulletin" + ("" if count == 1 else "s")


def year_page(ctx: Context, series: Row, year: int, in_year: pd.DataFrame, years: list[int]) -> str:
    """A year page: its months with the number of bulletins in each, and links to the years around it."""
    slug = series["slug"]
    months = sorted(int(m) for m in in_year["month"].unique())
    lines = [f"# {myst_escape(series['name'])}: {year}", ""]
    lines += _trail([link(series["name"], f"{slug}/index")])
    lines += toctree([month_docname(slug, year, m) for m in months])
    counts = in_year["month"].value_counts()
    lines += [f"- {link(f'{calendar.month_name[m]} {year}', month_docname(slug, year, m))}: {counts[m]} bulletins"
              for m in months] + [""]
    position = years.index(year)
    around = [(f"← {years[position - 1]}", f"{slug}/{years[position - 1]:04d}/index") if position else None,
              (f"{years[position + 1]} →", f"{slug}/{years[position + 1]:04d}/index")
              if position + 1 < len(years) else None]
    return page(lines + _around(around))


def month_page(ctx: Context, series: Row, year: int, month: int, in_month: pd.DataFrame,
               months: list[tuple[int, int]], span: tuple[dt.date, dt.date]) -> str:
    """A month page: a calendar of days (with or without a bulletin), then the bulletins in date order."""
    slug = series["slug"]
    ordered = [ctx.bulletins[b] for b in in_month.index]  # the catalog lists bulletins by series, date and slug
    title = f"{calendar.month_name[month]} {year}"
    lines = [f"# {myst_escape(series['name'])}: {title}", ""]
    lines += _trail([link(series["name"], f"{slug}/index"), link(year, f"{slug}/{year:04d}/index")])
    lines += toctree([docname(b["url"]) for b in ordered]) if ctx.settings.bulletin_toctree else []
    here = month_docname(slug, year, month)
    days = calendar_html(year, month, ordered, span_in_month(span, year, month))
    lines += raw(days, ul(bulletin_item_html(ctx, here, b) for b in ordered))
    position = months.index((year, month))
    around = []
    for step, arrow in ((-1, "← "), (1, "")):
        other = position + step
        if 0 <= other < len(months):
            y, m = months[other]
            text = f"{arrow}{calendar.month_name[m]} {y}" + (" →" if step > 0 else "")
            around.append((text, month_docname(slug, y, m)))
    return page(lines + _around(around))


def month_inputs(ctx: Context, series: Row, month: tuple[int, int], in_month: pd.DataFrame,
                 months: list[tuple[int, int]], span: tuple[dt.date, dt.date]) -> str:
    """A digest of what `month_page` reads: the series' name and slug, the month and the months around it,
    the series' span within the month (its calendar greys the days without a bulletin: a bulletin added at the
    end of the series changes no earlier month), the list items of the month's bulletins (`item_inputs`) and
    whether it lists them in a toctree."""
    position = months.index(month)
    around = months[max(position - 1, 0):position + 2]
    within = [str(d) for d in span_in_month(span, *month)]
    return digest_of_record(["month", series["slug"], series["name"], month, around, within,
                             [item_inputs(ctx, b) for b in in_month.index], ctx.settings.bulletin_toctree])


def span_in_month(span: tuple[dt.date, dt.date], year: int, month: int) -> tuple[dt.date, dt.date]:
    """The part of `span` within the month (the whole month when the span covers it; an empty span, first day after
    the last, when they do not meet): all the calendar reads of the series' span."""
    first, last = dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    return max(span[0], first), min(span[1], last)


def calendar_html(year: int, month: int, bulletins: list[Row], span: tuple[dt.date, dt.date]) -> str:
    """A month as an HTML table: days with a bulletin link to it; days inside the series' span without one are
    plain numbers in a quieter colour (class `missing`), said once in the legend, not on every day."""
    by_day: dict[int, list[Row]] = {}
    for bulletin in bulletins:
        by_day.setdefault(bulletin["date"].day, []).append(bulletin)
    head = "".join(f'<th scope="col"><abbr title="{name}">{abbr}</abbr></th>' for abbr, name in WEEKDAYS)
    rows = []
    for week in calendar.Calendar(firstweekday=0).monthdayscalendar(year, month):
        cells = [_day_cell(year, month, d, by_day.get(d, []), span) for d in week]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    legend = '<p class="calendar-legend">Days with a bulletin are linked; the others had none.</p>'
    return (f'<table class="calendar"><caption>{calendar.month_name[month]} {year}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{legend}")


def _day_cell(year: int, month: int, number: int, bulletins: list[Row], span: tuple[dt.date, dt.date]) -> str:
    """One cell of the calendar."""
    if number == 0:
        return "<td></td>"
    if bulletins:
        first = bulletins[0]
        href = f"../{first['url'].rstrip('/').rsplit('/', 1)[1]}/index.html"
        more = f' <span class="more">+{len(bulletins) - 1}</span>' if len(bulletins) > 1 else ""
        return (f'<td class="has-bulletin"><a href="{html.escape(href)}" title="{raw_escape(first["title"])}" '
                f'dir="auto">{number}</a>{more}</td>')
    if span[0] <= dt.date(year, month, number) <= span[1]:
        return f'<td class="missing">{number}</td>'
    return f"<td>{number}</td>"


def _trail(links: list[str]) -> list[str]:
    """Breadcrumb links above the content."""
    return ["```{container} breadcrumbs", " › ".join(links), "```", ""]


def _around(pairs: list[tuple[str, str] | None]) -> list[str]:
    """Links to the pages before and after this one."""
    items = [link(text, target) for text, target in (p for p in pairs if p)]
    return ["```{container} page-nav", " · ".join(items), "```", ""] if items else []
