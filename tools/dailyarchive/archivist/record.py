"""What the archivist's commands need to know of the record: series, bulletin folders, slugs."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from slugify import slugify

from ..model.load import load_archive
from ..model.schema import Series
from .refused import DateInFuture, NoSlug, SeriesUnknown

#: A bulletin folder's name: `<date>-<slug>`.
FOLDER_NAME = re.compile(r"^(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)$")
#: Slugs are cut at a word boundary below this length (URLs stay readable).
SLUG_MAX = 60


def slug_for(title: str) -> str:
    """The folder slug of a title: transliterated to ASCII, lower case, hyphens; stable for a title."""
    slug = slugify(title, max_length=SLUG_MAX, word_boundary=True, save_order=True)
    if not slug:
        raise NoSlug(f"the title {title!r} has no letters or digits to name the folder: write a title in words")
    return slug


def known_series(root: Path, series: str) -> Series:
    """The series `series` of the archive at `root`, or SeriesUnknown naming the known ones."""
    known = load_archive(root, versions=False).series
    if series not in known:
        names = ", ".join(sorted(known)) or "none yet"
        raise SeriesUnknown(f"series '{series}' is not in {root / 'series.yml'} (known: {names}): "
                            "add it there or fix --series")
    return known[series]


def not_in_future(date: dt.date, today: dt.date) -> dt.date:
    """`date`, or DateInFuture when it lies after `today`."""
    if date > today:
        raise DateInFuture(f"{date} is in the future (today is {today}): a bulletin reports what has happened")
    return date


def bulletin_folders(root: Path, series: str) -> dict[str, Path]:
    """Every bulletin folder of a series, by bulletin id, in date order."""
    found: dict[str, Path] = {}
    base = root / series
    if not base.is_dir():
        return found
    for year in sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        for folder in sorted(p for p in year.iterdir() if p.is_dir() and FOLDER_NAME.match(p.name)):
            found[f"{series}/{folder.name}"] = folder
    return found


def see_also_target(bulletin_id: str, ids: set[str] | dict[str, Path]) -> str:
    """How a see_also names a bulletin: its date when no other bulletin of the series shares it, else its id."""
    date = bulletin_id.split("/", 1)[1][:10]
    prefix = bulletin_id[: bulletin_id.index("/") + 11]
    same_day = [other for other in ids if other.startswith(prefix)]
    return date if len(same_day) == 1 else bulletin_id


def folder_of(root: Path, series: str, date: dt.date, slug: str) -> Path:
    """`<root>/<series>/<year>/<date>-<slug>`."""
    return root / series / f"{date.year:04d}" / f"{date.isoformat()}-{slug}"
