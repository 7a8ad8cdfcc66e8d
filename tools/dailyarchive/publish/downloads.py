"""`invoke build --formats html,pdf,epub,zip`: the books, the site with its downloads page, the zip, SHA256SUMS.

The books (a PDF per volume, an EPUB per series) are built first, from the archive, so the
site's downloads page can list them; then the HTML site; then the books are installed into
`html/downloads/`, the offline zip is written there, and `SHA256SUMS` lists every file of the
folder (`sha256sum -c SHA256SUMS` passes in it).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ..model.errors import DailyArchiveError
from ..archivist.sha256sum import format_line
from ..build.stage import remove_stale, write_if_changed
from ._manifest import SUMS, DownloadFile
from .data import DOWNLOAD_DIR
from .html import BuildResult, build
from .offline import write_zip

FORMATS = ("html", "pdf", "epub", "zip")
ZIP_CONTENTS = "the whole site for reading offline: unzip it and open index.html (search and charts work)"
Say = Callable[[str], None]


class UnknownFormat(DailyArchiveError):
    """A format `invoke build --formats` does not make."""


@dataclass
class FormatsResult:
    """What one build made: the HTML build's result, the books installed, the zip and the checksum list."""

    html: BuildResult | None = None
    books: list[Path] = field(default_factory=list)
    zip: Path | None = None
    sums: Path | None = None


def parse_formats(text: str) -> tuple[str, ...]:
    """`html,pdf` → ('html', 'pdf'); UnknownFormat names what is not one of FORMATS."""
    chosen = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip())) or FORMATS
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        raise UnknownFormat(f"unknown format {', '.join(unknown)}: choose among {', '.join(FORMATS)}")
    return chosen


def zip_name(archive: Path) -> str:
    """The offline zip's file name: `<first series>-offline.zip` (or `archive-offline.zip`)."""
    series = sorted(p.name for p in archive.iterdir() if p.is_dir() and not p.name.startswith(".")) if archive.is_dir() else []
    return f"{series[0] if len(series) == 1 else 'archive'}-offline.zip"


def build_formats(archive: Path, out: Path, docs: Path, formats: tuple[str, ...] = FORMATS,
                  years: set[int] | None = None, strict: bool = False, jobs: int | None = None,
                  scheduler: str | None = None, status: TextIO | None = sys.stdout,
                  warning: TextIO | None = sys.stderr, say: Say | None = None) -> FormatsResult:
    """Build the chosen formats into `out` (see the module's docstring); `years` limits the PDFs."""
    result = FormatsResult()
    books: list[tuple[Path, DownloadFile]] = []
    if "pdf" in formats:
        from .pdf import build_pdfs

        for pdf in build_pdfs(archive, out / "pdf", docs, years=years, say=say):
            books.append((pdf.path, DownloadFile.of_path(pdf.path, pdf.contents)))
    if "epub" in formats:
        from .epub import build_epubs

        for epub in build_epubs(archive, out / "epub", docs, say=say):
            books.append((epub.path, DownloadFile.of_path(epub.path, epub.contents)))
    listed = [row for _, row in books]
    if "zip" in formats:
        listed.append(DownloadFile(zip_name(archive), ZIP_CONTENTS))
    if "html" in formats or "zip" in formats:
        result.html = build(archive, out, docs, "html", warnings_as_errors=strict, status=status, warning=warning,
                            jobs=jobs, scheduler=scheduler, downloads=tuple(listed))
        if result.html.status:
            return result
    folder = out / "html" / DOWNLOAD_DIR
    if not folder.parent.is_dir():
        result.books = [path for path, _ in books]
        return result
    result.books = install_books(folder, [path for path, _ in books])
    if "zip" in formats:
        result.zip = folder / zip_name(archive)
        write_zip(out / "html", result.zip)
    made = [*result.books, *([result.zip] if result.zip else [])]
    drop_stale(folder, made, out / "stage" / "books.txt", keep=years is not None or "html" not in formats)
    result.sums = write_sums(folder)
    return result


def install_books(folder: Path, books: list[Path]) -> list[Path]:
    """Copy the books into the downloads folder (only what changed, each through a temporary file)."""
    folder.mkdir(parents=True, exist_ok=True)
    installed = []
    for book in books:
        target = folder / book.name
        if not target.is_file() or target.stat().st_size != book.stat().st_size or \
                target.read_bytes() != book.read_bytes():
            temporary = target.with_name(f".{target.name}.tmp")
            shutil.copyfile(book, temporary)
            temporary.replace(target)
        installed.append(target)
    return installed


def drop_stale(folder: Path, made: list[Path], manifest: Path, keep: bool = False) -> None:
    """Delete the books and zips an earlier build put into `folder` that this one did not make (unless `keep`:
    a build of some years or formats only), so the folder holds what the downloads page lists."""
    names = [f"{DOWNLOAD_DIR}/{p.name}" for p in made]
    if keep and manifest.is_file():
        names = sorted(set(names) | set(manifest.read_text(encoding="utf-8").split()))
    remove_stale(folder.parent, names, manifest)


def write_sums(folder: Path) -> Path:
    """`SHA256SUMS` of every file in `folder` (sorted by name), as `sha256sum` writes it."""
    import hashlib

    lines = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.name != SUMS and not p.name.startswith(".")):
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        lines.append(format_line(digest.hexdigest(), path.name))
    target = folder / SUMS
    write_if_changed(target, b"".join(lines))
    return target
