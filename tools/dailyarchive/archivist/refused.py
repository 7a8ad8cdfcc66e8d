"""Why the archivist's commands refuse to change the record (each message says how to go on)."""

from __future__ import annotations

from ..model.errors import DailyArchiveError


class Refused(DailyArchiveError):
    """A command refused to write: nothing was changed."""


class SeriesUnknown(Refused):
    """The series is not in series.yml."""


class DateInFuture(Refused):
    """The bulletin's date lies after today."""


class NoSlug(Refused):
    """The title gives no letters or digits for the folder name."""


class BulletinExists(Refused):
    """A bulletin with this id is already in the archive (it is never overwritten)."""


class BulletinNotFound(Refused):
    """No bulletin of the archive has this id or folder."""
