"""The home and bulletin pages load cleanly in Chromium, from file:// and from a loopback server."""

from __future__ import annotations

from browsing import BULLETIN, HOME
from test_browser_search import LATAKIA_TITLE, read_results


def test_home_page_loads_without_errors_or_remote_requests(visitor):
    page = visitor.open(HOME, idle=True)
    assert "Syria Daily" in page.title()
    assert page.locator("h1").first.is_visible()
    assert visitor.problems() == []


def test_home_page_lists_latest_bulletins_that_open(visitor):
    page = visitor.open(HOME)
    page.get_by_role("link", name="Opposition factions strike regime lines in northern Latakia").first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith(BULLETIN)
    assert visitor.problems() == []


def test_bulletin_page_shows_title_date_and_body(visitor):
    page = visitor.open(BULLETIN, idle=True)
    visitor.settle()
    assert page.locator("h1").first.inner_text().startswith("Opposition factions strike regime lines")
    body = page.locator("main, [role=main]").first.inner_text()
    assert "9 July 2019" in body or "09 July 2019" in body
    assert "Latakia" in body
    assert visitor.problems() == []


def test_arabic_names_run_right_to_left_in_an_installed_font(file_visitor):
    page = file_visitor.open("places/idlib-province/index.html")
    name = "محافظة إدلب"
    arabic = page.locator("#also-known-as span", has_text=name)
    assert arabic.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert arabic.get_attribute("lang") == "ar"  # read and drawn as Arabic (font, hyphenation, voice)
    cdp = page.context.new_cdp_session(page)  # which system fonts drew the text (DevTools protocol)
    try:
        cdp.send("DOM.getDocument", {"depth": 0})
        cdp.send("CSS.enable")
        found = cdp.send("Runtime.evaluate", {"expression": "[...document.querySelectorAll('#also-known-as span')]"
                                              f".find(e => e.textContent === '{name}')"})
        node = cdp.send("DOM.requestNode", {"objectId": found["result"]["objectId"]})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()
    assert sum(font["glyphCount"] for font in fonts) >= sum(not c.isspace() for c in name), fonts


def test_illustrative_bulletin_shows_a_visible_banner_above_its_text(file_visitor):
    page = file_visitor.open("syria-daily/2019/2019-07-17-civil-defence-centres-hit/index.html")
    banner = page.get_by_text("Illustrative: this bulletin is demonstration content", exact=False)
    assert banner.is_visible()
    first_paragraph = page.locator("[role=main] section > p:not([class])").first  # the body, after dateline and summary
    assert banner.bounding_box()["y"] < first_paragraph.bounding_box()["y"]


def test_a_place_page_opens_the_chronology_and_the_search_filtered_by_it(visitor):
    page = visitor.open("places/latakia-province/index.html")
    with page.expect_navigation():
        page.get_by_role("link", name="Its events in the chronology", exact=False).click()
    select = page.locator("form.dailyarchive-events-filter select[data-filter=places]")
    assert select.evaluate("s => s.selectedOptions[0].text") == "Latakia Province"
    shown, total = page.locator("li.dailyarchive-event:visible").count(), page.locator("li.dailyarchive-event").count()
    assert 0 < shown < total
    assert page.locator(".dailyarchive-events-count").inner_text() == f"{shown} of {total} events shown"
    page = visitor.open("places/latakia-province/index.html")
    with page.expect_navigation():
        page.get_by_role("link", name="Search the bulletins about it", exact=False).click()
    assert "place=Latakia+Province" in page.url
    assert LATAKIA_TITLE in read_results(visitor).titles
    assert visitor.problems() == []
