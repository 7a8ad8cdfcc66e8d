"""The offline copy: the whole HTML site as one zip that works unzipped, from `file://`.

The site's pages link each other with relative URLs and load only files of their own (the
Content-Security-Policy allows nothing else), so the zip is the HTML output as it is, inside
one folder, less the large downloads that are offered beside it (PDF, EPUB, the zip itself).
Entries are sorted and dated by a fixed time, so the same site gives the same bytes.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from .data import DOWNLOAD_DIR

#: Downloads left out of the zip (offered beside it; SHA256SUMS is written after the zip).
LEFT_OUT = {".pdf", ".epub", ".zip"}
SUMS_NAME = "SHA256SUMS"
#: Every entry's time (zip times start in 1980): the same files give the same zip.
ENTRY_TIME = (2000, 1, 1, 0, 0, 0)


def offline_files(html: Path) -> list[Path]:
    """The files of the site that go into the zip, sorted."""
    files = []
    for path in sorted(html.rglob("*")):
        relative = path.relative_to(html)
        if not path.is_file() or path.name.startswith(".") or any(p.startswith(".") for p in relative.parts):
            continue
        if relative.parts[0] == DOWNLOAD_DIR and (path.suffix in LEFT_OUT or path.name == SUMS_NAME):
            continue
        files.append(path)
    return files


def write_zip(html: Path, target: Path, folder: str = "") -> int:
    """Zip the site at `html` into `target` (entries under `folder/`, default the zip's stem); the entry count.

    Written to a temporary file beside `target` and moved into place, so a failed run leaves the old zip.
    """
    folder = folder or target.stem
    temporary = target.with_name(f".{target.name}.tmp")
    files = offline_files(html)
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            for path in files:
                info = zipfile.ZipInfo(f"{folder}/{path.relative_to(html).as_posix()}", date_time=ENTRY_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, path.read_bytes())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return len(files)
