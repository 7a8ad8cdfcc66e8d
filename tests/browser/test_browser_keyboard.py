"""Keyboard only: the skip link, the search box and the filters are reachable with Tab and usable."""

from __future__ import annotations

from browsing import CHRONOLOGY, HOME, SEARCH
from playwright.sync_api import Page
from test_browser_search import (LATAKIA_TITLE, bulletin_places, catalog, places_under,  # noqa: F401 - a fixture
                                 read_results, relative)

TAB_LIMIT = 60


def focused(page: Page, selector: str) -> bool:
    """Whether the element that has the focus matches `selector`."""
    return page.evaluate("s => document.activeElement !== null && document.activeElement.matches(s)", selector)


def tab_to(page: Page, selector: str, backwards: bool = False) -> int:
    """Press Tab (or Shift+Tab) until `selector` has the focus; how many presses it took."""
    for presses in range(1, TAB_LIMIT + 1):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if focused(page, selector):
            return presses
    raise AssertionError(f"{selector} not reached with {TAB_LIMIT} presses of Tab")


def focus_is_visible(page: Page) -> bool:
    """Whether the focused element shows a focus indicator (an outline or a box shadow) and is on screen."""
    return page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
        const r = e.getBoundingClientRect();
        const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
        return ring && r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight; }""")


def test_skip_link_is_first_visible_on_focus_and_moves_to_the_content(visitor):
    page = visitor.open(HOME)
    assert tab_to(page, "a") == 1
    link = page.locator(":focus")
    assert link.inner_text().strip().lower().startswith("skip to")
    assert focus_is_visible(page)
    target = link.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_function("t => location.hash === t", arg=target, timeout=5_000)
    assert focused(page, target), "the skip link must move the focus to the content"
    page.keyboard.press("Tab")
    assert page.evaluate(f"document.querySelector('{target}').contains(document.activeElement)")


def test_home_search_box_is_reachable_and_searches(visitor):
    page = visitor.open(HOME)
    tab_to(page, "input[name=q]")
    assert focus_is_visible(page)
    page.keyboard.type("Latakia")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "search.html?q=Latakia" in page.url
    assert LATAKIA_TITLE in read_results(visitor).titles
    assert visitor.problems() == []


def test_search_filters_are_usable_with_the_keyboard(visitor, catalog):
    page = visitor.open(SEARCH)
    tab_to(page, "#dailyarchive-q")
    page.keyboard.type("attack")
    tab_to(page, "input[name=place]")
    assert focus_is_visible(page)
    page.keyboard.type("Mount Turkmen")
    page.keyboard.press("Escape")  # close the suggestions list, keep the text
    tab_to(page, "input[name=corrected]")
    page.keyboard.press("Space")
    assert page.locator("input[name=corrected]").is_checked()
    tab_to(page, "#dailyarchive-search-form button[type=submit]", backwards=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "place=Mount+Turkmen" in page.url and "corrected=1" in page.url
    outcome = read_results(visitor)
    assert LATAKIA_TITLE in outcome.titles, outcome
    # every result passes both filters, as the archive says (whatever it holds today)
    inside = places_under(catalog, "Mount Turkmen")
    corrected = set(catalog.bulletins.loc[catalog.bulletins["corrected"].astype(bool), "url"])
    allowed = {url.strip("/") + "/" for url, named in bulletin_places(catalog).items() if named & inside and url in corrected}
    assert relative(visitor, outcome.urls) <= allowed, outcome
    assert visitor.problems() == []


def test_chronology_filter_is_usable_with_the_keyboard(visitor):
    page = visitor.open(CHRONOLOGY)
    events = page.locator("li.dailyarchive-event")
    total = events.count()
    tab_to(page, "form.dailyarchive-events-filter select[data-filter=places]")
    assert focus_is_visible(page)
    page.keyboard.type("Latakia Province")  # type-ahead on a closed select picks the option and fires change
    assert page.locator("select[data-filter=places]").evaluate("s => s.selectedOptions[0].text") == "Latakia Province"
    shown = page.locator("li.dailyarchive-event:visible")
    texts = shown.all_inner_texts()
    assert 0 < len(texts) < total
    inside = ("Latakia", "Mount Turkmen", "Kabani", "Jabal al-Akrad")
    assert all(any(name in text for name in inside) for text in texts), texts
    assert any("9 July 2019" in text and "Mount Turkmen" in text for text in texts)
    status = page.locator(".dailyarchive-events-count").inner_text()
    assert status == f"{len(texts)} of {total} events shown"
    assert visitor.problems() == []
