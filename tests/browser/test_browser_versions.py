"""Corrections in the browser: the note, the version list, older versions, the diff, and "Cite this version"."""

from __future__ import annotations

import json

import pytest
from browsing import BULLETIN
from pybtex.database import parse_string

LATAKIA_FOLDER = BULLETIN.removesuffix("index.html")
#: The sample's correction that changed a figure: injured civilians "more than 1,650" became "more than 1,700".
HAMA_FOLDER = "syria-daily/2019/2019-06-21-civilian-toll-climbs-as-hama-front-holds/"


def main_text(visitor) -> str:  # noqa: ANN001 - a Visitor
    """The text of the page's main landmark."""
    return visitor.page.locator("[role=main], main").first.inner_text()


def test_corrected_bulletin_shows_its_note_and_version_list(visitor):
    page = visitor.open(BULLETIN)
    text = main_text(visitor)
    assert "Corrected on 10 July 2019" in text
    assert "version 2 of 2" in text
    versions = page.locator("#versions")
    assert versions.is_visible()
    assert versions.get_by_role("link", name="Version 1").get_attribute("href") == "v1.html"
    assert versions.get_by_role("link", name="what changed").get_attribute("href") == "diff-v1-v2.html"
    assert visitor.problems() == []


def test_older_version_says_a_newer_one_exists_and_links_it(visitor):
    page = visitor.open(BULLETIN)
    page.locator("#versions").get_by_role("link", name="Version 1").click()
    page.wait_for_load_state("load")
    assert page.url.endswith(LATAKIA_FOLDER + "v1.html")
    text = main_text(visitor)
    assert "A newer version exists" in text and "version 1 of 2" in text
    assert "8 June" in text  # the first version's wording, kept as published
    page.get_by_role("link", name="version 2, corrected 10 July 2019").click()
    page.wait_for_load_state("load")
    assert page.url.endswith(LATAKIA_FOLDER + "index.html") or page.url.endswith(LATAKIA_FOLDER)
    assert visitor.problems() == []


def highlight(element) -> dict[str, str]:  # noqa: ANN001 - a Locator
    """The computed styles that make an inserted or deleted word stand out."""
    return element.evaluate("""e => { const s = getComputedStyle(e);
        return {background: s.backgroundColor, decoration: s.textDecorationLine, display: s.display,
                color: s.color}; }""")


def test_diff_page_highlights_the_changed_figure(visitor):
    page = visitor.open(HAMA_FOLDER + "diff-v1-v2.html")
    row = page.locator("table.diff-figures tr.diff-changed")
    assert row.count() == 1 and row.is_visible()
    assert "Injured: civilians" in row.inner_text()
    deleted, inserted = row.locator("del"), row.locator("ins")
    assert deleted.inner_text() == "1,650" and inserted.inner_text() == "1,700"  # whole numbers
    assert deleted.is_visible() and inserted.is_visible()
    del_style, ins_style = highlight(deleted), highlight(inserted)
    assert "line-through" in del_style["decoration"]
    plain = highlight(row.locator("td").first)["background"]
    for style in (del_style, ins_style):  # highlighted: a background of its own, not only the default underline
        assert style["background"] not in {"rgba(0, 0, 0, 0)", "transparent", plain}
    assert del_style["background"] != ins_style["background"]
    assert page.locator(".diff-text ins, .diff-text del").count() > 0
    assert visitor.problems() == []


@pytest.fixture
def cite_box(file_visitor):
    """The latest version's "Cite this version" box, with every format opened by a click."""
    page = file_visitor.open(BULLETIN)
    box = page.locator(".dailyarchive-cite")
    assert box.get_by_text("Cite this version").is_visible()
    for summary in box.locator("details > summary").all():
        summary.click()
    return box


def test_cite_this_version_gives_bibtex_that_parses(cite_box):
    bibtex = cite_box.locator("details", has=cite_box.page.get_by_text("BibTeX", exact=True)).locator("pre")
    assert bibtex.is_visible()
    entries = parse_string(bibtex.inner_text(), "bibtex").entries
    assert len(entries) == 1
    (key, entry), = entries.items()
    assert key.endswith(":v2")
    assert "northern Latakia" in entry.fields["title"]
    assert entry.fields["year"] == "2019" and entry.fields["version"] == "2"


def test_cite_this_version_gives_csl_json_and_ris(cite_box):
    csl = cite_box.locator("details", has=cite_box.page.get_by_text("CSL-JSON", exact=True)).locator("pre")
    (item,) = json.loads(csl.inner_text())
    assert item["issued"]["date-parts"] == [[2019, 7, 9]] and item["version"] == "2"
    ris = cite_box.locator("details", has=cite_box.page.get_by_text("RIS", exact=True)).locator("pre").inner_text()
    lines = ris.strip().splitlines()
    assert lines[0].startswith("TY  - ") and lines[-1].startswith("ER  -")
    assert "Opposition factions" in cite_box.locator(".dailyarchive-cite-text").inner_text()
    permanent = cite_box.get_by_role("link", name="https://syria-daily.example.org/" + LATAKIA_FOLDER + "v2.html")
    assert permanent.get_attribute("href") == "v2.html"  # the citation names the permanent URL; the link opens this copy
