"""Every rule id of errors.RULES: one archive that breaks it (exact path:line, level, rule) and the
same archive without the fault (no problem at all)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import PLACES, line_of, replace_in, write_archive, write_bulletin, write_raw

from dailyarchive import check_archive
from dailyarchive.model.errors import RULES, Problem
from dailyarchive.catalog.rules import headline
from dailyarchive.model.schema import Figure

TODAY = dt.date(2020, 1, 1)
Where = tuple[Path, int, str]  # path, line, level

KILLED = {"measure": "killed", "group": "civilians", "qualifier": "at least", "kind": "running-total",
          "since": "2019-04-26", "place": "Idlib Province"}


def file_unreadable(root: Path, broken: bool) -> Where:
    text = "---\nseries: test-daily\ndate: 2019-07-09\ntitle: Caf\xe9\nversion: 1\n---\nBody.\n"
    path = write_raw(root, "test-daily/2019/2019-07-09-a/v1.md",
                     text.encode("latin-1") if broken else text.encode("utf-8"))
    return path, 4, "error"


def file_too_large(root: Path, broken: bool) -> Where:
    path = write_bulletin(root, body="word " * ((9 if broken else 1) * 2**20 // 5))
    return path, 1, "error"


def yaml_syntax(root: Path, broken: bool) -> Where:
    path = write_bulletin(root, summary="One sentence.")
    if broken:
        replace_in(path, "summary: One sentence.", "summary: [One sentence.")
    return path, line_of(path, "summary:") + 1, "error"  # the parser notices at the next key


def yaml_alias(root: Path, broken: bool) -> Where:
    path = write_bulletin(root, summary="One sentence.", caption="One sentence.", image="photo.jpg")
    write_raw(root, path.parent.relative_to(root).as_posix() + "/photo.jpg", b"\xff\xd8")
    if broken:
        replace_in(path, "summary: One sentence.", "summary: &s One sentence.")
        replace_in(path, "caption: One sentence.", "caption: *s")
    return path, line_of(path, "summary:"), "error"


def control_character(root: Path, broken: bool) -> Where:
    path = write_bulletin(root, body="A line.\nA NUL\x00 here.\n" if broken else "A line.\n")
    return path, line_of(path, "A NUL") if broken else 1, "error"


def field_too_long(root: Path, broken: bool) -> Where:
    path = write_bulletin(root, title="T" * (301 if broken else 300))
    return path, line_of(path, "title:"), "error"


def front_matter_missing(root: Path, broken: bool) -> Where:
    path = write_bulletin(root)
    if broken:
        replace_in(path, "---\nseries", "series")
    return path, 1, "error"


def field_required(root: Path, broken: bool) -> Where:
    path = write_bulletin(root, title=None if broken else "A title")
    return path, 1, "error"


def field_unknown(root: Path, broken: bool) -> Where:
    path = write_bulletin(root, summry="One sentence.") if broken else write_bulletin(root, summary="One sentence.")
    return path, line_of(path, "summ"), "error"


def field_invalid(root: Path, broken: bool) -> Where:
    path = write_bulletin(root)
    if broken:
        replace_in(path, "version: 1", "version: two")
    return path, line_of(path, "version:"), "error"


def date_format(root: Path, broken: bool) -> Where:
    path = write_bulletin(root, events=[{"date": "2019-02-30" if broken else "2019-02", "what": "Shelling."}])
    return path, line_of(path, "- date:"), "error"


@pytest.mark.parametrize("text", ["2019-07~~", "2019-07-4X", "2019/2020", "2019-13?", "2019-02-30~"])
def test_malformed_edtf_date_is_reported_at_its_line(text: str, tmp_path: Path) -> None:
    root = write_archive(tmp_path / "archive")
    path = write_bulletin(root, events=[{"date": text, "what": "Shelling."}])
    found = [(p.path, p.line, p.rule) for p in check_archive(root, today=TODAY)]
    assert found == [(path, line_of(path, "- date:"), "date-format")]


@pytest.mark.parametrize("text", ["2019-07~", "2019-07?", "2019-07%", "2019-07-0X", "2019-XX", "2019-07-09~"])
def test_edtf_dates_are_accepted(text: str, tmp_path: Path) -> None:
    root = write_archive(tmp_path / "archive")
    write_bulletin(root, events=[{"date": text, "what": "Shelling."}])
    assert check_archive(root, today=TODAY) == []


def event_after_bulletin(root: Path, broken: bool) -> Where:
    path = write_bulletin(root, events=[{"date": "2019-08~" if broken else "2019-07~", "what": "Shelling."}])
    return path, line_of(path, "- date:"), "error"


def events_crowded(root: Path, broken: bool) -> Where:
    many = [{"date": "2019-07-08", "what": f"Shelling {n}."} for n in range(400)]
    for slug in ("a", "b"):
        write_bulletin(root, slug=slug, events=many)
    write_bulletin(root, date="2019-07-10", slug="c", events=many[:201 if broken else 200])
    first = root / "test-daily/2019/2019-07-09-a/v1.md"
    return first, line_of(first, "- date:"), "warning"


def date_future(root: Path, broken: bool) -> Where:
    path = write_bulletin(root, date="2021-03-01" if broken else "2019-03-01")
    return path, line_of(path, "date:"), "error"


def path_layout(root: Path, broken: bool) -> Where:
    folder = "test-daily/2019/2019-07-09-Bad_Slug" if broken else "test-daily/2019/2019-07-09-good-slug"
    text = write_bulletin(root.parent / "elsewhere").read_text(encoding="utf-8")
    return write_raw(root, f"{folder}/v1.md", text), 1, "error"


def path_mismatch(root: Path, broken: bool) -> Where:
    path = write_bulletin(root)
    if broken:
        replace_in(path, "date: '2019-07-09'", "date: '2019-07-10'")
    return path, line_of(path, "date:"), "error"


def version_number(root: Path, broken: bool) -> Where:
    path = write_bulletin(root)
    if broken:
        replace_in(path, "version: 1", "version: 2\nrevised: '2019-07-10'\nrevision_note: Fixed.")
    return path, line_of(path, "version:"), "error"


def version_gap(root: Path, broken: bool) -> Where:
    write_bulletin(root, version=1)
    path = write_bulletin(root, version=3 if broken else 2)
    if broken:
        replace_in(path, "version: 3", "version: 3")
    return path, line_of(path, "version:"), "error"


def revision_missing(root: Path, broken: bool) -> Where:
    write_bulletin(root, version=1)
    path = write_bulletin(root, version=2, revision_note=None if broken else "Corrected the toll.")
    return path, line_of(path, "version:"), "error"


def revision_date(root: Path, broken: bool) -> Where:
    write_bulletin(root, version=1)
    path = write_bulletin(root, version=2, revised="2019-07-01" if broken else "2019-07-11")
    return path, line_of(path, "revised:"), "error"


def body_empty(root: Path, broken: bool) -> Where:
    path = write_bulletin(root, body="\n  \n" if broken else "Text.\n")
    return path, line_of(path, "version:") + 2, "error"


def body_unsafe(root: Path, broken: bool) -> Where:
    path = write_bulletin(root, body="Text.\n\n```{raw} html\n<script>alert(1)</script>\n```\n" if broken else
                          "Text with a [link](https://example.org).\n")
    return path, line_of(path, "{raw} html") if broken else 1, "error"


def series_unknown(root: Path, broken: bool) -> Where:
    path = write_bulletin(root, series="other-daily" if broken else "test-daily")
    return path, line_of(path, "series:"), "error"


def place_unknown(root: Path, broken: bool) -> Where:
    path = write_bulletin(root, places=["Syria", "Idlib Provnce" if broken else "Idleb"])
    return path, line_of(path, "- Idl"), "error"


def actor_unknown(root: Path, broken: bool) -> Where:
    path = write_bulletin(root, events=[{"date": "2019-07-09", "actors": ["HTZ" if broken else "HTS"], "what": "Attack."}])
    return path, line_of(path, "- HT"), "error"


def tag_unknown(root: Path, broken: bool) -> Where:
    path = write_bulletin(root, tags=["offensiv" if broken else "offensive"])
    return path, line_of(path, "- offensiv"), "error"


def gazetteer_invalid(root: Path, broken: bool) -> Where:
    places = [*PLACES, {"name": "Ghab Plain", "parent": "Al-Ghab"}, {"name": "Al-Ghab", "parent": "Ghab Plain" if broken else "Syria"}]
    write_archive(root, places=places)
    path = root / "places.yml"
    return path, line_of(path, "- name: Ghab Plain"), "error"


def see_also_unknown(root: Path, broken: bool) -> Where:
    write_bulletin(root, date="2019-07-05", slug="earlier")
    path = write_bulletin(root, see_also=["2019-07-04" if broken else "2019-07-05"])
    return path, line_of(path, "- '2019-07-0"), "error"


def image_missing(root: Path, broken: bool) -> Where:
    path = write_bulletin(root, image="photo.jpg")
    if not broken:
        write_raw(root, path.parent.relative_to(root).as_posix() + "/photo.jpg", b"\xff\xd8")
    return path, line_of(path, "image:"), "error"


def caption_without_image(root: Path, broken: bool) -> Where:
    path = write_bulletin(root, caption="Fighters prepare an attack.", image=None if broken else "photo.jpg")
    if not broken:
        write_raw(root, path.parent.relative_to(root).as_posix() + "/photo.jpg", b"\xff\xd8")
    return path, line_of(path, "caption:"), "warning"


def test_a_caption_without_an_image_is_told_on_the_latest_version_only(archive: Path) -> None:
    first = write_bulletin(archive, caption="Fighters prepare an attack.")
    assert [(p.path, p.rule) for p in check_archive(archive, today=TODAY)] == [(first, "caption-without-image")]
    latest = write_bulletin(archive, version=2, caption="Fighters prepare an attack.", revised="2019-07-10",
                            revision_note="Fixed a word.")
    assert [(p.path, p.rule) for p in check_archive(archive, today=TODAY)] == [(latest, "caption-without-image")]
    write_bulletin(archive, version=3, revised="2019-07-11", revision_note="Dropped the caption of a missing photo.")
    assert check_archive(archive, today=TODAY) == []


def duplicate_id(root: Path, broken: bool) -> Where:
    figures = [{**KILLED, "id": "civ", "value": 544}, {**KILLED, "id": "civ" if broken else "civ-2", "value": 600,
                                                      "place": "Latakia Province"}]
    path = write_bulletin(root, figures=figures)
    return path, line_of(path, "id: civ", 2), "error"


def figure_bounds(root: Path, broken: bool) -> Where:
    path = write_bulletin(root, figures=[{**KILLED, "low": 600 if broken else 500, "value": 544}])
    return path, line_of(path, "value:"), "error"


def figure_parent(root: Path, broken: bool) -> Where:
    figures = [{**KILLED, "id": "civ", "value": 544},
               {**KILLED, "group": "children", "parent": "civ", "value": 600 if broken else 130}]
    path = write_bulletin(root, figures=figures)
    return path, line_of(path, "value:", 2), "error"


def figure_dates(root: Path, broken: bool) -> Where:
    path = write_bulletin(root, figures=[{**KILLED, "value": 544, "since": "2019-08-01" if broken else "2019-04-26"}])
    return path, line_of(path, "since:"), "error"


def figure_kind_mixed(root: Path, broken: bool) -> Where:
    stock = {"measure": "displaced", "group": "all", "value": 330000, "qualifier": "more than", "kind": "stock",
             "place": "Idlib Province"}
    write_bulletin(root, date="2019-07-05", slug="earlier", figures=[stock])
    later = {**stock, "kind": "increment"} if broken else {**stock, "value": 340000}
    path = write_bulletin(root, figures=[later])
    return path, line_of(path, "kind:"), "error"


def figure_baseline(root: Path, broken: bool) -> Where:
    path = write_bulletin(root, figures=[{**KILLED, "value": 544, "since": None if broken else "2019-04-26"}])
    return path, line_of(path, "kind:"), "error"


def figure_pending(root: Path, broken: bool) -> Where:
    path = write_bulletin(root, figures=[{**KILLED, "value": 544, **({"review": "pending"} if broken else {})}])
    return path, line_of(path, "review:") if broken else 1, "warning"


def running_total_fell(root: Path, broken: bool) -> Where:
    write_bulletin(root, date="2019-07-05", slug="earlier", figures=[{**KILLED, "value": 544}])
    path = write_bulletin(root, figures=[{**KILLED, "value": 500 if broken else 560}])
    return path, line_of(path, "value:"), "warning"


#: The rules of `check`; fixity-* come from `invoke verify` and are tested in test_fixity.py.
CHECK_RULES = sorted(rule for rule in RULES if not rule.startswith("fixity-"))
CASES: dict[str, Callable[[Path, bool], Where]] = {
    name.replace("_", "-"): case for name, case in globals().items()
    if callable(case) and name.replace("_", "-") in RULES
}


def test_every_rule_has_a_case() -> None:
    assert sorted(CASES) == CHECK_RULES


@pytest.mark.parametrize("rule", CHECK_RULES)
def test_rule_fails_at_the_offending_key(rule: str, tmp_path: Path) -> None:
    root = write_archive(tmp_path / "archive")
    path, line, level = CASES[rule](root, True)
    problems = check_archive(root, today=TODAY)
    found = [p for p in problems if p.rule == rule]
    assert (path, line, level) in [(p.path, p.line, p.level) for p in found], "\n".join(p.format() for p in problems)
    for problem in found:
        assert problem.message and ":" in problem.message, f"no hint on how to fix: {problem.message}"


@pytest.mark.parametrize("rule", CHECK_RULES)
def test_rule_passes_without_the_fault(rule: str, tmp_path: Path) -> None:
    root = write_archive(tmp_path / "archive")
    CASES[rule](root, False)
    assert [p.format(root) for p in check_archive(root, today=TODAY)] == []


def messages(root: Path, rule: str) -> list[str]:
    return [p.message for p in check_archive(root, today=TODAY) if p.rule == rule]


def test_unknown_name_suggests_the_canonical_name_of_a_close_alias(archive: Path) -> None:
    write_bulletin(archive, places=["Idleeb"])
    assert messages(archive, "place-unknown") == ["'Idleeb' is not in places.yml: did you mean 'Idlib Province'?"]


def test_unknown_key_suggests_the_field(archive: Path) -> None:
    write_bulletin(archive, figures=[{**KILLED, "value": 5, "qualifer": "about"}])
    assert messages(archive, "field-unknown") == ["unknown key `figures.0.qualifer`: did you mean `qualifier`?"]


def test_running_total_fell_names_both_files(archive: Path) -> None:
    write_bulletin(archive, date="2019-07-05", slug="earlier", figures=[{**KILLED, "value": 544}])
    write_bulletin(archive, figures=[{**KILLED, "value": 500}])
    (message,) = messages(archive, "running-total-fell")
    assert "500 as of 2019-07-09 is below 544 as of 2019-07-05 in test-daily/2019/2019-07-05-earlier/v1.md" in message


def test_running_total_fell_counts_only_latest_versions(archive: Path) -> None:
    write_bulletin(archive, date="2019-07-05", slug="earlier", figures=[{**KILLED, "value": 544}])
    write_bulletin(archive, date="2019-07-05", slug="earlier", version=2, revised="2019-07-06",
                   figures=[{**KILLED, "value": 450}])
    write_bulletin(archive, figures=[{**KILLED, "value": 500}])
    assert messages(archive, "running-total-fell") == []


def test_running_total_fell_compares_earlier_dates_only(archive: Path) -> None:
    """Two sources on the same day are not a fall; the peak of a day counts from the next day."""
    write_bulletin(archive, date="2019-07-05", slug="earlier",
                   figures=[{**KILLED, "value": 544}, {**KILLED, "value": 520, "reported_by": "Another monitor"}])
    write_bulletin(archive, figures=[{**KILLED, "value": 530}])
    (message,) = messages(archive, "running-total-fell")
    assert "530 as of 2019-07-09 is below 544" in message


def test_running_totals_of_other_baselines_or_places_are_other_series(archive: Path) -> None:
    write_bulletin(archive, date="2019-07-05", slug="earlier", figures=[{**KILLED, "value": 544}])
    write_bulletin(archive, figures=[{**KILLED, "value": 10, "since": "2019-07-01"},
                                     {**KILLED, "value": 20, "place": "Latakia Province"}])
    assert messages(archive, "running-total-fell") == []


def test_place_aliases_join_one_series(archive: Path) -> None:
    write_bulletin(archive, date="2019-07-05", slug="earlier", figures=[{**KILLED, "value": 544}])
    write_bulletin(archive, figures=[{**KILLED, "value": 500, "place": "محافظة إدلب"}])
    assert len(messages(archive, "running-total-fell")) == 1


def test_kind_mixed_is_reported_once_per_series_naming_the_first_file(archive: Path) -> None:
    stock = {"measure": "displaced", "group": "all", "value": 1000, "kind": "stock", "place": "Idlib Province"}
    write_bulletin(archive, date="2019-07-01", slug="first", figures=[stock])
    for day in ("2019-07-02", "2019-07-03"):
        write_bulletin(archive, date=day, slug="flow", figures=[{**stock, "kind": "increment"}])
    (message,) = messages(archive, "figure-kind-mixed")
    assert "is a increment here but a stock (stock) in test-daily/2019/2019-07-01-first/v1.md" in message


@pytest.mark.parametrize("parent, child, fault", [
    ({"value": 544, "qualifier": "at least"}, {"value": 130, "qualifier": "at least"}, None),
    ({"value": 544, "qualifier": "at least"}, {"value": 545, "qualifier": "more than"}, "larger than its parent"),
    ({"value": 544, "qualifier": "up to"}, {"value": 600, "qualifier": "about"}, None),  # no low bound to compare
    ({"value": 544}, {"value": 100, "measure": "injured"}, "same thing as its parent"),
    ({"value": 544}, {"value": 100, "parent": "nobody"}, "is not the id of a figure"),
])
def test_subgroup_rules(archive: Path, parent: dict, child: dict, fault: str | None) -> None:
    figures = [{**KILLED, "id": "civ", **parent}, {**KILLED, "group": "children", "parent": "civ", **child}]
    write_bulletin(archive, figures=figures)
    found = messages(archive, "figure-parent")
    assert (found == []) if fault is None else (len(found) == 1 and fault in found[0])


def test_a_figure_cannot_be_its_own_parent(archive: Path) -> None:
    write_bulletin(archive, figures=[{**KILLED, "id": "civ", "parent": "civ", "value": 1}])
    assert messages(archive, "figure-parent") == ["figure 'civ' names itself as its parent: remove `parent`"]


@pytest.mark.parametrize("target, ok", [
    ("2019-07-05", True), ("test-daily/2019-07-05", True), ("test-daily/2019-07-05-earlier", True),
    ("test-daily/2019-07-05-other", False), ("2019-07-09", False), ("other-daily/2019-07-05", False),
])
def test_see_also_resolution(archive: Path, target: str, ok: bool) -> None:
    write_bulletin(archive, date="2019-07-05", slug="earlier")
    write_bulletin(archive, see_also=[target])
    assert (messages(archive, "see-also-unknown") == []) is ok


def test_see_also_with_two_bulletins_on_one_date_asks_for_the_full_id(archive: Path) -> None:
    write_bulletin(archive, date="2019-07-05", slug="one")
    write_bulletin(archive, date="2019-07-05", slug="two")
    write_bulletin(archive, see_also=["2019-07-05"])
    (message,) = messages(archive, "see-also-unknown")
    assert "several bulletins share that date" in message and "test-daily/2019-07-05-one" in message


def test_see_also_may_name_a_bulletin_whose_file_is_broken(archive: Path) -> None:
    """The target exists; its own error is reported once, not again as a broken link."""
    target = write_bulletin(archive, date="2019-07-05", slug="earlier")
    replace_in(target, "version: 1", "version: one")
    write_bulletin(archive, see_also=["2019-07-05"])
    assert messages(archive, "see-also-unknown") == []


def test_image_must_be_a_file_of_the_bulletin_folder(archive: Path) -> None:
    write_raw(archive, "secret.jpg", b"x")
    write_bulletin(archive, image="../../../secret.jpg")
    assert "is not a file name" in messages(archive, "image-missing")[0]


def test_future_access_date_of_a_source(archive: Path) -> None:
    path = write_bulletin(archive, sources=[{"title": "A report", "accessed": "2020-02-01"}])
    (problem,) = [p for p in check_archive(archive, today=TODAY) if p.rule == "date-future"]
    assert problem.line == line_of(path, "accessed:")


def test_problems_are_sorted_and_unique(archive: Path) -> None:
    write_bulletin(archive, date="2019-07-05", slug="b", places=["Nowhere", "Nowhere"])
    write_bulletin(archive, date="2019-07-04", slug="a", tags=["nothing"])
    problems = check_archive(archive, today=TODAY)
    assert problems == sorted(problems, key=lambda p: (str(p.path), p.line, p.rule, p.message))
    assert len(problems) == len(set(problems)) == 3


@pytest.mark.parametrize("figure, expected", [
    ({"value": 544, "qualifier": "at least"}, 544), ({"value": 2100, "qualifier": "more than"}, 2100),
    ({"value": 3e6, "qualifier": "about"}, 3e6), ({"value": 50, "qualifier": "up to"}, None),
    ({"low": 10, "high": 20}, 10), ({"qualifier": "vague", "text": "scores"}, 20),
    ({"qualifier": "vague", "text": "many"}, None),
])
def test_headline_is_the_lowest_stated_bound(figure: dict, expected: float | None) -> None:
    assert headline(Figure.model_validate({"measure": "killed", "kind": "increment", **figure})) == expected


def test_problem_refuses_an_unknown_rule() -> None:
    with pytest.raises(ValueError, match="add it to errors.RULES"):
        Problem(Path("x"), 1, "error", "no-such-rule", "message")


def test_two_folders_with_one_bulletin_id(archive: Path) -> None:
    first = write_bulletin(archive)
    second = write_raw(archive, "test-daily/2020/2019-07-09-a-bulletin/v1.md", first.read_text(encoding="utf-8"))
    found = [(p.path, p.line, p.rule) for p in check_archive(archive, today=TODAY)]
    assert found == [(second, line_of(second, "date:"), "duplicate-id"), (second, line_of(second, "date:"), "path-mismatch")]
    assert "also the id of test-daily/2019/2019-07-09-a-bulletin" in messages(archive, "duplicate-id")[0]


@pytest.mark.parametrize("bounds, faults", [
    ({"low": 10, "value": 5, "high": 1}, ["low 10 is above value 5", "value 5 is above high 1"]),
    ({"low": 10, "high": 1}, ["low 10 is above high 1"]),
    ({"value": 5, "qualifier": "at least", "high": 4}, ["value 5 is above high 4"]),
    ({"low": 1, "value": 5, "high": 9, "qualifier": "about"}, []),
])
def test_bounds_are_reported_once_each(archive: Path, bounds: dict, faults: list[str]) -> None:
    write_bulletin(archive, figures=[{"measure": "killed", "kind": "increment", **bounds}])
    assert [m.split(":")[0] for m in messages(archive, "figure-bounds")] == faults


def test_format_shows_control_characters_as_escapes(archive: Path) -> None:
    """A hostile file name cannot clear the terminal or reorder the line; Arabic letters stay readable.
    (Inside a file such characters are refused, control-character, before a message could quote them.)"""
    write_raw(archive, "test-daily/2019/\x1b[2Jإدلب\u202e.md", "---\ntitle: T\n---\nBody.\n")
    (problem,) = check_archive(archive, today=TODAY)
    line = problem.format(archive)
    assert "\\x1b[2Jإدلب\\u202e" in line and line.isprintable()


def test_parallel_check_finds_the_same_problems(archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every rule that can fire across files fires the same way when files are checked in workers."""
    import dailyarchive.catalog.rules as rules

    for day in range(1, 13):
        write_bulletin(archive, date=f"2019-07-{day:02d}", slug="day", tags=["offensive" if day % 3 else "typo"],
                       see_also=[f"2019-07-{day - 1:02d}"] if day > 1 else ["2019-06-30"],
                       figures=[{**KILLED, "value": 500 + (day % 4) * 10}])
    write_bulletin(archive, date="2019-07-02", slug="day", version=3, revised="2019-07-01")
    write_raw(archive, "test-daily/2019/2019-07-20-bad/v1.md", b"---\ntitle: \xff\n---\n")
    write_raw(archive, "test-daily/2020/2019-07-05-day/v1.md", (archive / "test-daily/2019/2019-07-05-day/v1.md").read_text())
    one = check_archive(archive, today=TODAY, workers=1)
    monkeypatch.setattr(rules, "PARALLEL_FROM", 2)
    two = check_archive(archive, today=TODAY, workers=2)
    assert one == two
    assert {p.rule for p in one} >= {"tag-unknown", "see-also-unknown", "running-total-fell", "version-gap",
                                     "revision-date", "file-unreadable", "duplicate-id", "path-mismatch"}
