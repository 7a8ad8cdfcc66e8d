"""EDTF event dates: precision, the days they may mean, the qualifier in words; malformed ones refused."""

from __future__ import annotations

import datetime as dt

import pytest

from dailyarchive.model.edtfdates import EdtfError, read_edtf
from dailyarchive.model.schema import PartialDate

D = dt.date


@pytest.mark.parametrize(("text", "precision", "start", "end", "qualifier"), [
    ("2019-07~", "month", D(2019, 7, 1), D(2019, 7, 31), "approximate"),
    ("2019-07?", "month", D(2019, 7, 1), D(2019, 7, 31), "uncertain"),
    ("2019-07%", "month", D(2019, 7, 1), D(2019, 7, 31), "uncertain and approximate"),
    ("2019-07-0X", "day", D(2019, 7, 1), D(2019, 7, 9), "some digits unknown"),
    ("2019-02-XX", "day", D(2019, 2, 1), D(2019, 2, 28), "some digits unknown"),
    ("2019-XX", "month", D(2019, 1, 1), D(2019, 12, 31), "some digits unknown"),
    ("2019-0X", "month", D(2019, 1, 1), D(2019, 9, 30), "some digits unknown"),  # the edtf package crashed here
    ("2019-07-09~", "day", D(2019, 7, 9), D(2019, 7, 9), "approximate"),
    ("2019?", "year", D(2019, 1, 1), D(2019, 12, 31), "uncertain"),
])
def test_an_edtf_date_gives_its_precision_range_and_qualifier(text, precision, start, end, qualifier):
    found = read_edtf(text)
    assert (found.precision, found.start, found.end, found.qualifier) == (precision, start, end, qualifier)
    parsed = PartialDate.parse(text)
    assert (parsed.precision, parsed.start, parsed.end, parsed.qualifier, parsed.text) == (
        precision, start, end, qualifier, text)


@pytest.mark.parametrize("text", ["2019-07~~", "2019-13", "2019-02-30", "2019-07-4X", "2019-2X", "2019/2020", "July 2019",
                                  "2019-07-09T10:00", ""])
def test_a_malformed_date_is_refused_with_a_fix(text):
    with pytest.raises(EdtfError, match="2019-07"):
        read_edtf(text)


def test_plain_dates_keep_no_qualifier():
    assert PartialDate.parse("2019-07").qualifier == "" and PartialDate.parse(2019).precision == "year"
