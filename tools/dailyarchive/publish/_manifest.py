"""The table of the downloads page: each file of `downloads/` with its size, build date, SHA-256 and contents.

`publish.html` stages it into the site project (`addresses.DOWNLOADS_MANIFEST`) from the data
downloads the stager made and the books built before the site (PDF, EPUB); the
`dailyarchive-downloads` directive renders it. The offline zip contains this page, so its own
row cannot hold its checksum: `SHA256SUMS` beside the files has it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..model.memo import Kept
from .data import DOWNLOAD_DIR

#: What each data download holds (the data dictionary describes their columns).
DATA_CONTENTS = {
    "bulletins.csv": "one row per bulletin (its latest version)",
    "versions.csv": "one row per version, corrections included",
    "figures.csv": "one row per reported figure of every version",
    "events.csv": "one row per reported event of every version",
    "series.csv": "the charted series, one row per point",
    "archive.sqlite": "the same five tables in one SQLite database (query it with `invoke datasette`)",
    "datapackage.json": "the Frictionless data package describing the CSV files: types, descriptions, keys",
}
SUMS = "SHA256SUMS"


@dataclass(frozen=True)
class DownloadFile:
    """One file of the downloads folder, as the page lists it (sha256 '' when the page cannot know it)."""

    name: str
    contents: str
    size: int = 0
    sha256: str = ""
    built: str = ""

    @classmethod
    def of(cls, name: str, data: bytes, contents: str, built: dt.date) -> DownloadFile:
        """The row of a file whose bytes are known."""
        return cls(name, contents, len(data), hashlib.sha256(data).hexdigest(), built.isoformat())

    @classmethod
    def of_path(cls, path: Path, contents: str, name: str = "") -> DownloadFile:
        """The row of a built file (its build date: the file's modification date, UTC)."""
        built = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).date()
        return cls.of(name or path.name, path.read_bytes(), contents, built)


def manifest_json(outputs: dict[str, str | bytes | Kept], built: tuple[DownloadFile, ...], today: dt.date) -> str:
    """The downloads page's table: the books first, then the data downloads among the stager's `outputs`."""
    rows = list(built)
    prefix = f"{DOWNLOAD_DIR}/"
    downloads = {path.removeprefix(prefix): content for path, content in outputs.items()  # not sorted whole: 50,000
                 if path.startswith(prefix) and "/" not in path.removeprefix(prefix)}
    for name, content in sorted(downloads.items()):
        contents = DATA_CONTENTS.get(name, "data")
        if isinstance(content, Kept):  # a file of the cache, its digest known: not read again
            rows.append(DownloadFile(name, contents, os.path.getsize(content.path), content.sha256, today.isoformat()))
        else:
            rows.append(DownloadFile.of(name, content.encode("utf-8") if isinstance(content, str) else content,
                                        contents, today))
    return json.dumps([row.__dict__ for row in rows], indent=1, ensure_ascii=False) + "\n"
