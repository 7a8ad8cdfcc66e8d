"""Charts in the browser: every chart draws marks and fits its column at phone and desktop widths, its tooltip
keeps the qualifier and says when a report is illustrative, a point opens its bulletin."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from browsing import BULLETIN, CHRONOLOGY, DESKTOP, PHONE, Site, Visitor, new_visitor
from helpers import write_archive, write_bulletin
from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from dailyarchive.publish.html import build

ROOT = Path(__file__).resolve().parents[2]
TOLL = {"measure": "killed", "group": "civilians", "qualifier": "at least", "kind": "running-total",
        "since": "2019-04-26", "place": "Idlib Province"}

#: Pages with charts: the chronology, the series page, a place page, the bulletin ("the toll as of this date").
CHART_PAGES = [CHRONOLOGY, "syria-daily/index.html", "places/idlib-province/index.html", BULLETIN]
KILLED = "figure.dailyarchive-chart:has(.dailyarchive-chart-view[aria-label*='killed' i])"
POINTS = "g.mark-symbol.role-mark path"
#: The marks of the record's reports and of illustrative bulletins' reports (named layers of charts.py).
RECORD_POINTS, ILLUSTRATIVE_POINTS = "g.reported_marks path", "g.illustrative_marks path"
WIDTHS = {"phone": PHONE, "desktop": DESKTOP}


def draw_charts(visitor: Visitor, relative: str, timeout: float = 15_000, viewport: dict[str, int] = DESKTOP) -> Page:
    """Open a page and wait until each of its charts is drawn or says why not (at most `timeout` ms)."""
    page = visitor.open(relative, viewport=viewport)
    try:
        page.wait_for_function("""() => [...document.querySelectorAll('figure.dailyarchive-chart')].every(f =>
            f.classList.contains('dailyarchive-chart-ready') || f.querySelector('.dailyarchive-chart-view').textContent)""",
                               timeout=timeout)
    except PlaywrightTimeout:
        pass  # the counts of marks tell which chart did not draw
    return page


def marks_per_chart(page: Page) -> list[int]:
    """For each chart of the page: how many data marks (paths of its data layers, or the lines of the
    sentence that stands for reports of one date) its SVG has."""
    return page.locator("figure.dailyarchive-chart").evaluate_all("""figures => figures.map(f => {
        const svg = f.querySelector('.dailyarchive-chart-view svg');
        return svg ? svg.querySelectorAll('g.role-mark > path, g.role-mark > g > path, g.mark-text.role-mark tspan, '
                                          + 'g.mark-text.role-mark text').length : 0; })""")


def tooltip_of(page: Page, point: Locator) -> str:
    """Hover a point and return the text of the tooltip it shows ('' if none)."""
    tooltip = page.locator("#vg-tooltip-element.visible")
    page.mouse.move(0, 0)  # leave the last point first, so no earlier tooltip is read
    tooltip.wait_for(state="hidden", timeout=2_000)
    point.hover(force=True)
    try:
        tooltip.wait_for(timeout=400)
    except PlaywrightTimeout:  # this point has no tooltip
        return ""
    return " ".join(tooltip.inner_text().split())


def find_point(page: Page, chart: str, *words: str) -> tuple[Locator, str]:
    """The point of `chart` whose tooltip contains every one of `words`, with that tooltip."""
    points = page.locator(chart).first.locator(POINTS)
    seen = []
    for index in range(points.count()):
        text = tooltip_of(page, points.nth(index))
        if all(word in text for word in words):
            return points.nth(index), text
        seen.append(text)
    raise AssertionError(f"no point with {words}; tooltips: {seen}")


@pytest.mark.parametrize("relative", CHART_PAGES)
def test_every_chart_draws_marks(visitor, relative):
    page = draw_charts(visitor, relative)
    counts = marks_per_chart(page)
    assert counts, f"{relative} has no chart"
    assert all(count > 0 for count in counts), counts
    assert page.locator("figure.dailyarchive-chart-ready").count() == len(counts)
    assert visitor.problems() == []


def test_tooltip_shows_the_value_with_its_qualifier(visitor):
    page = draw_charts(visitor, CHRONOLOGY)
    _, text = find_point(page, KILLED, "9 July 2019", "civilians", "544")
    assert "at least 544" in text
    assert "since 26 April 2019" in text  # the baseline
    assert "Opposition factions strike regime lines in northern Latakia" in text and "version 2" in text
    assert "undefined" not in text and "NaN" not in text
    _, children = find_point(page, KILLED, "9 July 2019", "children")
    assert "at least 130" in children


def test_clicking_a_point_opens_its_bulletin(visitor):
    page = draw_charts(visitor, CHRONOLOGY)
    point, _ = find_point(page, KILLED, "9 July 2019", "civilians", "544")
    with page.expect_navigation():
        point.click(force=True)
    assert page.url.split("?")[0].endswith(BULLETIN)
    assert page.locator("h1").first.inner_text().startswith("Opposition factions strike regime lines")


def test_chart_data_table_is_there_for_screen_readers(file_visitor):
    page = draw_charts(file_visitor, CHRONOLOGY)
    killed = page.locator(KILLED).first
    assert killed.locator(".dailyarchive-chart-view").get_attribute("role") == "img"
    killed.locator("details.dailyarchive-chart-data > summary").click()
    table = killed.locator("details.dailyarchive-chart-data table")
    assert table.is_visible() and "at least 544" in table.inner_text()


def corrupt_first_spec(folder: Path) -> None:
    """Break the JSON of the first chart spec of the chronology page."""
    page = folder / CHRONOLOGY
    marker = 'class="dailyarchive-chart-spec">'
    text = page.read_text(encoding="utf-8")
    assert marker in text
    page.write_text(text.replace(marker, marker + "{corrupted ", 1), encoding="utf-8")


def test_a_chart_with_broken_data_is_caught(broken_copy):
    """The same checks on a copy whose first chronology chart has a corrupted spec: no marks, an error."""
    visitor = broken_copy(corrupt_first_spec)
    page = draw_charts(visitor, CHRONOLOGY, timeout=2_000)
    counts = marks_per_chart(page)
    assert len(counts) > 1 and counts[0] == 0
    assert visitor.problems(), "a chart that cannot be drawn must leave an error"


def test_one_broken_chart_leaves_the_others_drawn(broken_copy):
    visitor = broken_copy(corrupt_first_spec)
    counts = marks_per_chart(draw_charts(visitor, CHRONOLOGY, timeout=2_000))
    assert all(count > 0 for count in counts[1:]), counts


def chart_boxes(page: Page) -> list[dict[str, float]]:
    """For each chart: the widths of its column and its SVG, the SVG's right edge, the right edge of its
    widest text (title, labels, legends), the page's width, and whether the figure scrolls sideways."""
    return page.locator("figure.dailyarchive-chart").evaluate_all("""figures => figures.map(f => {
        const view = f.querySelector('.dailyarchive-chart-view'), svg = view.querySelector('svg');
        const box = svg ? svg.getBoundingClientRect() : {width: 0, right: 0};
        const texts = svg ? [...svg.querySelectorAll('text')].map(t => t.getBoundingClientRect().right) : [];
        return {column: view.getBoundingClientRect().width, svg: box.width, right: box.right,
                text: Math.max(0, ...texts), page: document.documentElement.clientWidth,
                scrolls: f.scrollWidth > f.clientWidth}; })""")


@pytest.mark.parametrize("relative", CHART_PAGES)
@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_chart_fits_its_column_and_fills_it(visitor, relative, width):
    page = draw_charts(visitor, relative, viewport=WIDTHS[width])
    boxes = chart_boxes(page)
    assert boxes, f"{relative} has no chart"
    for box in boxes:
        assert 0 < box["svg"] <= box["column"] + 1 and box["right"] <= box["page"] and not box["scrolls"], box
        assert box["text"] <= box["right"] + 1, box  # no title, label or legend cut off at the edge
        assert box["svg"] >= box["column"] - 2, box  # as wide as its column, not a fixed small image
    if width == "desktop":
        assert all(box["column"] >= 600 for box in boxes), boxes
    assert visitor.problems() == []


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_illustrative_point_is_marked_in_the_chart_and_its_tooltip(visitor, width):
    page = draw_charts(visitor, CHRONOLOGY, viewport=WIDTHS[width])
    killed = page.locator(KILLED).first
    spec = json.loads(killed.locator("script.dailyarchive-chart-spec").text_content())
    drawn = [p for p in spec["datasets"]["points"] if p.get("role") is None and p.get("value") is not None]
    made_up = [p for p in drawn if p.get("illustrative")]
    assert 0 < len(made_up) < len(drawn)
    hollow, filled = killed.locator(ILLUSTRATIVE_POINTS), killed.locator(RECORD_POINTS)
    assert (hollow.count(), filled.count()) == (len(made_up), len(drawn) - len(made_up))
    legends = killed.locator("g.role-legend").evaluate_all("legends => legends.map(l => l.textContent).join(' | ')")
    assert "illustrative (not the record)" in legends
    for index in range(hollow.count()):
        assert "illustrative: not the record, not to be cited" in tooltip_of(page, hollow.nth(index))
    for index in range(filled.count()):
        text = tooltip_of(page, filled.nth(index))
        assert text and "illustrative" not in text
    caption = killed.locator("figcaption").inner_text()
    assert "come from illustrative bulletins and are left out of this sentence" in caption


@pytest.mark.parametrize("relative", [BULLETIN, "syria-daily/index.html"])
@pytest.mark.parametrize("width", list(WIDTHS))
def test_screenshot_of_charts(visitor, screenshot_dir, relative, width):
    """Screenshots to look at: the first chart of a bulletin page and of the series page, at each width."""
    page = draw_charts(visitor, relative, viewport=WIDTHS[width])
    figure = page.locator("figure.dailyarchive-chart").first
    name = "bulletin" if relative == BULLETIN else "series"
    figure.screenshot(path=str(screenshot_dir / f"chart-{name}-{width}.png"))
    page.screenshot(path=str(screenshot_dir / f"chart-page-{name}-{width}.png"), full_page=False)
    assert (screenshot_dir / f"chart-{name}-{width}.png").stat().st_size > 0


def band_tooltips(page: Page, bands: Locator) -> list[str]:
    """The tooltips shown when the mouse rests on points inside each band (other marks may lie on top)."""
    texts = []
    for index in range(bands.count()):
        bands.nth(index).scroll_into_view_if_needed()
        box = bands.nth(index).bounding_box()
        for fraction in (0.5, 0.25, 0.75):
            page.mouse.move(0, 0)
            page.mouse.move(box["x"] + box["width"] * fraction, box["y"] + box["height"] * fraction)
            tooltip = page.locator("#vg-tooltip-element.visible")
            try:
                tooltip.wait_for(timeout=400)
            except PlaywrightTimeout:
                continue
            texts.append(" ".join(tooltip.inner_text().split()))
    return texts


def test_a_thinned_chart_fits_a_phone_and_bands_what_it_leaves_out(chromium, tmp_path):
    """A bulletin page whose series has more reports than its chart draws: the left-out reports are a band
    with its own tooltip, and the chart still fits a phone."""
    archive = write_archive(tmp_path / "archive")
    days = [dt.date(2019, 5, 1) + dt.timedelta(days=2 * i) for i in range(20)]
    for i, day in enumerate(days):
        write_bulletin(archive, date=day.isoformat(), slug=f"b{i}", illustrative=True if i % 3 == 0 else None,
                       figures=[{**TOLL, "value": 100 + 10 * i}, {**TOLL, "group": "children", "value": 20 + i}])
    result = build(archive, tmp_path / "out", ROOT / "docs", status=None, warning=io.StringIO())
    visitor, context = new_visitor(chromium, Site("file", result.outdir.as_uri() + "/", result.outdir))
    try:
        page = draw_charts(visitor, f"test-daily/2019/{days[-1]}-b19/index.html", viewport=PHONE)
        figure = page.locator("figure.dailyarchive-chart").first
        assert "of 40 reports shown" in figure.locator("figcaption").inner_text()
        bands = figure.locator("g.mark-rect.role-mark path")
        assert bands.count() > 0
        assert any("reports not drawn here: between" in text for text in band_tooltips(page, bands))
        assert all(box["svg"] <= box["column"] + 1 and box["right"] <= box["page"] for box in chart_boxes(page))
        assert visitor.problems() == []
    finally:
        context.close()
