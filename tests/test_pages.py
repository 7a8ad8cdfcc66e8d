"""Generated pages: what each page kind says, where it lives, and what it links (no Sphinx here)."""

from __future__ import annotations

from pathlib import Path

import re

import pytest
from bs4 import BeautifulSoup
from helpers import write_bulletin, write_raw

from dailyarchive import load_catalog
from dailyarchive.addresses import EXTRA_DIR
from dailyarchive.site.pages import PageSettings, staged_pages

BULLETIN = "test-daily/2019/2019-07-09-counter-attack"
FIGURES = [
    {"id": "civ", "measure": "killed", "group": "civilians", "value": 544, "qualifier": "at least",
     "kind": "running-total", "since": "2019-04-26", "place": "Idleb", "reported_by": "HTS"},
    {"measure": "killed", "group": "children", "parent": "civ", "value": 130, "qualifier": "at least",
     "kind": "running-total", "since": "2019-04-26", "place": "Idlib Province"},
    {"measure": "casualties", "group": "regime-forces", "qualifier": "vague", "text": "scores",
     "kind": "increment", "claimed_by": "Someone outside the gazetteer"},
    {"measure": "displaced", "group": "all", "value": 330000, "qualifier": "about", "low": 300000,
     "high": 350000, "kind": "stock"},
]


def raw_html(page: str) -> BeautifulSoup:
    """Every raw HTML block of a staged page, parsed as one document."""
    return BeautifulSoup("".join(re.findall(r"```\{raw\} html\n(.*?)\n```", page, re.S)), "html.parser")


def links(page: str) -> dict[str, str]:
    """Link text → href of the raw HTML of a staged page."""
    return {a.get_text(): a["href"] for a in raw_html(page).find_all("a")}


@pytest.fixture
def pages(archive: Path) -> dict[str, str | bytes]:
    """Three bulletins in two months; the middle one corrected, linked and with figures and events."""
    write_bulletin(archive, date="2019-06-28", slug="before", places=["Idlib Province"], tags=["offensive"])
    common = dict(date="2019-07-09", slug="counter-attack", places=["Mount Turkmen"], actors=["HTS"],
                  tags=["counter-attack"], see_also=["2019-06-28"], figures=FIGURES,
                  events=[{"date": "2019-07", "place": "Mount Turkmen", "what": "Fighting all month."}],
                  sources=[{"title": "A statement", "publisher": "Somebody", "url": "https://example.org/a b)",
                            "accessed": "2019-07-09"}])
    write_bulletin(archive, title="First title", body="Killed as of 8 June.\n", **common)
    write_bulletin(archive, version=2, title="Second title", body="Killed as of 8 July.\n", illustrative=True,
                   revised="2019-07-10", revision_note="Fixed the month.", **common)
    write_bulletin(archive, date="2019-07-12", slug="after", places=["Latakia Province"])
    return staged_pages(load_catalog(archive), PageSettings())


def test_bulletin_page_shows_the_latest_version_with_everything_around_it(pages):
    page = pages[f"{BULLETIN}/index.md"]
    assert page.startswith("---\norphan: true\n---\n\n# Second title\n")  # linked from its month, not a toctree
    assert "Corrected on 10 July 2019: Fixed the month\\." in page
    assert "Illustrative: this bulletin is demonstration content" in page
    assert "/_dailyarchive/bodies/test-daily/2019/2019-07-09-counter-attack/v2.md" in page
    # the staged body starts with an empty line, so that its own opening `---` block is never front matter
    assert pages["_dailyarchive/bodies/test-daily/2019/2019-07-09-counter-attack/v2.md"] == "\nKilled as of 8 July.\n"
    html = raw_html(page)
    names = html.find("section", id="places-actors-and-tags")
    assert {a.get_text(): a["href"] for a in names.find_all("a")} == {
        "Mount Turkmen": "../../../places/mount-turkmen/index.html",
        "Hay'at Tahrir al-Sham": "../../../actors/hay-at-tahrir-al-sham/index.html",  # the alias HTS, resolved
        "counter-attack": "../../../tags/counter-attack/index.html"}
    assert html.find("section", id="see-also").a["href"] == "../2019-06-28-before/index.html"
    nav = html.find("nav", class_="bulletin-nav").get_text()
    assert "← Previous: 28 June 2019" in nav and "Next: 12 July 2019" in nav
    assert html.find("nav", class_="breadcrumbs").find_all("a")[-1]["href"] == "../07/index.html"
    assert html.find("section", id="events").strong.get_text() == "July 2019"  # the event's own precision
    assert html.find("section", id="sources").a["href"] == "https://example.org/a b)"
    assert [a.get_text() for a in html.find("section", id="versions").find_all("a")] == [
        "Version 1", "Version 2 (this page)", "what changed"]


def test_figures_box_keeps_qualifiers_bounds_baselines_and_claims(pages):
    table = raw_html(pages[f"{BULLETIN}/index.md"]).find("section", class_="figures-box").table
    rows = [[td.get_text() for td in tr.find_all("td")] for tr in table.tbody.find_all("tr")]
    assert rows[0] == ["Killed: civilians", "at least 544", "running total since 26 April 2019, as of 9 July 2019",
                       "Idlib Province", "Hay'at Tahrir al-Sham"]
    assert rows[1][0] == "Killed: children (part of killed: civilians)"
    assert rows[2][1:] == ["scores (vague count)", "increment, 9 July 2019", "",
                           "claimed by Someone outside the gazetteer"]
    assert rows[3][1] == "about 330,000 (low 300,000, high 350,000)"


def test_earlier_version_page_says_a_newer_one_exists(pages):
    page = pages[f"{BULLETIN}/v1.md"]
    assert page.startswith("---\norphan: true\n---\n")
    assert "This is version 1 of 2" in page and "A newer version exists" in page
    assert f"(/{BULLETIN}/index.md)" in page and f"(/{BULLETIN}/diff-v1-v2.md)" in page
    assert "bodies/test-daily/2019/2019-07-09-counter-attack/v1.md" in page


def test_a_volume_s_pages_carry_no_front_matter(archive):
    write_bulletin(archive, date="2019-07-09", slug="counter-attack", title="One")
    write_bulletin(archive, date="2019-07-09", slug="counter-attack", title="Two", version=2, revised="2019-07-10",
                   revision_note="Fixed.")
    staged = staged_pages(load_catalog(archive), PageSettings(volumes=True))
    for name in (f"{BULLETIN}/index.md", f"{BULLETIN}/v1.md", f"{BULLETIN}/diff-v1-v2.md", "test-daily/2019/index.md"):
        assert staged[name].startswith("# "), name  # the extension marks them orphans of their volume


def test_latest_version_url_is_a_small_static_page_leading_to_the_bulletin(pages):
    assert f"{BULLETIN}/v2.md" not in pages
    stub = pages[f"{EXTRA_DIR}/{BULLETIN}/v2.html"]
    assert 'http-equiv="refresh" content="0; url=index.html"' in stub and "Second title" in stub
    assert f"{EXTRA_DIR}/test-daily/2019/2019-06-28-before/v1.html" in pages


def test_diff_page_shows_changed_words_fields_and_figures(pages):
    page = pages[f"{BULLETIN}/diff-v1-v2.md"]
    assert "<del>June</del><ins>July</ins>" in page
    assert "<dt>title</dt>" in page and "<del>First</del><ins>Second</ins>" in page
    assert "No figure changed." in page


def test_diff_page_has_the_bulletin_in_its_breadcrumbs_and_the_illustrative_banner(pages):
    page = pages[f"{BULLETIN}/diff-v1-v2.md"]
    trail = raw_html(page).find("nav", class_="breadcrumbs").find_all("a")
    assert [(a.get_text(), a["href"]) for a in trail[-2:]] == [("July 2019", "../07/index.html"),
                                                              ("Second title", "index.html")]
    assert "Illustrative: this bulletin is demonstration content" in page  # version 2 is illustrative
    assert raw_html(pages[f"{BULLETIN}/v1.md"]).find("nav", class_="breadcrumbs").find_all("a")[-1]["href"] == \
        "index.html"


def test_diff_page_compares_the_rendered_text_with_whole_numbers(archive):
    wrapped = "Paragraph that stays\nthe same.\n\nMore than *1,650* were\ninjured.\n"
    write_bulletin(archive, body=wrapped)
    write_bulletin(archive, version=2, body="Paragraph that stays the\nsame.\n\nMore than *1,700* were injured.\n")
    page = staged_pages(load_catalog(archive))["test-daily/2019/2019-07-09-a-bulletin/diff-v1-v2.md"]
    text = raw_html(page).find("section", id="text")
    assert [(d.get_text(), i.get_text()) for d, i in zip(text.find_all("del"), text.find_all("ins"))] == \
        [("1,650", "1,700")]
    assert "*" not in text.get_text()
    assert text.find("details", class_="diff-unchanged").p.get_text() == "Paragraph that stays the same."


def test_month_page_calendar_marks_days_with_and_without_a_bulletin(pages):
    june = pages["test-daily/2019/06/index.md"]
    july = pages["test-daily/2019/07/index.md"]
    assert '<a href="../2019-07-09-counter-attack/index.html" title="Second title"' in july
    assert '<td class="missing">10</td>' in july  # quiet: a plain number, said once in the legend
    assert "missing-mark" not in july and "none</span>" not in july
    assert raw_html(july).find("p", class_="calendar-legend").get_text() == (
        "Days with a bulletin are linked; the others had none.")
    assert "<td>13</td>" in july  # after the series' last bulletin: not "missing"
    assert "<td>27</td>" in june  # before the first
    assert "[← June 2019](/test-daily/2019/06/index.md)" in july


def test_place_pages_follow_the_hierarchy(pages):
    province = raw_html(pages["places/latakia-province/index.md"])
    assert province.find("section", id="places-inside-it").a["href"] == "../mount-turkmen/index.html"
    listed = province.find("section", id="bulletins").find_all("li")
    assert [li.a.get_text() for li in listed] == ["Second title", "Bulletin of 2019-07-12"]
    assert listed[0].get_text().endswith("— Mount Turkmen")  # reached through the sub-place, which it names
    assert [li.get_text() for li in province.find("section", id="also-known-as").find_all("li")] == ["Lattakia"]
    idlib = raw_html(pages["places/idlib-province/index.md"])
    assert idlib.find("span", dir="auto", string="محافظة إدلب")
    assert [a.get_text() for a in idlib.find("nav", class_="breadcrumbs").find_all("a")] == ["Places", "Syria"]
    tree = raw_html(pages["places/index.md"])
    assert tree.find("a", string="Syria").find_next_sibling("ul").find("a", string="Latakia Province") \
        .find_next_sibling("ul").find("a", string="Mount Turkmen")


def test_a_place_page_lists_every_place_inside_it_and_links_the_chronology_and_search_filtered_by_it(archive):
    write_bulletin(archive, places=["Mount Turkmen"], actors=["HTS"], tags=["offensive"])
    site = frozenset({"chronology/index", "search"})
    pages = staged_pages(load_catalog(archive), PageSettings(existing_docs=site))
    syria = raw_html(pages["places/syria/index.md"])
    inside = syria.find("section", id="places-inside-it")
    assert inside.find("a", string="Latakia Province").find_next_sibling("ul").find("a", string="Mount Turkmen")[
        "href"] == "../mount-turkmen/index.html"  # a grandchild, not only the places directly inside
    assert {a.get_text() for a in inside.find_all("a")} == {"Idlib Province", "Latakia Province", "Mount Turkmen"}
    elsewhere = {a.get_text(): a["href"] for a in syria.find("ul", class_="name-elsewhere").find_all("a")}
    assert sorted(elsewhere.values()) == ["../../chronology/index.html?place=Syria", "../../search.html?place=Syria"]
    province = links(pages["places/latakia-province/index.md"])
    assert "../../search.html?place=Latakia+Province" in province.values()
    actor = raw_html(pages["actors/hay-at-tahrir-al-sham/index.md"]).find("ul", class_="name-elsewhere")
    assert [a["href"] for a in actor.find_all("a")] == [
        "../../chronology/index.html?actor=Hay%27at+Tahrir+al-Sham", "../../search.html?actor=Hay%27at+Tahrir+al-Sham"]
    tag = raw_html(pages["tags/offensive/index.md"]).find("ul", class_="name-elsewhere")
    assert [a["href"] for a in tag.find_all("a")][1] == "../../search.html?tag=offensive"
    alone = staged_pages(load_catalog(archive), PageSettings(existing_docs=frozenset({"search"})))
    assert [a["href"] for a in raw_html(alone["places/syria/index.md"]).find("ul", class_="name-elsewhere")
            .find_all("a")] == ["../../search.html?place=Syria"]  # no chronology staged: no link to it


def test_a_series_page_lists_its_years_and_their_months_with_counts(archive):
    for day in ("2018-03-01", "2019-06-01", "2019-06-02", "2019-07-01"):
        write_bulletin(archive, date=day, slug="x")
    series = raw_html(staged_pages(load_catalog(archive))["test-daily/index.md"])
    years = series.find("ul", class_="series-years").find_all("li", recursive=False)
    assert [li.get_text(" ", strip=True) for li in years] == [
        "2018 : 1 bulletin March (1)", "2019 : 3 bulletins June (2) July (1)"]
    assert years[1].find("a", string="June")["href"] == "2019/06/index.html"
    assert years[1].a["href"] == "2019/index.html"


def test_arabic_runs_are_marked_lang_ar_and_other_right_to_left_runs_only_dir_auto(archive):
    write_bulletin(archive, places=["Idlib Province"], summary="Strikes on إدلب and on עזה today.",
                   events=[{"date": "2019-07-09", "place": "Idlib Province", "what": "Shelling of معرة النعمان."}])
    pages = staged_pages(load_catalog(archive))
    summary = raw_html(pages["test-daily/2019/2019-07-09-a-bulletin/index.md"]).find("p", class_="summary")
    assert [(s.get_text(), s.get("lang")) for s in summary.find_all("span")] == [("إدلب", "ar"), ("עזה", None)]
    assert summary.get_text() == "Strikes on إدلب and on עזה today."
    event = raw_html(pages["test-daily/2019/2019-07-09-a-bulletin/index.md"]).find("section", id="events")
    assert event.find("span", lang="ar").get_text() == "معرة النعمان"
    alias = raw_html(pages["places/idlib-province/index.md"]).find("section", id="also-known-as")
    assert alias.find("span", lang="ar", dir="auto").get_text() == "محافظة إدلب"


def test_a_busy_name_packs_quiet_years_and_splits_a_crowded_year_by_month(archive):
    for day in ("2017-03-01", "2018-03-01", "2019-06-01", "2019-06-02", "2019-07-01", "2020-01-01"):
        write_bulletin(archive, date=day, slug="x", tags=["offensive"])
    pages = staged_pages(load_catalog(archive), PageSettings(max_listing=2))
    assert "tags/offensive/2019.md" not in pages
    assert len(raw_html(pages["tags/offensive/2019-06.md"]).find_all("li")) == 2
    assert links(pages["tags/offensive/index.md"]) == {
        "2017–2018": "2017_2018.html", "June 2019": "2019-06.html", "July 2019": "2019-07.html",
        "2020": "2020.html", "Tags": "../index.html", "Atom feed of this tag": "../../feeds/tags/offensive.atom"}
    assert len(raw_html(pages["tags/offensive/2017_2018.md"]).find_all("li")) == 2
    few = staged_pages(load_catalog(archive), PageSettings(max_listing=6))
    assert not [p for p in few if p.startswith("tags/offensive/20")]
    assert len(raw_html(few["tags/offensive/index.md"]).find("section", id="bulletins").find_all("li")) == 6


def test_backlinks_list_later_bulletins_that_point_here(pages):
    html = raw_html(pages["test-daily/2019/2019-06-28-before/index.md"])
    assert html.find("section", id="later-bulletins-that-point-here").a.get_text() == "Second title"


def test_home_links_the_chronology_only_when_it_is_staged(archive):
    write_bulletin(archive)
    catalog = load_catalog(archive)
    assert "chronology/index" not in staged_pages(catalog)["_dailyarchive/home.md"]
    with_docs = staged_pages(catalog, PageSettings(existing_docs=frozenset({"chronology/index", "downloads"})))
    assert "(/chronology/index.md)" in with_docs["_dailyarchive/home.md"]
    assert "(/downloads.md)" in with_docs["_dailyarchive/home.md"]


def test_images_are_staged_beside_the_page_only_from_the_bulletin_folder(archive):
    write_bulletin(archive, slug="photo", image="photo.jpg", caption="A caption")
    write_raw(archive, "test-daily/2019/2019-07-09-photo/photo.jpg", b"\xff\xd8jpeg")
    write_bulletin(archive, date="2019-07-10", slug="escape", image="../../../series.yml")
    write_bulletin(archive, date="2019-07-11", slug="svg", image="drawing.svg")
    write_raw(archive, "test-daily/2019/2019-07-11-svg/drawing.svg", "<svg><script>alert(1)</script></svg>")
    pages = staged_pages(load_catalog(archive))
    assert pages["test-daily/2019/2019-07-09-photo/photo.jpg"] == b"\xff\xd8jpeg"
    assert '```{figure} photo.jpg\n---\nalt: "A caption"\n---\nA caption\n```' in pages[
        "test-daily/2019/2019-07-09-photo/index.md"]
    assert not [p for p in pages if p.endswith((".yml", ".svg"))]


def test_hostile_text_is_escaped_everywhere(archive):
    hostile = '<script>alert(1)</script> " & {{x}} `code` {ref}`y` **b** [l](http://e) إدلب'
    write_bulletin(archive, title=hostile, summary=hostile, caption=hostile)
    pages = staged_pages(load_catalog(archive))
    lines = pages["test-daily/2019/2019-07-09-a-bulletin/index.md"].splitlines()
    escaped = (r"\<script\>alert\(1\)\<\/script\> \" \& \{\{x\}\} \`code\` \{ref\}\`y\` "
               r"\*\*b\*\* \[l\]\(http\:\/\/e\) إدلب")
    assert f"# {escaped}" in lines
    html = raw_html(pages["test-daily/2019/2019-07-09-a-bulletin/index.md"])
    assert html.find("p", class_="summary").get_text() == hostile
    assert html.find("p", class_="caption").get_text() == hostile
    assert html.find("p", class_="summary").find("span", lang="ar", dir="auto").get_text() == "إدلب"
    assert html.find("script") is None
    month = raw_html(pages["test-daily/2019/07/index.md"])
    assert month.find("td", class_="has-bulletin").a["title"] == hostile
    assert month.find("li").a.get_text() == hostile


def test_pages_are_the_same_on_every_run(archive):
    write_bulletin(archive, figures=FIGURES[:1])
    catalog = load_catalog(archive)
    assert staged_pages(catalog) == staged_pages(catalog)


def test_diff_page_does_not_show_a_withheld_body(archive):
    write_bulletin(archive, body="Safe text.\n\n```{raw} html\n<script>alert(1)</script>\n```\n")
    write_bulletin(archive, version=2, body="Safe text.\n")
    page = staged_pages(load_catalog(archive))["test-daily/2019/2019-07-09-a-bulletin/diff-v1-v2.md"]
    assert "alert(" not in page and "The text of version 1 is withheld" in page


def test_a_versions_rows_are_the_same_taken_alone_or_read_from_the_columns(archive, monkeypatch):
    from dailyarchive.site.pages._context import RowsByVersion, build_context

    write_bulletin(archive, date="2019-07-09", slug="one", figures=FIGURES,
                   sources=[{"title": "A statement", "publisher": "Somebody", "url": "https://example.org/a",
                             "accessed": "2019-07-09"}])
    write_bulletin(archive, date="2019-07-10", slug="two", figures=FIGURES[:2])
    write_bulletin(archive, date="2019-07-10", slug="two", version=2, figures=FIGURES[2:], revised="2019-07-11",
                   revision_note="Other figures.")
    catalog = load_catalog(archive)
    keys = [(f"test-daily/{d}", v) for d, v in (("2019-07-09-one", 1), ("2019-07-10-two", 1), ("2019-07-10-two", 2))]
    taken = build_context(catalog, PageSettings()).figures
    alone = [taken.get(key) for key in keys]
    monkeypatch.setattr(RowsByVersion, "TAKEN_ALONE", 0)
    from_columns = build_context(catalog, PageSettings()).figures
    read = [from_columns.get(key) for key in keys]
    assert [len(rows) for rows in read] == [4, 2, 2]
    assert [[r["figure_index"] for r in rows] for rows in read] == [[0, 1, 2, 3], [0, 1], [0, 1]]
    assert repr(read) == repr(alone)  # the same values, NaN and timestamps included, in the same order
    assert "columns" in vars(from_columns) and "columns" not in vars(taken)
    assert taken.get(("test-daily/2019-07-10-two", 3)) == [] == from_columns.get(("nobody", 1))


def test_pages_for_html_alone_leave_out_the_raw_latex_and_keep_everything_else(pages, archive):
    html_only = staged_pages(load_catalog(archive), PageSettings(latex=False))
    for path in (f"{BULLETIN}/index.md", f"{BULLETIN}/v1.md"):
        assert "```{raw} latex" in pages[path] and "```{raw} latex" not in html_only[path]
        assert raw_html(html_only[path]).decode() == raw_html(pages[path]).decode()
        without = re.sub(r"```\{raw\} latex\n.*?\n```\n\n?", "", pages[path], flags=re.S)
        assert without == html_only[path]
