"""Suggested figures: qualifier + number + what was counted, with the sentence they came from."""

from __future__ import annotations

import datetime as dt

import pytest

from dailyarchive.archivist.importers.figures import suggest_figures

DAY = dt.date(2019, 7, 9)
PLACES = {"idlib province": "Idlib Province", "idlib": "Idlib Province", "mount turkmen": "Mount Turkmen"}


def one(sentence: str) -> dict:
    [suggestion] = suggest_figures([sentence], DAY, PLACES)
    assert suggestion.sentence == sentence
    return suggestion.figure


@pytest.mark.parametrize(("sentence", "expected"), [
    ("More than 2,100 people have been injured.",
     {"measure": "injured", "group": "all", "value": 2100, "qualifier": "more than", "kind": "increment"}),
    ("Thirty civilians were killed on Tuesday.",
     {"measure": "killed", "group": "civilians", "value": 30, "qualifier": "exact", "kind": "increment"}),
    ("Pro-regime outlets admitted scores of regime casualties.",
     {"measure": "casualties", "group": "regime-forces", "qualifier": "vague", "text": "scores", "kind": "increment"}),
    ("More than 330,000 people are displaced in Idlib.",
     {"measure": "displaced", "group": "all", "value": 330000, "qualifier": "more than", "kind": "stock",
      "place": "Idlib Province"}),
    ("About 3 million people are living in the area.",
     {"measure": "population", "group": "all", "value": 3000000, "qualifier": "about", "kind": "stock"}),
    ("Up to 400 fighters were detained since June 2, 2019.",
     {"measure": "detained", "group": "combatants", "value": 400, "qualifier": "up to", "kind": "running-total",
      "since": "2019-06-02"}),
])
def test_one_figure_per_counted_thing(sentence: str, expected: dict) -> None:
    assert one(sentence) == expected | {"review": "pending"}


def test_a_subgroup_names_its_parent_and_a_vague_baseline_says_how_it_was_read() -> None:
    sentence = "At least 544 civilians, including 130 children, have been killed in Idlib since late April."
    whole, part = suggest_figures([sentence], DAY, PLACES)
    assert whole.figure == {"measure": "killed", "group": "civilians", "value": 544, "qualifier": "at least",
                            "kind": "running-total", "since": "2019-04-21", "place": "Idlib Province",
                            "id": "killed-civilians", "review": "pending"}
    assert part.figure["group"] == "children" and part.figure["value"] == 130
    assert part.figure["parent"] == "killed-civilians"
    assert whole.note == "since: 'late April' read as 2019-04-21: check it"


def test_a_subgroup_after_the_verb_counts_what_its_parent_counts() -> None:
    whole, part = suggest_figures(["At least 1,030 civilians have been killed, including more than 250 children."],
                                  DAY, PLACES)
    assert (part.figure["measure"], part.figure["group"], part.figure["value"], part.figure["qualifier"]) == (
        "killed", "children", 250, "more than")
    assert part.figure["parent"] == whole.figure["id"] == "killed-civilians"


@pytest.mark.parametrize("sentence", [
    "Opposition factions attacked more than 20 regime positions on July 9, 2019.",
    "The front line moved 5 km in 3 days.",
    "In 2019 the offensive began.",
])
def test_numbers_that_count_nothing_known_are_not_suggested(sentence: str) -> None:
    assert suggest_figures([sentence], DAY, PLACES) == []


def test_a_baseline_after_the_bulletin_date_is_last_year() -> None:
    [suggestion] = suggest_figures(["At least 12 civilians have been killed since December 20."], dt.date(2020, 1, 5), {})
    assert suggestion.figure["since"] == "2019-12-20"
