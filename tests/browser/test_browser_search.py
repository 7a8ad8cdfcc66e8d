"""Search in the browser: full text, place filter with sub-places, date range, no hits, a broken index."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from browsing import BULLETIN, SEARCH, Visitor

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


def search(visitor: Visitor, **params: str) -> Outcome:
    """Open the search page with these URL parameters and read the results once the search has run."""
    visitor.open(SEARCH + "?" + urlencode(params))
    return read_results(visitor)


def read_results(visitor: Visitor) -> Outcome:
    """Wait until the search page shows a count or a problem, then read it."""
    page = visitor.page
    page.wait_for_function("""() => {
        const box = document.getElementById('dailyarchive-search-results');
        if (!box) return true;
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
