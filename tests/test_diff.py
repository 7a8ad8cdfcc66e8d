"""Word-level differences between versions: chunks, fields, figures, and their HTML."""

from __future__ import annotations

from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st

from dailyarchive.diff import (Chunk, chunks_html, field_changes, figure_changes, figures_html, text_html, tokens,
                               word_diff)

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
