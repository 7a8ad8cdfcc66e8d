"""Event dates in the Library of Congress EDTF notation, the subset a bulletin may use.

An event date is a day (`2019-07-09`), a month (`2019-07`) or a year (`2019`), optionally
qualified as EDTF level 1 allows: approximate (`2019-07~`), uncertain (`2019-07?`), both
(`2019-07%`), or with unspecified digits (`2019-07-0X`: some day from the 1st to the 9th;
`2019-XX`: some month of 2019). `read_edtf` returns the precision the text is written to,
the first and last day it may mean (the strict range: a qualifier widens what the reader
is told, not the bar), and the qualifier in words. Intervals and sets are refused: an event
is one date.

The subset is one pattern and a calendar check, read here: the `edtf` package's grammar cost
about 10 ms a date, could not compute partly unspecified digits, and crashed (AttributeError)
on some well-formed ones such as `2019-0X` (a month from January to September).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass


#: What the format accepts, for the JSON Schema: YYYY[-MM[-DD]] with X for unknown digits and ? ~ % after.
EDTF_PATTERN = r"^[0-9X]{4}(-[0-9X]{2}(-[0-9X]{2})?)?[?~%]?$"
_SHAPE = re.compile(EDTF_PATTERN)
_QUALIFIERS = {"~": "approximate", "?": "uncertain", "%": "uncertain and approximate"}
PRECISIONS = ("year", "month", "day")
_NOT_IN_CALENDAR = "is not a date of the calendar: check the month and day (e.g. 2019-07-09, 2019-07~, 2019-07-0X)"


@dataclass(frozen=True)
class EdtfDate:
    """One event date: its precision, the first and last day it may mean, and its qualifier ('' when exact)."""

    precision: str
    start: dt.date
    end: dt.date
    qualifier: str


class EdtfError(ValueError):
    """A date that is not an EDTF day, month or year; the message says how to write it."""


@functools.lru_cache(maxsize=8192)
def read_edtf(text: str) -> EdtfDate:
    """Read `text` (see the module's docstring); raise `EdtfError` with a fix when it is malformed."""
    text = text.strip()
    if not _SHAPE.match(text):
        raise EdtfError(f"'{text}' is not a date: write YYYY-MM-DD, YYYY-MM or YYYY, optionally with ~ "
                        f"(approximate), ? (uncertain), % (both) after it, or X for unknown digits (2019-07-0X)")
    mark = text[-1] if text[-1] in _QUALIFIERS else ""
    parts = text.removesuffix(mark).split("-")
    qualifier = _QUALIFIERS.get(mark, "")
    if any("X" in part for part in parts):
        qualifier = ", ".join(filter(None, ["some digits unknown", qualifier]))
    start, end = _bounds(parts, text)
    return EdtfDate(PRECISIONS[len(parts) - 1], start, end, qualifier)


def _bounds(parts: list[str], text: str) -> tuple[dt.date, dt.date]:
    """The first and last calendar day that the digits (X for any digit) allow."""
    year_low, year_high = int(parts[0].replace("X", "0")), int(parts[0].replace("X", "9"))
    month_low, month_high = _digits(parts[1], 12, text) if len(parts) > 1 else (1, 12)
    last_day = calendar.monthrange(year_high, month_high)[1]
    if len(parts) < 3:
        return dt.date(year_low, month_low, 1), dt.date(year_high, month_high, last_day)
    day_low, _ = _digits(parts[2], 31, text)
    _, day_high = _digits(parts[2], last_day, text)
    try:
        return dt.date(year_low, month_low, day_low), dt.date(year_high, month_high, day_high)
    except ValueError:
        raise EdtfError(f"'{text}' {_NOT_IN_CALENDAR}") from None


def _digits(part: str, high: int, text: str) -> tuple[int, int]:
    """The smallest and largest number in 1..high that a two-digit part with X wildcards can be."""
    fits = [n for n in range(1, high + 1) if all(c in ("X", d) for c, d in zip(part, f"{n:02d}"))]
    if not fits:
        raise EdtfError(f"'{text}' {_NOT_IN_CALENDAR}")
    return fits[0], fits[-1]
