"""Problems found in an archive, the catalogue of rule ids, and the package's exceptions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Level = Literal["error", "warning"]

#: Every rule id `check` can report, with one line of help. Ids are stable:
#: users silence or grep for them, so never rename one.
RULES: dict[str, str] = {
    "file-unreadable": "a file cannot be read (permissions, not UTF-8), or is not a regular file of the archive "
                       "(a symbolic link, a FIFO, a device); a linked folder is not followed (warning)",
    "file-too-large": "a version file is larger than the limit; split the bulletin or move data out",
    "control-character": "a file holds a NUL or another control character (tab, newline and CRLF aside), a "
                         "bidi override, or in YAML any bidi formatting character",
    "yaml-syntax": "the YAML of the front matter or of a gazetteer does not parse (the parser's line and column)",
    "yaml-alias": "YAML anchors (&name) and aliases (*name) are refused: write each value out in full",
    "front-matter-missing": "a version file must start with front matter between two '---' lines",
    "field-required": "a required front-matter field is missing",
    "field-unknown": "a front-matter key the format does not define (often a typo)",
    "field-invalid": "a field has the wrong type or an impossible value, or a key is given twice",
    "field-too-long": "a text or a list is longer than the format allows (docs/format.md, Limits)",
    "date-format": "a date is not YYYY-MM-DD (or YYYY-MM / YYYY, or an EDTF date such as 2019-07~, "
                   "2019-07? or 2019-07-0X, for event dates), or not a calendar day",
    "date-future": "a date lies after today",
    "event-after-bulletin": "an event's date begins after the date of the bulletin that reports it",
    "events-crowded": "more than 1,000 events of the latest versions share one day (warning): check for a "
                      "duplicated import",
    "path-layout": "the file is not at <series>/<year>/<date>-<slug>/vN.md",
    "path-mismatch": "the folder's series, year or date differs from the front matter",
    "version-number": "`version` differs from the file name vN.md",
    "version-gap": "versions of a bulletin must run 1, 2, 3 ... without gaps",
    "revision-missing": "a version above 1 needs `revised` and `revision_note`",
    "revision-date": "`revised` must not be before the bulletin's date or an earlier revision",
    "body-empty": "the Markdown body after the front matter is empty",
    "body-unsafe": "the body uses a construct outside the safe profile (raw, include, eval-rst, a role or "
                   "directive not allowed, a script/data/file URL, a remote image); the build withholds it",
    "series-unknown": "the series is not in series.yml",
    "place-unknown": "a place name is not in places.yml (canonical name or alias)",
    "actor-unknown": "an actor name is not in actors.yml (canonical name or alias)",
    "tag-unknown": "a tag is not in tags.yml (canonical name or alias)",
    "gazetteer-invalid": "series.yml, places.yml, actors.yml or tags.yml is missing, not a list, or has an entry "
                         "that is malformed, repeated, or has an unknown parent or a circle of parents",
    "see-also-unknown": "a see_also target is not a bulletin of the archive",
    "image-missing": "`image` is not the name of a file in the bulletin's folder",
    "caption-without-image": "the latest version has a `caption` but no `image`: the caption of a photo that is not "
                             "there (warning)",
    "duplicate-id": "two folders give the same bulletin id, or two figures the same figure id",
    "figure-bounds": "a figure breaks low <= value <= high",
    "figure-parent": "a subgroup is larger than its parent, or its parent id does not exist",
    "figure-dates": "a figure breaks since <= as_of <= the bulletin's date",
    "figure-kind-mixed": "one series mixes stocks and flows (running totals, increments, windows)",
    "figure-baseline": "a running total or window needs `since`",
    "figure-pending": "a figure an import suggested awaits review (warning): check it against its sentence, then "
                      "remove `review: pending` or delete the figure",
    "running-total-fell": "a running total is lower than in an earlier bulletin of the same series",
    "fixity-altered": "a file sealed in MANIFEST-sha256.txt (a version, a photo, a data file) has changed since: "
                      "a published file is final (`invoke revise` makes a new version instead); check and the "
                      "build fail on it",
    "fixity-missing": "a file sealed in MANIFEST-sha256.txt is gone",
    "fixity-unsealed": "a file of a bulletin is not yet in MANIFEST-sha256.txt (run `invoke seal`)",
    "fixity-manifest-malformed": "a line of MANIFEST-sha256.txt that `sha256sum -c` cannot read, or that names a "
                                 "file outside the archive",
    "fixity-manifest-changed": "sealed lines of MANIFEST-sha256.txt were removed or changed, or it was emptied "
                               "(SEAL-LOG.txt recorded them): the manifest is append-only",
    "fixity-manifest-missing": "MANIFEST-sha256.txt is gone although SEAL-LOG.txt recorded sealed lines",
    "fixity-log-broken": "a line of SEAL-LOG.txt is malformed or does not chain to the line before it",
    "fixity-log-missing": "manifest lines that SEAL-LOG.txt does not record (no log yet, or lines added since "
                          "the last seal) (warning)",
    "fixity-copy-differs": "the manifest or the seal log differs from the copy given to `invoke verify --against`",
}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an archive file, located at `path:line`."""

    path: Path
    line: int
    level: Level
    rule: str
    message: str

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"unknown rule id {self.rule!r}: add it to errors.RULES")

    def format(self, root: Path | None = None) -> str:
        """`path:line: level: message (rule-id)`, with the path relative to `root` when given."""
        path = self.path
        if root is not None:
            try:
                path = self.path.relative_to(root)
            except ValueError:
                pass
        return _printable(f"{path}:{self.line}: {self.level}: {self.message} ({self.rule})")


def _printable(text: str) -> str:
    """Text safe for a terminal: control and format characters (escape sequences, bidi overrides
    from hostile input) are shown as escapes; letters of every script stay as they are."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else (f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}") for c in text)


def has_errors(problems: list[Problem]) -> bool:
    """True when any problem is an error (warnings alone do not fail a check)."""
    return any(p.level == "error" for p in problems)


class DailyArchiveError(Exception):
    """Base of the package's exceptions."""


class ArchiveNotFound(DailyArchiveError):
    """The archive folder does not exist or has no series.yml."""


class ArchiveInvalid(DailyArchiveError):
    """The archive has errors; `problems` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.level == "error"]
        super().__init__(f"the archive has {len(errors)} error(s); run `invoke check` to list them")
