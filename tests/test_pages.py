"""Generated pages: what each page kind says, where it lives, and what it links (no Sphinx here)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import write_bulletin, write_raw

from dailyarchive import load_catalog
from dailyarchive.pages import EXTRA_DIR, PageSettings, staged_pages

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
    assert page.startswith("# Second title\n")
    assert "Corrected on 10 July 2019: Fixed the month\\." in page
    assert "Illustrative: this bulletin is demonstration content" in page
    assert "/_dailyarchive/bodies/test-daily/2019/2019-07-09-counter-attack/v2.md" in page
    assert pages["_dailyarchive/bodies/test-daily/2019/2019-07-09-counter-attack/v2.md"] == "Killed as of 8 July.\n"
    assert "[Mount Turkmen](/places/mount-turkmen/index.md)" in page
    assert "[HTS]" not in page and "[Hay\\'at Tahrir al\\-Sham](/actors/hay-at-tahrir-al-sham/index.md)" in page
    assert "## See also" in page and "(/test-daily/2019/2019-06-28-before/index.md)" in page
    assert "← Previous: 28 June 2019" in page and "Next: 12 July 2019" in page
    assert "**July 2019**" in page  # an event dated to the month keeps its precision
    assert "(<https://example.org/a%20b)>)" in page  # a URL cannot end the link early


def test_figures_box_keeps_qualifiers_bounds_baselines_and_claims(pages):
    page = pages[f"{BULLETIN}/index.md"]
    rows = [line for line in page.splitlines() if line.startswith("| ") and "Figure |" not in line]
    assert rows[0].startswith("| Killed\\: civilians | at least 544 | running total since 26 April 2019\\, "
                              "as of 9 July 2019 | [Idlib Province](/places/idlib-province/index.md) | "
                              "[Hay\\'at Tahrir al\\-Sham]")
    assert "Killed\\: children \\(part of killed\\: civilians\\)" in rows[1]
    assert "scores \\(vague count\\)" in rows[2] and "claimed by Someone outside the gazetteer" in rows[2]
    assert "about 330\\,000 \\(low 300\\,000\\, high 350\\,000\\)" in rows[3]


def test_earlier_version_page_says_a_newer_one_exists(pages):
    page = pages[f"{BULLETIN}/v1.md"]
    assert page.startswith("---\norphan: true\n---\n")
    assert "This is version 1 of 2" in page and "A newer version exists" in page
    assert f"(/{BULLETIN}/index.md)" in page and f"(/{BULLETIN}/diff-v1-v2.md)" in page
    assert "bodies/test-daily/2019/2019-07-09-counter-attack/v1.md" in page


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


def test_month_page_calendar_marks_days_with_and_without_a_bulletin(pages):
    june = pages["test-daily/2019/06/index.md"]
    july = pages["test-daily/2019/07/index.md"]
    assert '<a href="../2019-07-09-counter-attack/index.html" title="Second title"' in july
    assert '<td class="missing">10<span class="missing-mark">none</span></td>' in july
    assert "<td>13</td>" in july  # after the series' last bulletin: not "missing"
    assert "<td>27</td>" in june  # before the first
    assert "[← June 2019](/test-daily/2019/06/index.md)" in july


def test_place_pages_follow_the_hierarchy_and_split_by_year(pages):
    province = pages["places/latakia-province/index.md"]
    assert "[Mount Turkmen](/places/mount-turkmen/index.md)" in province
    assert "[2019](/places/latakia-province/2019.md): 2 bulletins" in province
    listing = pages["places/latakia-province/2019.md"]
    assert "Second title" in listing and "— [Mount Turkmen](/places/mount-turkmen/index.md)" in listing
    assert "- Lattakia" in province
    idlib = pages["places/idlib-province/index.md"]
    assert "- محافظة إدلب" in idlib
    assert "[Places](/places/index.md) › [Syria](/places/syria/index.md)" in idlib
    tree = pages["places/index.md"]
    assert tree.index("- [Syria]") < tree.index("  - [Latakia Province]") < tree.index("    - [Mount Turkmen]")


def test_a_crowded_year_splits_into_months(archive):
    for day in ("2019-06-01", "2019-06-02", "2019-07-01"):
        write_bulletin(archive, date=day, slug="x", tags=["offensive"])
    pages = staged_pages(load_catalog(archive), PageSettings(max_listing=2))
    assert "tags/offensive/2019.md" not in pages
    assert pages["tags/offensive/2019-06.md"].count("- ") == 2
    assert "[July 2019](/tags/offensive/2019-07.md): 1 bulletins" in pages["tags/offensive/index.md"]


def test_backlinks_list_later_bulletins_that_point_here(pages):
    assert "## Later bulletins that point here" in pages["test-daily/2019/2019-06-28-before/index.md"]
    assert "Second title" in pages["test-daily/2019/2019-06-28-before/index.md"]


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
    assert lines[0] == f"# {escaped}"
    assert lines[lines.index("```{container} summary") + 1] == escaped
    assert lines[lines.index("```{container} caption") + 1] == escaped
    assert "title=\"&lt;script&gt;alert(1)&lt;/script&gt; &quot; &amp; {{x}} &#96;code&#96;" in pages[
        "test-daily/2019/07/index.md"]


def test_pages_are_the_same_on_every_run(archive):
    write_bulletin(archive, figures=FIGURES[:1])
    catalog = load_catalog(archive)
    assert staged_pages(catalog) == staged_pages(catalog)
