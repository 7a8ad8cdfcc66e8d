"""`invoke new`: a bulletin folder and its first version, made from the template."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..build.locks import hold
from .record import bulletin_folders, folder_of, known_series, not_in_future, see_also_target, slug_for
from .refused import BulletinExists
from .template import first_version
from .writer import write_bulletin_folder


def previous_bulletin(root: Path, series: str, date: dt.date) -> str | None:
    """How a see_also names the series' latest bulletin before `date` (None for the first one)."""
    folders = bulletin_folders(root, series)
    earlier = [bulletin_id for bulletin_id in folders if bulletin_id.split("/", 1)[1][:10] < date.isoformat()]
    return see_also_target(earlier[-1], folders) if earlier else None


def new_bulletin(root: Path, series: str, date: dt.date, title: str, today: dt.date | None = None) -> Path:
    """Create `<series>/<year>/<date>-<slug>/v1.md` under the archive's lock; return its path.

    Refuses (Refused subclasses, nothing written) an unknown series, a date after `today`,
    a title without letters or digits, and a bulletin that already exists.
    """
    known_series(root, series)
    not_in_future(date, today or dt.date.today())
    title = " ".join(title.split())
    slug = slug_for(title)
    with hold(root, "new"):
        folder = folder_of(root, series, date, slug)
        if folder.exists():
            raise BulletinExists(f"{folder} already exists: correct it with `invoke revise {series}/{folder.name}`, "
                                 "or give the new bulletin another title")
        previous = previous_bulletin(root, series, date)
        text = first_version(series, date, title, [previous] if previous else [])
        write_bulletin_folder(folder, {"v1.md": text})
    return folder / "v1.md"
