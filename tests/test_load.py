"""The loader on good and hostile input: every problem located, and no file stops the others."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from helpers import line_of, replace_in, write_archive, write_bulletin, write_raw

from dailyarchive import ArchiveNotFound, check_archive, load_archive
from dailyarchive.model.load import split_front_matter
from dailyarchive.publish.html import build
from dailyarchive.model.safefile import MAX_FILE_BYTES

TODAY = dt.date(2020, 1, 1)
ROOT = Path(__file__).resolve().parents[1]


def problems_of(root: Path) -> list[tuple[str, int, str, str]]:
    """(path relative to root, line, level, rule) of every problem of `check`."""
    return [(p.path.relative_to(root).as_posix(), p.line, p.level, p.rule) for p in check_archive(root, today=TODAY)]


def a_good_neighbour(root: Path) -> str:
    """A bulletin with one fault of its own, to prove that a broken file never stops the others."""
    path = write_bulletin(root, date="2019-07-01", slug="neighbour", tags=["no-such-tag"])
    return path.relative_to(root).as_posix()


def only(root: Path, rule: str) -> list:
    return [p for p in check_archive(root, today=TODAY) if p.rule == rule]


def test_a_missing_archive_is_an_exception(tmp_path: Path) -> None:
    with pytest.raises(ArchiveNotFound, match="no series.yml"):
        load_archive(tmp_path)


def test_versions_and_their_fields(archive: Path) -> None:
    write_bulletin(archive, title="First", body="Text.\n")
    write_bulletin(archive, version=2, title="Second")
    loaded = load_archive(archive)
    assert [(v.bulletin_id, v.number, v.meta.title) for v in loaded.versions] == [
        ("test-daily/2019-07-09-a-bulletin", 1, "First"), ("test-daily/2019-07-09-a-bulletin", 2, "Second")]
    first = loaded.versions[0]
    assert first.body == "Text.\n" and first.body_line == line_of(first.path, "Text.")
    assert len(first.sha256) == 64 and loaded.problems == []


def test_tabs_in_yaml(archive: Path) -> None:
    neighbour = a_good_neighbour(archive)
    write_raw(archive, "test-daily/2019/2019-07-09-a/v1.md",
              "---\nseries: test-daily\ndate: 2019-07-09\ntitle: T\nversion: 1\nfigures:\n\t- measure: killed\n---\nBody.\n")
    (problem,) = only(archive, "yaml-syntax")
    assert problem.line == 7 and "indent with spaces, not tabs" in problem.message and "column 1" in problem.message
    assert (neighbour, line_of(archive / neighbour, "- no-such-tag"), "error", "tag-unknown") in problems_of(archive)


def test_broken_yaml_gives_the_parser_line_and_column(archive: Path) -> None:
    a_good_neighbour(archive)
    write_raw(archive, "test-daily/2019/2019-07-09-a/v1.md",
              "---\nseries: test-daily\ntitle: \"unclosed\ndate: 2019-07-09\n---\nBody.\n")
    (problem,) = only(archive, "yaml-syntax")
    assert problem.line == 3 and problem.message.startswith("column 8: while scanning a quoted scalar that is never closed")
    assert len(only(archive, "tag-unknown")) == 1


def test_byte_order_mark_is_accepted(archive: Path) -> None:
    path = write_bulletin(archive)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert problems_of(archive) == []
    assert load_archive(archive).versions[0].meta.series == "test-daily"


def test_impossible_date(archive: Path) -> None:
    path = write_bulletin(archive, revised="2019-02-30", version=2)
    write_bulletin(archive, version=1)
    (problem,) = only(archive, "date-format")
    assert problem.line == line_of(path, "revised:")
    assert problem.message == "`revised`: '2019-02-30' is not a day of the calendar: check the month and day"


def test_date_in_another_script_is_not_a_date(archive: Path) -> None:
    path = write_bulletin(archive, figures=[{"measure": "killed", "value": 1, "kind": "stock", "as_of": "٢٠١٩-٠٧-٠٩"}])
    (problem,) = only(archive, "date-format")
    assert problem.line == line_of(path, "as_of:") and "write it as YYYY-MM-DD" in problem.message


def test_a_script_tag_in_the_title_is_only_text(archive: Path) -> None:
    write_bulletin(archive, title="<script>alert(1)</script> & {{ x }} {role}`y`")
    assert problems_of(archive) == []
    assert load_archive(archive).versions[0].meta.title == "<script>alert(1)</script> & {{ x }} {role}`y`"


@pytest.mark.parametrize("name", ["محافظة إدلب", "إدلب"])
def test_right_to_left_place_names(tmp_path: Path, name: str) -> None:
    """Arabic works as an alias (محافظة إدلب of Idlib Province) and as a canonical name (إدلب)."""
    places = [{"name": "Idlib Province", "aliases": ["محافظة إدلب"]}, {"name": "إدلب", "aliases": ["Idlib city"],
                                                                       "parent": "Idlib Province"}]
    root = write_archive(tmp_path / "archive", places=places)
    path = write_bulletin(root, places=[name], events=[{"date": "2019-07", "place": name, "what": "Shelling."}])
    assert problems_of(root) == []
    write_bulletin(root, date="2019-07-10", places=[name + "ة"])
    (problem,) = only(root, "place-unknown")
    assert problem.message.endswith("did you mean '" + ("Idlib Province" if "محافظة" in name else name) + "'?")
    assert load_archive(root).gazetteers["places"].canonical(name) == ("Idlib Province" if "محافظة" in name else "إدلب")
    assert path.is_file()


def test_a_five_megabyte_body_loads(archive: Path) -> None:
    body = ("A paragraph of the bulletin, repeated for size. " * 20 + "\n\n") * 5200
    assert 5 * 10**6 < len(body) < MAX_FILE_BYTES
    write_bulletin(archive, body=body)
    (version,) = load_archive(archive).versions
    assert version.body == body and problems_of(archive) == []


def test_a_file_over_the_limit_is_refused_without_reading_it(archive: Path) -> None:
    a_good_neighbour(archive)
    write_bulletin(archive, body="x" * (MAX_FILE_BYTES + 1))
    (problem,) = only(archive, "file-too-large")
    assert "MiB limit" in problem.message and len(only(archive, "tag-unknown")) == 1


def test_a_version_file_linked_to_itself(archive: Path) -> None:
    neighbour = a_good_neighbour(archive)
    folder = archive / "test-daily/2019/2019-07-09-loop"
    folder.mkdir(parents=True)
    os.symlink("v1.md", folder / "v1.md")
    rows = problems_of(archive)
    assert ("test-daily/2019/2019-07-09-loop/v1.md", 1, "error", "file-unreadable") in rows
    assert any(path == neighbour and rule == "tag-unknown" for path, _, _, rule in rows)
    (problem,) = only(archive, "file-unreadable")
    assert "a symbolic link is not read" in problem.message and "replace the link" in problem.message


def test_a_folder_linked_to_an_ancestor_is_not_followed(archive: Path) -> None:
    write_bulletin(archive)
    os.symlink("../..", archive / "test-daily/2019/loop")
    rows = problems_of(archive)
    assert rows == [("test-daily/2019/loop", 1, "warning", "file-unreadable")]
    assert len(load_archive(archive).versions) == 1


def test_a_file_that_is_not_utf8(archive: Path) -> None:
    a_good_neighbour(archive)
    write_raw(archive, "test-daily/2019/2019-07-09-a/v1.md",
              "---\nseries: test-daily\ndate: 2019-07-09\ntitle: Alep\nversion: 1\n---\nBody.\nCafé\n".encode("cp1252"))
    (problem,) = only(archive, "file-unreadable")
    assert problem.line == 8 and "save the file as UTF-8" in problem.message
    assert len(only(archive, "tag-unknown")) == 1


def test_an_empty_body(archive: Path) -> None:
    path = write_bulletin(archive, body="")
    (problem,) = only(archive, "body-empty")
    assert problem.line == line_of(path, "---", 2) + 1 and "write the body" in problem.message


def test_duplicate_keys(archive: Path) -> None:
    path = write_bulletin(archive, summary="One.")
    replace_in(path, "summary: One.", "summary: One.\ntitle: Again")
    (problem,) = only(archive, "field-invalid")
    assert problem.line == line_of(path, "title: Again") and "given twice" in problem.message


def test_duplicate_keys_inside_a_figure(archive: Path) -> None:
    path = write_bulletin(archive, figures=[{"measure": "killed", "value": 5, "kind": "increment"}])
    replace_in(path, "  value: 5", "  value: 5\n  value: 6")
    (problem,) = only(archive, "field-invalid")
    assert problem.line == line_of(path, "value: 6") and "`value` is given twice" in problem.message


def test_a_file_at_the_wrong_path(archive: Path) -> None:
    a_good_neighbour(archive)
    text = write_bulletin(archive.parent / "other").read_text()
    for wrong in ("test-daily/2019-07-09-a/v1.md", "test-daily/2019/2019-07-09-a/version1.md",
                  "test-daily/2019/2019-07-09/v1.md", "test-daily/2019/2019-07-09-a/v0.md"):
        write_raw(archive, wrong, text)
    layout = sorted(p.path.relative_to(archive).as_posix() for p in only(archive, "path-layout"))
    assert len(layout) == 4 and all(p.line == 1 for p in only(archive, "path-layout"))
    assert "put it at <series>/<year>/<date>-<slug>/vN.md" in only(archive, "path-layout")[0].message


@pytest.mark.parametrize("field, value, expected", [
    ("version", '"two"', "`version`: Input should be a valid integer, unable to parse string as an integer, found 'two'"),
    ("illustrative", "maybe", "`illustrative`: Input should be a valid boolean"),
    ("places", "{a: 1}", "`places`: Input should be a valid list"),
])
def test_wrong_types(archive: Path, field: str, value: str, expected: str) -> None:
    path = write_bulletin(archive, places=["Syria"], illustrative=False)
    replace_in(path, f"\n{field}:", f"\n{field}: {value}\nx_{field}:")
    problems = only(archive, "field-invalid")
    assert problems[0].line == line_of(path, f"{field}: {value}")
    assert problems[0].message.startswith(expected)


@pytest.mark.parametrize("text, fix", [
    ("---\n---\nBody.\n", "write `key: value` lines"),
    ("---\n- a list\n---\nBody.\n", "write `key: value` lines"),
    ("---\nseries: test-daily\n", "no front matter"),
])
def test_front_matter_that_is_not_a_mapping(archive: Path, text: str, fix: str) -> None:
    write_raw(archive, "test-daily/2019/2019-07-09-a/v1.md", text)
    (problem,) = check_archive(archive, today=TODAY)
    assert problem.line == 1 and fix in problem.message


def test_deep_nesting_is_refused_not_a_crash(archive: Path) -> None:
    a_good_neighbour(archive)
    write_raw(archive, "test-daily/2019/2019-07-09-a/v1.md", "---\ntags: " + "[" * 100_000 + "]" * 100_000 + "\n---\nx\n")
    (problem,) = only(archive, "yaml-syntax")
    assert problem.line == 2 and "nested" in problem.message


def test_a_second_document_marker(archive: Path) -> None:
    path = write_raw(archive, "places.yml", "- name: Syria\n---\n- name: Idlib Province\n")
    (problem,) = only(archive, "yaml-syntax")
    assert problem.path == path and problem.line == 2 and "keep one YAML document" in problem.message


@pytest.mark.parametrize("text, line, rule", [
    ("- name: Syria\n  aliases: [unclosed\n", 3, "yaml-syntax"),
    ("name: Syria\n", 1, "gazetteer-invalid"),
    ("- name: Syria\n- name: Syria\n", 2, "gazetteer-invalid"),
    ("- name: Syria\n  kind: [a, b]\n", 2, "field-invalid"),
    ("- name: Syria\n  parent: Syra\n", 1, "gazetteer-invalid"),
    ("- name: Syria\n  colour: red\n", 2, "field-unknown"),
])
def test_a_broken_gazetteer(archive: Path, text: str, line: int, rule: str) -> None:
    write_raw(archive, "places.yml", text)
    neighbour = a_good_neighbour(archive)
    rows = problems_of(archive)
    assert ("places.yml", line, "error", rule) in rows
    assert any(path == neighbour and found == "tag-unknown" for path, _, _, found in rows)


def test_a_gazetteer_that_does_not_parse_is_reported_once_not_per_name(archive: Path) -> None:
    write_raw(archive, "places.yml", "- name: [\n")
    write_bulletin(archive, places=["Syria", "Idlib Province"])
    assert [rule for _, _, _, rule in problems_of(archive)] == ["yaml-syntax"]


def test_a_missing_gazetteer(archive: Path) -> None:
    (archive / "actors.yml").unlink()
    assert problems_of(archive) == [("actors.yml", 1, "error", "gazetteer-invalid")]


def test_unknown_parent_suggests_a_name(archive: Path) -> None:
    write_raw(archive, "places.yml", "- name: Syria\n- name: Idlib Province\n  parent: Syra\n")
    (problem,) = only(archive, "gazetteer-invalid")
    assert problem.line == 2 and problem.message.endswith("did you mean 'Syria'?")


def test_repeated_series(archive: Path) -> None:
    write_raw(archive, "series.yml", "- {slug: test-daily, name: A, publisher: P}\n- {slug: test-daily, name: B, publisher: P}\n")
    assert problems_of(archive) == [("series.yml", 2, "error", "gazetteer-invalid")]


def test_many_broken_files_are_all_reported(archive: Path) -> None:
    """Every file is checked: one problem per broken file, each at its own path."""
    for day in range(1, 21):
        path = write_bulletin(archive, date=f"2019-07-{day:02d}", slug="day")
        replace_in(path, "version: 1", "version: x" if day % 2 else "version: 1\nversoin: 1")
    rules = [rule for _, _, _, rule in problems_of(archive)]
    assert rules.count("field-invalid") == 10 and rules.count("field-unknown") == 10


@pytest.mark.parametrize("text, front, body, body_line", [
    ("---\na: 1\n---\nBody\n", "a: 1\n", "Body\n", 4),
    ("---\na: 1\n...\n\n\nBody", "a: 1\n", "\n\nBody", 4),
    ("---\na: 1\n---\n---\nb: 2\n---\nText\n", "a: 1\n", "---\nb: 2\n---\nText\n", 4),
    ("---\na: 1\n---\n\n", "a: 1\n", "\n", 4),
    ("---\r\na: 1\r\n---\r\nBody", "a: 1\r\n", "Body", 4),
    ("---\na: 1\n---\nBody\n---\nmore\n", "a: 1\n", "Body\n---\nmore\n", 4),
    ("---\n---\n", "", "", 3),
    ("---\na: 1\n", None, "---\na: 1\n", 1),
    ("----\na: 1\n---\n", None, "----\na: 1\n---\n", 1),
    ("Body only", None, "Body only", 1),
])
def test_split_front_matter(text: str, front: str | None, body: str, body_line: int) -> None:
    assert split_front_matter(text) == (front, body, body_line)


GOOD = """---
series: test-daily
date: 2019-07-09
title: "A title: with a colon"
version: 1
places: [Idleb, Syria]
see_also: [2019-07-08]
figures:
  - id: civ
    measure: killed
    value: 544
    qualifier: at least
    kind: running-total
    since: 2019-04-26
  - measure: killed
    group: children
    parent: civ
    value: 130
    kind: increment
events:
  - date: 2019-07
    what: Shelling.
---
Body.
"""


@given(st.data())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_damage_to_a_file_gives_located_problems_never_a_crash(archive: Path, data: st.DataObject) -> None:
    """Cut, insert or replace text anywhere in a good file: check returns problems inside the file."""
    start = data.draw(st.integers(0, len(GOOD)))
    end = data.draw(st.integers(start, min(len(GOOD), start + 40)))
    insert = data.draw(st.text(st.sampled_from(list("-:[]{}'\"#&*!|>% \t\n\\ab1٢\u202e")), max_size=8))
    text = GOOD[:start] + insert + GOOD[end:]
    path = write_raw(archive, "test-daily/2019/2019-07-09-a/v1.md", text)
    for problem in check_archive(archive, today=TODAY):
        assert problem.path in (path, archive / "test-daily/2019/2019-07-09-a")
        assert 1 <= problem.line <= text.count("\n") + 2, (problem, text)
        assert problem.message


BODY_WITH_A_BLOCK = "---\nlead: the first lines of the body\n---\n\nThe body goes on.\n"


def test_a_body_is_every_byte_after_the_closing_line(archive: Path) -> None:
    path = write_bulletin(archive, body=BODY_WITH_A_BLOCK)
    (version,) = load_archive(archive).versions
    assert version.body == BODY_WITH_A_BLOCK and version.body_line == line_of(path, "---", 2) + 1
    assert version.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # the sha256 is of the bytes, byte-order mark too
    assert load_archive(archive).versions[0].sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_built_page_shows_the_whole_body_and_never_an_over_long_field(archive: Path, tmp_path: Path) -> None:
    """A body starting with a `---` block keeps that text in the page (MyST would read it as front
    matter); a version over the limits is not published: no 66 MB page from a 7 MB title."""
    write_bulletin(archive, slug="block", title="Block", body=BODY_WITH_A_BLOCK)
    write_bulletin(archive, date="2019-07-10", slug="huge", title="x" * 7_000_000)
    warnings = io.StringIO()
    build(archive, tmp_path / "out", ROOT / "docs", "html", status=None, warning=warnings)
    html = tmp_path / "out" / "html"
    page = (html / "test-daily/2019/2019-07-09-block/index.html").read_text(encoding="utf-8")
    assert "the first lines of the body" in page and "The body goes on." in page
    assert "field-too-long" in warnings.getvalue()
    assert not (html / "test-daily/2019/2019-07-10-huge").exists()
    assert max(p.stat().st_size for p in html.rglob("*.html")) < 1_000_000


@pytest.mark.parametrize("front, where, words", [
    ({"summary": "s" * 1_001}, "summary:", "`summary` is 1,001 characters long, over the limit of 1,000"),
    ({"places": ["Syria", "p" * 201]}, "- ppp", "`places.1` is 201 characters long, over the limit of 200"),
    ({"events": [{"date": "2019-07", "what": "w" * 2_001}]}, "what:", "`events.0.what` is 2,001 characters"),
    ({"sources": [{"title": "t" * 301}]}, "- title:", "`sources.0.title` is 301 characters long"),
    ({"figures": [{"measure": "killed", "kind": "stock", "qualifier": "vague", "text": "x" * 201}]}, "text:",
     "`figures.0.text` is 201 characters"),
    ({"figures": [{"measure": "killed", "value": n, "kind": "stock"} for n in range(501)]}, "figures:",
     "`figures` has 501 entries, over the limit of 500: split the bulletin"),
])
def test_over_long_fields_are_errors_at_their_line(archive: Path, front: dict, where: str, words: str) -> None:
    path = write_bulletin(archive, **front)
    (problem,) = only(archive, "field-too-long")
    assert problem.line == line_of(path, where) and problem.message.startswith(words)
    assert "docs/format.md, Limits" in problem.message and load_archive(archive).valid_versions() == []


def test_an_over_long_gazetteer_name(archive: Path) -> None:
    write_raw(archive, "places.yml", "- name: Syria\n  aliases: [" + "a" * 201 + "]\n")
    (problem,) = only(archive, "field-too-long")
    assert (problem.path.name, problem.line) == ("places.yml", 2) and "`aliases.0`" in problem.message
