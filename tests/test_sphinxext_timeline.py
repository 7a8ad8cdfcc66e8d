"""The timeline's HTML: its data attributes escaped, the first view's data files loaded with the page,
the list linked (with the page's own filter), and nothing drawn by builders without scripts."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from helpers import write_archive, write_bulletin

from dailyarchive.sphinxext._timeline import first_files, timeline_html


def test_the_first_view_loads_the_manifest_and_its_years():
    assert first_files({"from": "2018-12-01", "to": "2020-01-31"}) == ["manifest.js", "2018.js", "2019.js", "2020.js"]
    assert first_files({}) == [] and first_files({"from": "2019-01-01"}) == []


def test_the_figure_carries_its_options_escaped_and_links_the_list_with_its_filter():
    html = timeline_html({"from": "2019-01-01", "to": "2019-12-31", "place": 'x"><script>'}, "../../",
                         "../../chronology/index.html")
    soup = BeautifulSoup(html, "html.parser")
    figure = soup.find("figure", class_="dailyarchive-timeline")
    assert figure["data-root"] == "../../" and figure["data-place"] == 'x"><script>'
    assert [s["src"] for s in soup.find_all("script")] == [  # after the figure: its caption is its last child
        "../../_timeline/manifest.js", "../../_timeline/2019.js"]
    assert not figure.find_all("script") and figure.find_all(recursive=False)[-1].name == "figcaption"
    assert not [s for s in soup.find_all("script") if s.string]  # no inline script: the policy forbids it
    link = soup.find("a", class_="dailyarchive-timeline-list")
    assert link["href"] == "../../chronology/index.html?place=x%22%3E%3Cscript%3E"
    assert not link.has_attr("data-filters-carry")
    view = soup.find(class_="dailyarchive-timeline-view")
    assert view["tabindex"] == "0" and "Arrow keys" in view["aria-label"]
    assert all(b["type"] == "button" for b in soup.find_all("button"))


def test_a_list_on_the_same_page_is_linked_by_its_anchor():
    soup = BeautifulSoup(timeline_html({}, "", "#dailyarchive-events"), "html.parser")
    assert soup.find("a", class_="dailyarchive-timeline-list")["href"] == "#dailyarchive-events"


def test_the_text_builder_says_where_the_timeline_is(tmp_path: Path):
    from dailyarchive.publish.html import build_single

    root = write_archive(tmp_path / "archive")
    write_bulletin(root, events=[{"date": "2019-07~", "what": "About July."}])
    result = build_single(root, tmp_path / "out", Path(__file__).parents[1] / "docs", "text")
    text = (result.outdir / "chronology" / "index.txt").read_text(encoding="utf-8")
    assert "The timeline of these events is drawn on the HTML site" in text
    assert "July 2019 (approximate)" in text
