"""The timeline in the browser: one mark per event in view, precision drawn as width, filters shared with
the list and kept in the address, keyboard zoom, and an export that holds exactly the events shown."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from browsing import CHRONOLOGY, Site, Visitor, new_visitor
from helpers import write_archive, write_bulletin
from playwright.sync_api import Page

from dailyarchive.publish.html import build

TIMELINE = "figure.dailyarchive-timeline"
READY = "figure.dailyarchive-timeline.dailyarchive-timeline-ready"
#: The marks drawn inside the plot, from Vega's scenegraph (the canvas renderer has no DOM to count).
MARKS = f"() => document.querySelector('{TIMELINE}').dailyarchiveTimeline.marks()"
#: The events the timeline holds in view after the filters: (bulletin id, index in the bulletin).
IN_VIEW = f"""() => document.querySelector('{TIMELINE}').dailyarchiveTimeline.inView()
    .map(e => [e.bulletin.id, e.index])"""


def open_timeline(visitor: Visitor, relative: str = CHRONOLOGY) -> Page:
    page = visitor.open(relative)
    page.wait_for_selector(READY, timeout=15_000)
    return page


def shown(page: Page) -> int:
    return int(page.locator(TIMELINE).get_attribute("data-shown"))


def settle(page: Page) -> None:
    """Wait for the timeline to redraw after a change (a new view draws within a few frames)."""
    page.wait_for_timeout(400)
    page.wait_for_selector(READY)


def test_timeline_draws_one_mark_per_event_in_view(visitor):
    page = open_timeline(visitor)
    events = page.locator("li.dailyarchive-event").count()
    marks = page.evaluate(MARKS)
    assert len(marks) == shown(page) == events == 41
    assert len({m["href"] for m in marks}) > 1
    assert all(m["href"].endswith(".html") and "/v" in m["href"] for m in marks)
    assert visitor.problems() == []


def test_a_month_is_drawn_wider_than_a_day(file_visitor):
    page = open_timeline(file_visitor)
    marks = page.evaluate(MARKS)
    days = [m["width"] for m in marks if m["kind"] == "points"]
    months = [m["width"] for m in marks if m["kind"] == "bars"]
    assert days and months
    assert min(months) > max(days)


def test_a_place_filter_keeps_its_sub_places_and_the_list_agrees(visitor):
    page = open_timeline(visitor)
    total = shown(page)
    page.select_option("form.dailyarchive-events-filter select[data-filter=places]", "p-latakia-province")
    settle(page)
    listed = page.locator("li.dailyarchive-event:visible")
    assert 0 < listed.count() < total
    assert listed.count() == shown(page) == len(page.evaluate(MARKS))
    lanes = {m["lane"] for m in page.evaluate(MARKS)}
    assert "Mount Turkmen" in lanes and lanes <= {"Latakia Province", "Mount Turkmen", "Kabani", "Jabal al-Akrad"}
    assert parse_qs(urlparse(page.url).query) == {"place": ["latakia-province"]}
    assert visitor.problems() == []


def test_the_address_restores_the_filters(file_visitor):
    page = open_timeline(file_visitor, CHRONOLOGY + "?place=latakia-province&from=2019-07-01&to=2019-07-31")
    assert page.locator(TIMELINE).get_attribute("data-from") == "2019-07-01"
    assert page.locator("select[data-filter=places]").input_value() == "p-latakia-province"
    assert page.locator("li.dailyarchive-event:visible").count() == shown(page) > 0


def test_zooming_with_the_keyboard_narrows_the_view_and_the_list(visitor):
    page = open_timeline(visitor)
    before = shown(page)
    page.focus(".dailyarchive-timeline-view")
    for _ in range(2):
        page.keyboard.press("+")
    settle(page)
    query = parse_qs(urlparse(page.url).query)
    assert set(query) == {"from", "to"}
    assert page.locator(TIMELINE).get_attribute("data-from") == query["from"][0]
    assert 0 < shown(page) < before
    assert page.locator("li.dailyarchive-event:visible").count() == shown(page) == len(page.evaluate(MARKS))
    page.keyboard.press("ArrowLeft")
    settle(page)
    assert parse_qs(urlparse(page.url).query)["from"][0] < query["from"][0]
    page.click("button[data-timeline=all]")
    settle(page)
    assert shown(page) == before and urlparse(page.url).query == ""
    assert visitor.problems() == []


def test_brushing_the_overview_picks_the_span_and_dragging_pans(file_visitor):
    page = open_timeline(file_visitor)
    view = page.locator(".dailyarchive-timeline-view")
    view.scroll_into_view_if_needed()
    box = view.bounding_box()
    strip = box["y"] + box["height"] - 50  # inside the overview strip, above its axis
    left = box["x"] + 170
    page.mouse.move(left + 300, strip)
    page.mouse.down()
    page.mouse.move(left + 360, strip, steps=4)
    page.mouse.up()
    settle(page)
    first = page.locator(TIMELINE).get_attribute("data-from"), page.locator(TIMELINE).get_attribute("data-to")
    assert "2019-05" <= first[0] < first[1] <= "2019-09-30", first
    assert page.locator("li.dailyarchive-event:visible").count() == shown(page) == len(page.evaluate(MARKS)) > 0
    page.mouse.move(left + 300, box["y"] + 40)
    page.mouse.down()
    page.mouse.move(left + 400, box["y"] + 40, steps=4)  # dragging the detail view moves it to earlier days
    page.mouse.up()
    settle(page)
    assert page.locator(TIMELINE).get_attribute("data-from") < first[0]


def test_the_exported_csv_holds_exactly_the_events_shown(visitor):
    page = open_timeline(visitor)
    page.select_option("select[data-filter=places]", "p-idlib-province")
    page.focus(".dailyarchive-timeline-view")
    page.keyboard.press("+")
    settle(page)
    with page.expect_download() as download:
        page.click("button[data-timeline=csv]")
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert sorted([r["bulletin_id"], int(r["event_index"])] for r in rows) == sorted(page.evaluate(IN_VIEW))
    assert len(rows) == shown(page) == len(page.evaluate(MARKS)) > 0
    first = rows[0]
    assert first["version"] and first["url"].startswith(visitor.site.base) and first["url"].endswith(
        f"/v{first['version']}.html")
    with page.expect_download() as download:
        page.click("button[data-timeline=json]")
    assert '"events"' in Path(download.value.path()).read_text(encoding="utf-8")
    assert visitor.problems() == []


def test_a_click_opens_the_bulletin_version(file_visitor):
    page = open_timeline(file_visitor)
    mark = page.evaluate(MARKS)[0]
    target = page.evaluate(f"() => document.querySelector('{TIMELINE}').dailyarchiveTimeline.markCenter(0)")
    folder = mark["href"].rsplit("/", 1)[0].lstrip("./")
    page.locator(".dailyarchive-timeline-view").scroll_into_view_if_needed()
    box = page.locator(".dailyarchive-timeline-view svg, .dailyarchive-timeline-view canvas").first.bounding_box()
    page.mouse.click(box["x"] + target[0], box["y"] + target[1])
    page.wait_for_url(f"**/{folder}/*.html")  # the version's page (the latest one's address opens the bulletin)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small archive with every kind of date: day, month, year, approximate, uncertain, unknown digits,
    an unknown place, and a busy day; built once."""
    root = write_archive(tmp_path_factory.mktemp("timeline") / "archive")
    dates = ["2019-07-09", "2019-07", "2019", "2019-07~", "2019-06?", "2019-07-0X"]
    events = [{"date": d, "place": "Mount Turkmen", "actors": ["HTS"], "what": f"Event dated {d}."} for d in dates]
    events.append({"date": "2019-07-08", "place": "Nowhere Known", "what": "A place not in the gazetteer."})
    write_bulletin(root, events=events, places=["Latakia Province"])
    busy = [{"date": "2019-07-10", "place": "Idlib Province", "what": f"Shelling {n}."} for n in range(300)]
    write_bulletin(root, date="2019-07-11", slug="busy", events=busy)
    write_bulletin(root, date="2019-07-12", slug="broken", events=[{"date": "2019-07-4X", "what": "Malformed."}])
    out = tmp_path_factory.mktemp("timeline-build")
    build(root, out, Path(__file__).parents[2] / "docs", "html")
    return out / "html"


@pytest.fixture
def generated_visitor(chromium, generated: Path):
    visitor, context = new_visitor(chromium, Site("file", generated.as_uri() + "/", generated))
    yield visitor
    context.close()


def test_generated_archive_draws_each_precision_honestly(generated_visitor):
    page = open_timeline(generated_visitor)
    marks = page.evaluate(MARKS)
    assert len(marks) == shown(page) == 307  # the malformed date is never drawn
    tips = page.evaluate(f"""() => document.querySelector('{TIMELINE}').dailyarchiveTimeline.inView()
        .map(e => [e.text, document.querySelector('{TIMELINE}').dailyarchiveTimeline.tooltip(e).Date])""")
    said = dict(tips)
    assert "approximate" in said["2019-07~"] and "uncertain" in said["2019-06?"]
    assert "between 1 July 2019 and 9 July 2019" in said["2019-07-0X"] and "unknown" in said["2019-07-0X"]
    assert "to the year" in said["2019"]
    lanes = {m["lane"] for m in marks}
    assert "No known place" in lanes  # the unknown place is drawn on a lane of its own, not guessed
    widths = {kind: sorted(m["width"] for m in marks if m["kind"] == kind) for kind in ("points", "bars")}
    assert widths["bars"][0] > widths["points"][-1]
    assert generated_visitor.problems() == []


def test_generated_archive_zooms_into_the_busy_day(generated_visitor):
    page = open_timeline(generated_visitor, CHRONOLOGY + "?from=2019-07-10&to=2019-07-10")
    assert shown(page) >= 300
    page.focus(".dailyarchive-timeline-view")
    page.keyboard.press("-")
    settle(page)
    assert shown(page) > 300 and generated_visitor.problems() == []


def test_a_place_page_shows_the_events_of_the_place_and_its_sub_places(visitor):
    page = open_timeline(visitor, "places/latakia-province/index.html")
    lanes = {m["lane"] for m in page.evaluate(MARKS)}
    assert shown(page) == len(page.evaluate(MARKS)) > 0
    assert "Mount Turkmen" in lanes and lanes <= {"Latakia Province", "Mount Turkmen", "Kabani", "Jabal al-Akrad"}
    link = page.locator("a.dailyarchive-timeline-list")
    assert link.get_attribute("href").endswith("chronology/index.html?place=latakia-province")
    link.click()
    page.wait_for_selector(READY)
    assert page.locator("li.dailyarchive-event:visible").count() == shown(page) == len(page.evaluate(MARKS))
    assert visitor.problems() == []


def test_a_place_page_timeline_has_no_serious_accessibility_violation(chromium, sample_build):
    from browsing import axe_violations

    # a context of its own: axe's late requests for the style sheets must not reach the shared page's log
    visitor, context = new_visitor(chromium, Site("file", sample_build.outdir.as_uri() + "/", sample_build.outdir))
    try:
        page = open_timeline(visitor, "places/latakia-province/index.html")
        violations = axe_violations(page)
        assert not violations, "\n".join(violations)
    finally:
        context.close()


def test_the_bench_measures_the_timeline(sample_build):
    """`invoke bench`'s timeline figures on the sample (in a process of its own: this session's browser runs here)."""
    import json
    import subprocess
    import sys

    from dailyarchive.harness.timelinebench import KEYS

    done = subprocess.run([sys.executable, "-m", "dailyarchive.harness.timelinebench", str(sample_build.outdir)],
                          capture_output=True, text=True, timeout=300, check=True)
    figures = json.loads(done.stdout)
    assert set(KEYS) <= set(figures) and "timeline_error" not in figures
    assert figures["timeline_events"] == 41
    assert figures["timeline_first_draw_ms"] > 0 and figures["timeline_zoom_ms"] > 0 and figures["timeline_mb"] > 0


@pytest.fixture(scope="module")
def generated_large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 bulletins from the bench's generator over more than a year: the chronology lists its events on
    year pages, so the index's timeline has its own filter form; built once."""
    from dailyarchive.harness.generate import generate_archive

    root = tmp_path_factory.mktemp("timeline-large") / "archive"
    generate_archive(root, 300, seed=3)
    out = tmp_path_factory.mktemp("timeline-large-build")
    build(root, out, Path(__file__).parents[2] / "docs", "html")
    return out / "html"


def test_generated_archive_filters_zooms_and_exports_from_the_timeline_form(chromium, generated_large: Path):
    visitor, context = new_visitor(chromium, Site("file", generated_large.as_uri() + "/", generated_large))
    try:
        page = open_timeline(visitor)
        assert page.locator("li.dailyarchive-event").count() == 0  # the events are listed on year pages
        assert len(page.evaluate(MARKS)) == shown(page) > 0
        form = page.locator("form.dailyarchive-timeline-filter")
        place = form.locator("select").first
        choice = place.locator("option").nth(1)
        slug, name = choice.get_attribute("value"), choice.inner_text()
        place.select_option(slug)
        settle(page)
        assert parse_qs(urlparse(page.url).query)["place"] == [slug]
        marks = page.evaluate(MARKS)
        assert len(marks) == shown(page)
        page.focus(".dailyarchive-timeline-view")
        page.keyboard.press("-")
        settle(page)
        assert len(page.evaluate(MARKS)) == shown(page)
        with page.expect_download() as download:
            page.click("button[data-timeline=csv]")
        rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
        assert sorted([r["bulletin_id"], int(r["event_index"])] for r in rows) == sorted(page.evaluate(IN_VIEW))
        assert visitor.problems() == [], name
    finally:
        context.close()
