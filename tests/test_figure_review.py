"""Figures an import suggested (`review: pending`): a warning in check, never in the catalog's figures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from helpers import line_of, replace_in, write_bulletin

from dailyarchive import check_archive, load_catalog

TODAY = dt.date(2019, 7, 10)
SUGGESTED = {"measure": "killed", "group": "civilians", "value": 544, "qualifier": "at least",
             "kind": "running-total", "since": "2019-04-26", "review": "pending"}
CONFIRMED = {"measure": "injured", "group": "civilians", "value": 2100, "qualifier": "more than",
             "kind": "running-total", "since": "2019-04-26"}


def test_a_pending_figure_is_a_warning_at_its_review_line_until_confirmed(archive: Path) -> None:
    path = write_bulletin(archive, figures=[SUGGESTED, CONFIRMED])
    problems = check_archive(archive, today=TODAY)
    assert [(p.level, p.rule, p.line) for p in problems] == [("warning", "figure-pending", line_of(path, "review:"))]
    assert "killed, civilians: 544" in problems[0].message
    replace_in(path, "  review: pending\n", "")
    assert check_archive(archive, today=TODAY) == []


def test_pending_figures_are_left_out_of_the_catalog(archive: Path) -> None:
    write_bulletin(archive, figures=[SUGGESTED, CONFIRMED])
    figures = load_catalog(archive).figures
    assert list(figures["measure"]) == ["injured"]
    assert list(figures["figure_index"]) == [1]
    assert "review" not in figures.columns


def test_review_takes_only_pending(archive: Path) -> None:
    write_bulletin(archive, figures=[SUGGESTED | {"review": "done"}])
    assert [p.rule for p in check_archive(archive, today=TODAY)] == ["field-invalid"]
