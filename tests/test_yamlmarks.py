"""YAML parsing with lines: the fast path and PyYAML's marks agree, and errors are located."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dailyarchive.model.yamlmarks import Parsed, YamlSyntaxError, _parse_with_pyyaml, parse

FRONT = """\
series: test-daily
date: 2019-07-09
see_also: [2019-07-05, 'syria-daily/2019-07-08-idlib-civilian-toll']
places:
  - Idlib Province
  # a comment between items
  - محافظة إدلب
figures:
- measure: killed
  value: 544
  text: |
    - not an item of the list
- measure: injured
  nested:
  - x
events: []
"""


def test_dates_stay_text_and_types_are_yaml_types() -> None:
    data = parse("date: 2019-07-09\nvalue: 544\nratio: 1.5\nflag: true\nnone: ~\nwhen: 2019-02-30\n").data
    assert data == {"date": "2019-07-09", "value": 544, "ratio": 1.5, "flag": True, "none": None, "when": "2019-02-30"}


def test_fast_and_exact_paths_give_the_same_data_and_lines() -> None:
    fast, exact = parse(FRONT, first_line=2), _parse_with_pyyaml(FRONT, 2)
    assert fast.data == exact.data
    keys = [("series",), ("see_also", 0), ("see_also", 1), ("places", 0), ("places", 1), ("figures", 0),
            ("figures", 1), ("figures", 1, "nested", 0), ("events",), ("figures", 0, "value")]
    assert [fast.line_of(k, 0) for k in keys] == [exact.lines[k] for k in keys] == [2, 4, 4, 6, 8, 10, 14, 16, 17, 11]


def test_lines_come_without_the_exact_parse_for_plain_layouts() -> None:
    parsed = parse(FRONT, first_line=2)
    assert parsed.line_of(("figures", 1), 0) == 14 and parsed.line_of(("see_also", 1), 0) == 4
    assert parsed._marks is None  # the quick scan answered
    assert parsed.line_of(("figures", 1, "nested"), 0) == 15 and parsed._marks is not None


@pytest.mark.parametrize("text, key, line", [
    ("places: ['a, b', c]\n", ("places", 1), 1),  # a comma inside quotes: the count differs, marks decide
    ("places: [a,\n  b]\n", ("places", 1), 2),
    ('"places":\n- a\n- b\n', ("places", 1), 3),
    ("places:\n  - a\n  - b\nnext: 1\n", ("next",), 4),
])
def test_unusual_layouts_fall_back_to_the_marks(text: str, key: tuple, line: int) -> None:
    assert parse(text).line_of(key, 0) == line


def test_line_of_a_missing_key_is_the_nearest_enclosing_one() -> None:
    parsed = parse(FRONT, first_line=2)
    assert parsed.line_of(("figures", 0, "low"), 1) == 10 and parsed.line_of(("nothing",), 1) == 1


def test_duplicate_keys_are_found_by_the_exact_path() -> None:
    parsed = parse("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n")
    assert parsed.data == {"a": 3, "b": {"c": 2}}
    assert parsed.duplicates == [(("b", "c"), 4), (("a",), 5)]
    assert parsed.lines[("a",)] == 5  # the value YAML keeps is the last one


def test_no_duplicates_without_marks() -> None:
    parsed = parse("a: 1\n")
    assert parsed.duplicates == [] and parsed._marks is None


@pytest.mark.parametrize("text, line, column, words", [
    ("a: [1\nb: 2\n", 2, 2, "check indentation"),
    ("a:\n\tb: 1\n", 2, 1, "indent with spaces, not tabs"),
    ("a: 'open\n", 1, 4, "never closed"),
    ("a: 1\n---\nb: 2\n", 2, 1, "keep one YAML document"),
    ("a: !!python/object:os.system x\n", 1, 4, "constructor"),
    ("a: " + "[" * 5000 + "]" * 5000 + "\n", 1, None, "nested"),
])
def test_syntax_errors_are_located(text: str, line: int, column: int | None, words: str) -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        parse(text, first_line=1)
    assert caught.value.line == line and words in str(caught.value)
    assert column is None or caught.value.column == column


def test_first_line_offsets_every_line() -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        parse("a: 1\nb: [\n", first_line=10)
    assert caught.value.line == 12
    assert parse("a: 1\nb: 2\n", first_line=10).line_of(("b",), 0) == 11


def test_merge_keys_without_an_alias_are_merged() -> None:
    assert parse("d:\n  <<: {x: 1}\n  y: 2\n").data["d"] == {"x": 1, "y": 2}


@pytest.mark.parametrize("text, line, column, words", [
    ("base: &b {x: 1}\nd:\n  <<: *b\n", 1, 7, "an anchor (`&b`)"),
    ("a: 1\nb: [x, *a]\n", 2, 8, "an alias (`*a`)"),
    ("a:\n  - &first x\n", 2, 5, "an anchor (`&first`)"),
    ("title: *Breaking news\n", 1, 8, "an alias (`*Breaking`)"),
    ("a: &a [lol, lol]\nb: &b [*a, *a]\nc: [*b, *b]\n", 1, 4, "an anchor (`&a`)"),
])
def test_anchors_and_aliases_are_refused_before_parsing(text: str, line: int, column: int, words: str) -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        parse(text, first_line=1)
    error = caught.value
    assert (error.line, error.column, error.rule) == (line, column, "yaml-alias")
    assert str(error).startswith(words) and "write the value out in full" in str(error)


@pytest.mark.parametrize("text", ['a: 1\ny: {"k":&a [x], "j":{"m":*a}}\n', 'y: {"k":*a}\n'])
def test_anchors_after_a_quoted_key_are_refused(text: str) -> None:
    """YAML 1.2 allows `"key":value` without a space in flow mappings, and yaml-rs reads it."""
    with pytest.raises(YamlSyntaxError):
        parse(text)


@pytest.mark.parametrize("text", [
    "title: R&D costs *rose* & fell\n", "summary: 'a *quoted* &text'\n", "a: \"*x\"\nb: '&y'\n",
    "list: [a&b, c*d]\n", "text: |\n  *emphasis* in a block\n  & more\n",
])
def test_ampersands_and_stars_in_text_are_not_anchors(text: str) -> None:
    assert parse(text).data


def test_emphasis_at_the_start_of_a_plain_text_is_a_located_error() -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        parse("a: 1\ntitle: *Breaking* news\n")
    assert (caught.value.line, caught.value.rule) == (2, "yaml-syntax") and "quotes" in str(caught.value)


def test_block_lists_nested_on_one_line_are_refused() -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        parse("a: 1\ntags:\n" + "- " * 50_000 + "x\n", first_line=2)
    assert caught.value.line == 4 and "nested" in str(caught.value)


def test_empty_text() -> None:
    assert parse("").data is None and parse("# only a comment\n").data is None


def test_parsed_pickles_for_worker_processes() -> None:
    import pickle

    parsed = pickle.loads(pickle.dumps(parse(FRONT, first_line=2)))
    assert isinstance(parsed, Parsed) and parsed.line_of(("figures", 1), 0) == 14


TRICKY = st.text(st.sampled_from(list("ab -:#[]{},'\"\n|>&*!")), max_size=12)


@given(st.dictionaries(st.from_regex(r"[a-z_]{1,8}", fullmatch=True),
                       st.one_of(TRICKY, st.lists(st.one_of(TRICKY, st.dictionaries(
                           st.from_regex(r"[a-z]{1,5}", fullmatch=True), TRICKY, max_size=3)), max_size=4)),
                       max_size=6),
       st.sampled_from([False, None]), st.integers(1, 4))
@settings(max_examples=300, deadline=None)
def test_quick_lines_agree_with_the_marks(data: dict, flow: bool | None, indent: int) -> None:
    """Whatever the layout, the quick scan either matches PyYAML's marks or stays out of the way."""
    text = yaml.safe_dump(data, default_flow_style=flow, indent=max(indent, 2), allow_unicode=True, width=40)
    exact = _parse_with_pyyaml(text, 5)
    for key, value in data.items():
        wanted = [(key,)] + [(key, i) for i in range(len(value))] if isinstance(value, list) else [(key,)]
        for path in wanted:
            quick = parse(text, first_line=5)
            assert quick.line_of(path, 0) == exact.lines[path], (text, path)


@given(st.text(st.sampled_from(list("ab&*:,-?[]{}'\"! \n\t#|>%@`.")), max_size=24))
@settings(max_examples=500, deadline=None)
def test_the_quick_anchor_search_misses_no_anchor_of_the_scanner(text: str) -> None:
    """Whatever PyYAML's scanner takes for an anchor or an alias, the quick search finds first."""
    from dailyarchive.model.yamlmarks import _MAYBE_ANCHOR, _DatesAsText

    loader = _DatesAsText(text)
    kinds = set()
    try:
        while loader.check_token():
            kinds.add(type(loader.get_token()))
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    if kinds & {yaml.AnchorToken, yaml.AliasToken}:
        assert _MAYBE_ANCHOR.search(text), text
