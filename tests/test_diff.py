"""Word-level differences between versions: chunks, fields, figures, and their HTML."""

from __future__ import annotations

from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st

from dailyarchive.site.bodytext import reading_blocks
from dailyarchive.site.diff import (Chunk, block_diff, blocks_html, chunks_html, field_changes, figure_changes,
                               figures_html, text_html, tokens, word_diff)

TEXT = st.lists(st.sampled_from(list("ab c,.\n") + ["June", "July", "٨", "إدلب", "<", "`"]), max_size=30).map("".join)


@given(TEXT, TEXT)
def test_chunks_rebuild_both_texts(old, new):
    chunks = word_diff(old, new)
    assert "".join(c.text for c in chunks if c.op != "insert") == old
    assert "".join(c.text for c in chunks if c.op != "delete") == new


@given(TEXT)
def test_tokens_keep_every_character(text):
    assert "".join(tokens(text)) == text


def test_one_changed_word_is_one_deletion_and_one_insertion():
    chunks = word_diff("as our bulletin of 8 June reported", "as our bulletin of 8 July reported")
    assert [c for c in chunks if c.op != "equal"] == [Chunk("delete", "June"), Chunk("insert", "July")]


def _without(html: str, tag: str) -> str:
    """The text of the HTML once every `tag` element is removed."""
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(tag):
        element.decompose()
    return soup.get_text()


def test_html_marks_changes_and_escapes_text():
    old, new = "a <b> `x`", "a <script>alert(1)</script> `x`"
    html = text_html(word_diff(old, new))
    assert BeautifulSoup(html, "html.parser").find("script") is None
    assert _without(html, "ins") == old and _without(html, "del") == new
    assert "`" not in html  # backticks are escaped, so no line can close a fenced block


def test_field_changes_lists_only_changed_fields():
    changes = field_changes({"title": "Old title", "summary": "Same"}, {"title": "New title", "summary": "Same"})
    assert [c.name for c in changes] == ["title"]
    assert chunks_html(changes[0].chunks) == "<del>Old</del><ins>New</ins> title"


def test_figure_changes_pair_by_key_and_report_each_kind():
    old = [{"Figure": "Killed: civilians", "Value": "at least 544"},
           {"Figure": "Injured: civilians", "Value": "more than 2,100"},
           {"Figure": "Displaced: all", "Value": "330,000"}]
    new = [{"Figure": "Killed: civilians", "Value": "at least 564"},
           {"Figure": "Injured: civilians", "Value": "more than 2,100"},
           {"Figure": "Killed: children", "Value": "at least 130"}]
    changes = figure_changes(old, new, key=("Figure",))
    statuses = {(c.old or c.new)["Figure"]: c.status for c in changes}
    assert statuses == {"Killed: civilians": "changed", "Injured: civilians": "unchanged",
                        "Displaced: all": "removed", "Killed: children": "added"}
    table = BeautifulSoup(figures_html(changes, ("Figure", "Value")), "html.parser")
    changed_row = table.find("tr", class_="diff-changed")
    assert changed_row.find("del").get_text() == "544" and changed_row.find("ins").get_text() == "564"
    injured = [{"Figure": "Injured: civilians", "Value": "more than 1,650"}]
    table = figures_html(figure_changes(injured, [{"Figure": "Injured: civilians", "Value": "more than 1,700"}],
                                        key=("Figure",)), ("Figure", "Value"))
    assert "<del>1,650</del><ins>1,700</ins>" in table


def test_a_changed_number_shows_whole_old_and_new_number():
    chunks = word_diff("More than 1,650 have been injured.", "More than 1,700 have been injured.")
    assert [c for c in chunks if c.op != "equal"] == [Chunk("delete", "1,650"), Chunk("insert", "1,700")]
    assert tokens("2.5 km, 330,000. ١٬٦٥٠") == ["2.5", " ", "km", ",", " ", "330,000", ".", " ", "١٬٦٥٠"]


def test_reading_blocks_are_the_rendered_text():
    body = ("Doctors say *more than 1,650* were\ninjured, \\*not\\* fewer[^1].\n\n- a **list** item\n\n"
            "```{note}\n:class: x\nA [linked](https://example.org) note.\n```\n\n[^1]: A footnote.\n")
    assert reading_blocks(body) == ["Doctors say more than 1,650 were injured, *not* fewer[1].", "• a list item",
                                    "A linked note.", "[1] A footnote."]


def test_body_diff_compares_rendered_text_and_folds_unchanged_paragraphs():
    same = "The strikes fell mostly on\nKhan Sheikhoun and Kafr Nabl."
    old = f"{same}\n\nMore than *1,650* have been injured, a figure\nthat doctors expect to rise.\n\n{same} Again.\n"
    new = f"{same}\n\nMore than *1,700* have been injured, a figure that\ndoctors expect to rise.\n\n{same} Again.\n"
    html = BeautifulSoup(blocks_html(block_diff(reading_blocks(old), reading_blocks(new))), "html.parser")
    assert [d.get_text() for d in html.find_all("del")] == ["1,650"]
    assert [i.get_text() for i in html.find_all("ins")] == ["1,700"]
    assert "*" not in html.get_text() and "\n" not in html.find("p", class_="diff-changed").get_text()
    folded = html.find_all("details", class_="diff-unchanged")
    assert [d.summary.get_text() for d in folded] == ["1 unchanged paragraph", "1 unchanged paragraph"]
    assert folded[0].p.get_text() == "The strikes fell mostly on Khan Sheikhoun and Kafr Nabl."
    assert not any(d.has_attr("open") for d in folded)


def test_added_and_removed_paragraphs_are_whole_insertions_and_deletions():
    runs = block_diff(["Kept.", "Dropped <b>."], ["Kept.", "New one.", "And another."])
    html = BeautifulSoup(blocks_html(runs), "html.parser")
    assert [d.get_text() for d in html.find_all("del")] == ["Dropped <b>."] and html.find("b") is None
    assert [i.get_text() for i in html.find_all("ins")] == ["New one.", "And another."]
    split = BeautifulSoup(blocks_html(block_diff(["One long paragraph, then more words."],
                                                 ["One long paragraph,", "then more words."])), "html.parser")
    assert all(not change.get_text().strip() for change in split.find_all(["ins", "del"]))  # only the break moved
