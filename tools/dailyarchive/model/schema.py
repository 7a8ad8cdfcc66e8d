"""Pydantic models of the archive's files: series, gazetteer, version front matter."""

from __future__ import annotations

import datetime as dt
import json
import re
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from .edtfdates import EDTF_PATTERN, EdtfError, read_edtf

DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
PARTIAL_DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
#: An event date in JSON Schema: text, or a bare year (YAML reads `date: 2019` as a number).
PARTIAL_DATE_SCHEMA = {"anyOf": [{"type": "string", "pattern": EDTF_PATTERN},
                                 {"type": "integer", "minimum": 1000, "maximum": 9999}]}


_DAY = re.compile(DATE_PATTERN)
_PARTIAL_DATE = re.compile(PARTIAL_DATE_PATTERN)


def parse_day(value: Any) -> dt.date:
    """Parse a `YYYY-MM-DD` string (or a date) into a date, with a helpful error."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not _DAY.match(text):
        raise _date_error(f"'{text}' is not a date: write it as YYYY-MM-DD, for example 2019-07-09")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _date_error(f"'{text}' is not a day of the calendar: check the month and day") from None


def _date_error(message: str) -> PydanticCustomError:
    """A validation error of type `date_format`, which `check` reports under rule date-format."""
    return PydanticCustomError("date_format", message)


class PartialDate(BaseModel):
    """A date known to the day, the month or the year (`2019-07-09`, `2019-07`, `2019`), or in EDTF (`edtfdates`)."""

    model_config = ConfigDict(frozen=True)

    text: str
    precision: Literal["day", "month", "year"]
    start: dt.date
    end: dt.date
    #: '' for an exact date; else "approximate", "uncertain", "some digits unknown", ...
    qualifier: str = ""

    @classmethod
    def parse(cls, value: Any) -> PartialDate:
        """Read `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; raise ValueError with a fix otherwise."""
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.date):
            value = value.isoformat()
        text = str(value).strip()
        if not _PARTIAL_DATE.match(text):
            return cls._parse_edtf(text)
        parts = [int(p) for p in text.split("-")]
        try:  # model_construct: the fields are built here, valid by construction
            if len(parts) == 3:
                day = dt.date(*parts)
                return cls.model_construct(text=text, precision="day", start=day, end=day)
            if len(parts) == 2:
                first = dt.date(parts[0], parts[1], 1)
                following = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
                return cls.model_construct(text=text, precision="month", start=first,
                                           end=following - dt.timedelta(days=1))
            return cls.model_construct(text=text, precision="year", start=dt.date(parts[0], 1, 1),
                                       end=dt.date(parts[0], 12, 31))
        except ValueError:
            raise _date_error(f"'{text}' is not a day of the calendar: check the month and day") from None

    @classmethod
    def _parse_edtf(cls, text: str) -> PartialDate:
        """A qualified or partly unspecified date (`2019-07~`, `2019-07-0X`), read by `edtfdates`."""
        try:
            found = read_edtf(text)
        except EdtfError as error:
            raise _date_error(str(error)) from None
        return cls.model_construct(text=text, precision=found.precision, start=found.start, end=found.end,
                                   qualifier=found.qualifier)


Day = Annotated[dt.date, BeforeValidator(parse_day), Field(json_schema_extra={"pattern": DATE_PATTERN})]
Vague = Annotated[PartialDate, BeforeValidator(PartialDate.parse)]
Count = Annotated[float, Field(ge=0)]
def _as_list(value: Any) -> Any:
    """One name may stand for a list of one; an empty value (`places:`) for an empty list."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else value


def _as_texts(value: Any) -> Any:
    """Like `_as_list`, with numbers as text (YAML reads `20190705` as a number)."""
    value = _as_list(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list):
        return value  # the schema reports it
    return [str(item) if isinstance(item, (int, float)) and not isinstance(item, bool) else item for item in value]


#: Limits of texts (characters) and lists (items), generous for real bulletins (docs/format.md,
#: "Limits"): a longer one is a `field-too-long` error, so one file cannot make a page of megabytes.
NAME_MAX = 200  #: a place, actor, tag, series or publisher name, a figure's id, measure or group
TITLE_MAX = 300  #: a bulletin's title, a source's title
SUMMARY_MAX = 1_000  #: a summary, a caption
TEXT_MAX = 2_000  #: a revision note, an event's `what`, a description, a URL
ITEMS_MAX = 200  #: names of one list (places, actors, tags, aliases), see_also, sources
ROWS_MAX = 500  #: events, figures
Name = Annotated[str, Field(max_length=NAME_MAX)]
NameList = Annotated[list[Name], BeforeValidator(_as_list), Field(max_length=ITEMS_MAX)]
LinkList = Annotated[list[Annotated[str, Field(max_length=TITLE_MAX)]], BeforeValidator(_as_texts),
                     Field(max_length=ITEMS_MAX)]


class Strict(BaseModel):
    """Base of every model: unknown keys are errors, so typos never pass silently."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Series(Strict):
    """One bulletin series (`series.yml`)."""

    slug: str = Field(pattern=SLUG_PATTERN, description="Folder name and URL part of the series")
    name: str = Field(min_length=1, max_length=NAME_MAX, description="Display name, e.g. Syria Daily")
    publisher: str = Field(min_length=1, max_length=NAME_MAX)
    language: str = Field(default="en", max_length=NAME_MAX, description="BCP 47 language code of the bulletins")
    description: str = Field(default="", max_length=TEXT_MAX)


class GazetteerEntry(Strict):
    """A place, actor or tag with its canonical name and aliases."""

    name: str = Field(min_length=1, max_length=NAME_MAX, description="Canonical name")
    aliases: NameList = Field(default_factory=list, description="Other spellings, other languages")
    parent: Name | None = Field(default=None, description="Canonical name of the enclosing place")
    kind: Name = Field(default="", description="province, town, area, armed group, state, ...")
    description: str = Field(default="", max_length=TEXT_MAX)


class Qualifier(str, Enum):
    """How exactly a bulletin states a number."""

    exact = "exact"
    at_least = "at least"
    more_than = "more than"
    about = "about"
    up_to = "up to"
    vague = "vague"


class FigureKind(str, Enum):
    """Whether a number is a running total, a daily increment, a stock or a window."""

    running_total = "running-total"
    increment = "increment"
    stock = "stock"
    window = "window"


MEASURES = (
    "killed", "injured", "displaced", "displacements", "detained", "facilities-attacked",
    "positions-captured", "vehicles-destroyed", "vehicles-seized", "weapons-seized",
    "casualties", "rescuers-killed", "population", "airstrikes",
)


class Figure(Strict):
    """One number a bulletin reports, with the words that qualify it."""

    id: Name | None = Field(default=None, description="Local name, for `parent` of a subgroup")
    measure: str = Field(pattern=SLUG_PATTERN, max_length=NAME_MAX, description="killed, injured, displaced, ... (" + ", ".join(MEASURES) + ")")
    group: str = Field(default="all", pattern=SLUG_PATTERN, max_length=NAME_MAX, description="civilians, children, combatants, all, ...")
    parent: Name | None = Field(default=None, description="`id` of the figure this one is a subgroup of")
    value: Count | None = Field(default=None, description="The number as reported")
    qualifier: Qualifier = Qualifier.exact
    low: Count | None = Field(default=None, description="Lowest number the bulletin allows")
    high: Count | None = Field(default=None, description="Highest number the bulletin allows")
    text: Name | None = Field(default=None, description="The words of a vague count: scores, dozens ...")
    kind: FigureKind
    since: Day | None = Field(default=None, description="Baseline of a running total, start of a window")
    as_of: Day | None = Field(default=None, description="Defaults to the bulletin's date")
    place: Name | None = None
    reported_by: Name | None = None
    claimed_by: Name | None = None
    review: Literal["pending"] | None = Field(
        default=None, description="`pending` when an import suggested the figure: never charted or published as data "
                                  "until the archivist confirms it (removes `review`)")

    @model_validator(mode="after")
    def _has_a_number(self) -> Figure:
        if self.qualifier is Qualifier.vague:
            if not self.text:
                raise ValueError("a vague figure needs `text` with the bulletin's words (scores, dozens ...)")
        elif self.value is None and self.low is None and self.high is None:
            raise ValueError("a figure needs `value` (or `low`/`high`); for words like 'scores' use qualifier: vague and text")
        return self


class Source(Strict):
    """Who reported what."""

    title: str = Field(min_length=1, max_length=TITLE_MAX)
    publisher: Name | None = None
    url: str | None = Field(default=None, pattern=r"^https?://", max_length=TEXT_MAX)
    accessed: Day | None = None


class Event(Strict):
    """Something that happened, at a place, with a date of day, month or year precision."""

    date: Vague = Field(description="YYYY-MM-DD, YYYY-MM (month precision) or YYYY (year precision); EDTF "
                                    "qualifiers: ~ approximate, ? uncertain, % both, X an unknown digit (2019-07-0X)")
    place: Name | None = None
    actors: NameList = Field(default_factory=list)
    what: str = Field(min_length=1, max_length=TEXT_MAX)


class Version(Strict):
    """Front matter of one version file `vN.md` of a bulletin."""

    series: str = Field(pattern=SLUG_PATTERN)
    date: Day
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    version: int = Field(ge=1)
    revised: Day | None = None
    revision_note: str | None = Field(default=None, max_length=TEXT_MAX)
    summary: str = Field(default="", max_length=SUMMARY_MAX)
    caption: str = Field(default="", max_length=SUMMARY_MAX)
    image: Name | None = None
    illustrative: bool = False
    places: NameList = Field(default_factory=list)
    actors: NameList = Field(default_factory=list)
    tags: NameList = Field(default_factory=list)
    see_also: LinkList = Field(
        default_factory=list, description="Bulletins by date (2019-07-05) or full id (series/2019-07-05-slug)"
    )
    sources: list[Source] = Field(default_factory=list, max_length=ITEMS_MAX)
    events: list[Event] = Field(default_factory=list, max_length=ROWS_MAX)
    figures: list[Figure] = Field(default_factory=list, max_length=ROWS_MAX)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a version's front matter, for editors and validators."""
    schema = Version.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://dailyarchive.invalid/schema/bulletin.schema.json"
    schema["title"] = "dailyarchive bulletin version front matter"
    return _dates_as_strings(schema)


def _dates_as_strings(node: Any) -> Any:
    """YAML dates arrive as strings in a JSON validator: describe them as patterned strings."""
    if isinstance(node, dict):
        if node.get("format") == "date":
            node = {k: v for k, v in node.items() if k != "format"}
            node.setdefault("pattern", DATE_PATTERN)
        if "$ref" in node and node["$ref"].endswith("/PartialDate"):
            return {k: v for k, v in node.items() if k != "$ref"} | PARTIAL_DATE_SCHEMA
        return {k: _dates_as_strings(v) for k, v in node.items() if not (k == "PartialDate")}
    if isinstance(node, list):
        return [_dates_as_strings(v) for v in node]
    return node


def json_schema_text() -> str:
    """The JSON Schema as stable, indented text."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
