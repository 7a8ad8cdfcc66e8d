"""Search in the browser: full text, stems and phrases against a grep of the archive, names in every spelling,
counts that match the results, dates as the site writes them, results as you type, at phone and desktop widths."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from browsing import BULLETIN, CHRONOLOGY, DESKTOP, HOME, PHONE, SEARCH, Visitor

from dailyarchive import load_catalog

ROOT = Path(__file__).resolve().parents[2]
LATAKIA_TITLE = "Opposition factions strike regime lines in northern Latakia"


@dataclass(frozen=True)
class Outcome:
    """What the search page shows once it has finished."""

    status: str
    titles: list[str]
    urls: list[str]
    dates: list[str]
    problems: list[str]


def search(visitor: Visitor, viewport: dict[str, int] = DESKTOP, **params: str) -> Outcome:
    """Open the search page with these URL parameters and read the results once the search has run."""
    visitor.open(SEARCH + "?" + urlencode(params), viewport=viewport)
    return read_results(visitor)


def read_results(visitor: Visitor) -> Outcome:
    """Wait until the search page shows a count or a problem, then read it."""
    page = visitor.page
    page.wait_for_function("""() => {
        const box = document.getElementById('dailyarchive-search-results');
        if (!box) return document.readyState === 'complete' && !location.pathname.endsWith('/search.html');
        const done = [...box.querySelectorAll('.dailyarchive-count')].some(p => !p.textContent.includes('Searching'));
        return done || box.querySelector('.dailyarchive-problem') !== null;
    }""", timeout=10_000)
    box = page.locator("#dailyarchive-search-results")
    links = box.locator(".dailyarchive-result-title a")
    return Outcome(
        status=" ".join(box.locator(".dailyarchive-count").all_inner_texts()),
        titles=links.all_inner_texts(),
        urls=[href.split("?")[0] for href in links.evaluate_all("els => els.map(a => a.href)")],
        dates=box.locator(".dailyarchive-result time").evaluate_all("els => els.map(t => t.getAttribute('datetime'))"),
        problems=box.locator(".dailyarchive-problem").all_inner_texts(),
    )


@pytest.fixture(scope="module")
def catalog():
    """The sample archive's catalog: the oracle for what a filter must return."""
    return load_catalog(ROOT / "archive")


def places_under(catalog, name: str) -> set[str]:
    """`name` and every place below it in the gazetteer."""
    found, grew = {name}, True
    while grew:
        below = set(catalog.places.index[catalog.places["parent"].isin(found)])
        grew = not below <= found
        found |= below
    return found


def bulletin_places(catalog) -> dict[str, set[str]]:
    """Bulletin URL → the places it names in its front matter or its events."""
    events = catalog.events.groupby("bulletin_id")["place"].agg(lambda s: set(s.dropna()))
    return {row.url: set(row.places) | events.get(bulletin_id, set())
            for bulletin_id, row in catalog.bulletins.iterrows()}


def relative(visitor: Visitor, urls: list[str]) -> set[str]:
    """Result URLs relative to the site, as folder URLs (`.../<date>-<slug>/`)."""
    return {url.removeprefix(visitor.site.base).removesuffix("index.html") for url in urls}


def catalog_urls(catalog, keep) -> set[str]:  # noqa: ANN001 - keep is a predicate on a bulletins row
    """Folder URLs (as the search results give them) of the bulletins that `keep` accepts."""
    return {row.url.strip("/") + "/" for _, row in catalog.bulletins.iterrows() if keep(row)}


def test_full_text_search_finds_the_latakia_bulletin_with_a_snippet(visitor):
    outcome = search(visitor, q="Latakia")
    assert LATAKIA_TITLE in outcome.titles
    assert any(url.endswith(BULLETIN.removesuffix("index.html")) or url.endswith(BULLETIN) for url in outcome.urls)
    assert "found" in outcome.status and outcome.problems == []
    visitor.page.wait_for_selector(".dailyarchive-snippet mark", timeout=10_000)
    marks = {m.lower() for m in visitor.page.locator(".dailyarchive-snippet mark").all_inner_texts()}
    assert marks and all(m.startswith("latakia") or m.startswith("lattakia") for m in marks)
    assert visitor.problems() == []


def test_result_opens_the_bulletin(visitor):
    search(visitor, q="Latakia")
    visitor.page.get_by_role("link", name=LATAKIA_TITLE).click()
    visitor.page.wait_for_load_state("load")
    assert visitor.page.url.split("?")[0].endswith(BULLETIN.removesuffix("index.html")) or \
        visitor.page.url.split("?")[0].endswith(BULLETIN)
    assert visitor.page.locator("h1").first.inner_text().startswith(LATAKIA_TITLE)


def test_place_filter_includes_sub_places_and_narrows(visitor, catalog):
    outcome = search(visitor, place="Latakia Province")
    inside = places_under(catalog, "Latakia Province")
    assert "Mount Turkmen" in inside
    places = bulletin_places(catalog)
    expected = {url.strip("/") + "/" for url, named in places.items() if named & inside}
    assert relative(visitor, outcome.urls) == expected
    assert 0 < len(expected) < len(catalog.bulletins)
    with_words = search(visitor, q="Latakia", place="Latakia Province")
    assert set(with_words.urls) <= set(outcome.urls) and LATAKIA_TITLE in with_words.titles


def test_date_range_narrows_to_the_dates(visitor, catalog):
    outcome = search(visitor, **{"from": "2019-07-01", "to": "2019-07-31"})
    assert outcome.dates and all("2019-07-01" <= d <= "2019-07-31" for d in outcome.dates)
    expected = catalog_urls(catalog, lambda row: "2019-07-01" <= str(row.date)[:10] <= "2019-07-31")
    assert relative(visitor, outcome.urls) == expected
    words = search(visitor, q="Latakia", **{"from": "2019-07-10", "to": "2019-08-31"})
    assert LATAKIA_TITLE not in words.titles


def test_search_with_no_hits_says_so(visitor):
    outcome = search(visitor, q="xylophonezzq")
    assert outcome.titles == []
    assert outcome.status.startswith("0 bulletins found"), outcome.status
    assert visitor.page.locator("#dailyarchive-search-results").is_visible()
    assert visitor.problems() == []


def test_unknown_place_is_reported_not_ignored(visitor):
    outcome = search(visitor, q="Latakia", place="Atlantis")
    assert outcome.titles == []
    assert any("Atlantis" in p for p in outcome.problems)


def test_search_without_its_index_fails_visibly(broken_copy):
    """The same search on a copy whose year shard was removed: the Latakia bulletin is not found."""
    def remove_shards(folder: Path) -> None:
        shards = [p for p in (folder / "_search").glob("*.js") if p.name != "manifest.js" and ".text." not in p.name]
        assert shards
        for shard in shards:
            shard.unlink()

    visitor = broken_copy(remove_shards)
    outcome = search(visitor, q="Latakia")
    assert LATAKIA_TITLE not in outcome.titles
    assert outcome.problems and "incomplete" in outcome.problems[0]
    assert any("failed" in p or "console" in p for p in visitor.problems())


WIDTHS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])


def grep_archive(catalog, pattern: str) -> set[str]:
    """Folder URLs of the bulletins whose latest version file (its URL lines aside) or the gazetteer entries
    it names (its places and the places enclosing them, its actors and tags, with their aliases) match."""
    regex = re.compile(pattern, re.IGNORECASE)
    events = catalog.latest("events")
    found = set()
    for bulletin_id, row in catalog.bulletins.iterrows():
        text = Path(row.path).read_text(encoding="utf-8")
        text = "\n".join(line for line in text.splitlines() if not line.strip().startswith("url:"))
        mine = events[events["bulletin_id"] == bulletin_id]
        places = set(row.places) | set(mine["place"].dropna())
        places |= {above for place in set(places) for above in places_above(catalog, place)}
        actors = set(row.actors) | {a for names in mine["actors"] for a in names}
        for table, names in ((catalog.places, places), (catalog.actors, actors), (catalog.tags, set(row.tags))):
            text += "".join(f"\n{name}" for n in names if n in table.index for name in (n, *table.at[n, "aliases"]))
        if regex.search(text):
            found.add(row.url.strip("/") + "/")
    return found


def places_above(catalog, name: str) -> list[str]:
    """The places enclosing `name` in the gazetteer."""
    chain = []
    while name in catalog.places.index and isinstance(catalog.places.at[name, "parent"], str):
        name = catalog.places.at[name, "parent"]
        chain.append(name)
    return chain


@WIDTHS
def test_a_stemmed_word_finds_what_a_grep_finds(visitor, catalog, viewport):
    outcome = search(visitor, viewport, q="casualty")
    expected = grep_archive(catalog, r"\bcasualt(?:y|ies)\b")
    assert len(expected) > 5
    assert relative(visitor, outcome.urls) == expected
    visitor.page.wait_for_selector(".dailyarchive-snippet mark", timeout=10_000)
    marks = {m.lower() for m in visitor.page.locator(".dailyarchive-snippet mark").all_inner_texts()}
    assert marks <= {"casualty", "casualties"}, marks
    assert visitor.problems() == []


@WIDTHS
def test_a_phrase_finds_what_a_grep_finds(visitor, catalog, viewport):
    phrase = search(visitor, viewport, q='"civil defence"')
    expected = grep_archive(catalog, r"\bcivil\s+defence\b")
    assert relative(visitor, phrase.urls) == expected
    assert expected
    assert visitor.problems() == []


@WIDTHS
def test_the_arabic_name_of_latakia_finds_latakias_bulletins(visitor, catalog, viewport):
    inside = places_under(catalog, "Latakia Province")
    expected = {url.strip("/") + "/" for url, named in bulletin_places(catalog).items() if named & inside}
    assert "محافظة اللاذقية" in catalog.places.at["Latakia Province", "aliases"]
    for query in ("اللاذقية", "محافظة اللاذقيه", "اللاذقيـة"):
        outcome = search(visitor, viewport, q=query)
        assert relative(visitor, outcome.urls) == expected, query
    assert relative(visitor, search(visitor, viewport, place="محافظة اللاذقية").urls) == expected
    assert visitor.problems() == []


def test_a_name_as_a_word_finds_what_it_finds_as_a_filter(visitor, catalog):
    word = search(visitor, q="Lattakia")
    place = search(visitor, place="Lattakia")
    inside = places_under(catalog, "Latakia Province")
    assert relative(visitor, place.urls) == {u.strip("/") + "/" for u, named in bulletin_places(catalog).items()
                                             if named & inside}
    assert relative(visitor, word.urls) == relative(visitor, place.urls)


def facet_buttons(visitor: Visitor) -> list[tuple[str, str, int]]:
    """(filter, value, count) of every count button shown beside the results."""
    return [(b["facet"], b["value"], int(b["count"])) for b in visitor.page.locator(".dailyarchive-facets button")
            .evaluate_all("els => els.map(e => ({facet: e.dataset.facet, value: e.dataset.value, count: e.dataset.count}))")]


@WIDTHS
def test_filter_counts_match_the_results(visitor, viewport):
    base = {"q": "attack"}
    search(visitor, viewport, **base)
    buttons = facet_buttons(visitor)
    kinds = {kind for kind, _, _ in buttons}
    assert kinds == {"place", "actor", "tag"}, buttons
    years = visitor.page.locator("select[name=year] option[data-count]").evaluate_all(
        "els => els.filter(e => e.dataset.count).map(e => [e.value, Number(e.dataset.count)])")
    assert years
    for kind, value, count in [*buttons[:4], *[b for b in buttons if b[0] != "place"][:4], *(("year", y, n) for y, n in years)]:
        narrowed = search(visitor, viewport, **base, **{kind: value})
        assert len(narrowed.urls) == count, (kind, value, count, narrowed.status)
    search(visitor, viewport, **base)
    kind, value, count = buttons[1]
    visitor.page.locator(f".dailyarchive-facets button[data-value='{value}']").click()
    visitor.page.wait_for_function("n => (document.querySelector('.dailyarchive-count') || {}).textContent"
                                   "?.startsWith(n + ' bulletin')", arg=count, timeout=10_000)
    assert parse_qs(urlsplit(visitor.page.url).query)[kind] == [value]
    assert visitor.page.locator(".dailyarchive-result").count() == count
    assert visitor.problems() == []


def test_results_come_before_the_help_on_a_phone(visitor):
    search(visitor, PHONE, q="Latakia")
    page = visitor.page
    first = page.locator(".dailyarchive-result").first.bounding_box()
    help_heading = page.get_by_role("heading", name="How the search works").bounding_box()
    assert first is not None and help_heading is not None
    assert first["y"] < PHONE["height"] and first["y"] < help_heading["y"], first
    assert page.locator("#dailyarchive-filters").evaluate("d => d.open") is False


def test_dates_are_shown_and_read_as_the_site_writes_them(visitor, catalog):
    outcome = search(visitor, **{"from": "2019-07-01", "to": "2019-07-31"})
    page = visitor.page
    assert page.locator("input[name=from]").input_value() == "1 July 2019"
    assert page.locator("input[name=to]").input_value() == "31 July 2019"
    assert page.locator("input[name=from]").get_attribute("type") in (None, "text")
    shown = page.locator(".dailyarchive-result time").all_inner_texts()
    assert shown and all(re.fullmatch(r"\d{1,2} [A-Z][a-z]+ 2019", t) for t in shown), shown
    page.locator("input[name=from]").fill("9 July 2019")
    page.locator("input[name=to]").fill("July 2019")
    page.wait_for_function("() => new URLSearchParams(location.search).get('from') === '2019-07-09'", timeout=10_000)
    expected = catalog_urls(catalog, lambda row: "2019-07-09" <= str(row.date)[:10] <= "2019-07-31")
    page.wait_for_function("n => document.querySelectorAll('.dailyarchive-result').length === n", arg=len(expected),
                           timeout=10_000)
    assert relative(visitor, read_results(visitor).urls) == expected and len(expected) < len(outcome.urls)
    wrong = search(visitor, **{"from": "07/09/2019"})
    assert wrong.titles == [] and any("9 July 2019" in p for p in wrong.problems)


def test_results_appear_as_you_type_and_order_by_date(visitor, catalog):
    page = visitor.open(SEARCH)
    page.locator("#dailyarchive-q").press_sequentially("casualt", delay=30)
    page.wait_for_function("() => new URLSearchParams(location.search).get('q') === 'casualt' && "
                           "document.querySelectorAll('.dailyarchive-result').length > 0", timeout=10_000)
    assert page.url.split("?")[0].endswith(SEARCH)
    page.locator("select[name=sort]").select_option("oldest")
    page.wait_for_function("() => document.querySelector('.dailyarchive-count').textContent.includes('oldest')",
                           timeout=10_000)
    dates = read_results(visitor).dates
    assert dates == sorted(dates) and len(dates) == len(grep_archive(catalog, r"\bcasualt"))
    assert visitor.problems() == []


def test_clear_filters_keeps_the_words(visitor):
    words_only = search(visitor, q="attack")
    narrowed = search(visitor, q="attack", place="Mount Turkmen", corrected="1")
    assert len(narrowed.urls) < len(words_only.urls)
    visitor.page.get_by_role("button", name="Clear filters").click()
    visitor.page.wait_for_function("n => document.querySelectorAll('.dailyarchive-result').length === n",
                                   arg=len(words_only.urls), timeout=10_000)
    assert parse_qs(urlsplit(visitor.page.url).query) == {"q": ["attack"]}
    assert visitor.page.locator("input[name=place]").input_value() == ""
    assert visitor.page.get_by_role("button", name="Clear filters").is_hidden()


@pytest.mark.parametrize("page_path", [HOME, BULLETIN, CHRONOLOGY, SEARCH])
def test_one_search_box_on_every_page(file_visitor, page_path):
    page = file_visitor.open(page_path)
    assert page.locator("input[name=q]").count() == 1
    assert page.locator("[role=search]").count() == 1


def test_search_page_screenshots(file_visitor, screenshot_dir):
    """The search page at both widths, for the record (looked at by hand)."""
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        search(file_visitor, viewport, q="attack")
        file_visitor.page.screenshot(path=str(screenshot_dir / f"search-{name}.png"))
        assert file_visitor.problems() == []


def test_unfinished_names_and_dates_wait_until_the_field_is_left(visitor):
    words_only = search(visitor, q="attack")
    page = visitor.page
    place = page.locator("input[name=place]")
    place.press_sequentially("Mount Turk", delay=20)
    page.wait_for_timeout(600)
    assert page.locator(".dailyarchive-problem").count() == 0
    assert page.locator(".dailyarchive-result").count() == len(words_only.urls)
    place.press_sequentially("men", delay=20)
    page.wait_for_function("() => new URLSearchParams(location.search).get('place') === 'Mount Turkmen'", timeout=10_000)
    page.wait_for_function("n => document.querySelectorAll('.dailyarchive-result').length < n",
                           arg=len(words_only.urls), timeout=10_000)
    start = page.locator("input[name=from]")
    start.press_sequentially("9 Ju", delay=20)
    page.wait_for_timeout(600)
    assert page.locator(".dailyarchive-problem").count() == 0
    start.press("Tab")
    page.wait_for_selector(".dailyarchive-problem", timeout=10_000)
    assert "9 Ju" in page.locator(".dailyarchive-problem").first.inner_text()
    assert visitor.problems() == []
