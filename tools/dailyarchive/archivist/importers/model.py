"""What a reader makes of one legacy bulletin, before the archive's rules are applied to it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path


class ImportRefused(Exception):
    """An input (or one item of it) cannot become a bulletin; the message says why and how to fix it."""


@dataclass
class SeeAlso:
    """A "See also Series, July 5: headline" line, resolved to a date of the bulletin's year."""

    markdown: str  #: the paragraph as it stands in the body
    series: str  #: the series named in the line ('' when none)
    date: dt.date
    headline: str


@dataclass
class ImportedBulletin:
    """One bulletin read from an input: Markdown paragraphs and what was inferred about it.

    `date_from` says where the date came from (metadata, file name, caption, dateline); `notes`
    are what the report tells the archivist (inferred, dropped); `refusal` is set when this item
    cannot be written.
    """

    source: Path
    item: str = ""  #: which part of the input (a WordPress post), empty for a one-bulletin file
    title: str = ""
    date: dt.date | None = None
    date_from: str = ""
    caption: str = ""
    paragraphs: list[str] = field(default_factory=list)  #: Markdown blocks, already sanitised
    see_also: list[SeeAlso] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)  #: proposed by the input (WordPress categories and tags)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    refusal: str = ""

    @property
    def label(self) -> str:
        """How the report names this input: `file` or `file: item`."""
        return f"{self.source}: {self.item}" if self.item else str(self.source)


@dataclass
class Reading:
    """What a reader made of one input file: its bulletins and the items it skipped, as (item, why)."""

    bulletins: list[ImportedBulletin] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
