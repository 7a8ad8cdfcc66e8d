"""dailyarchive: keep a daily record as versioned MyST bulletins and publish it with Sphinx."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from .catalog.catalog import Catalog, build_catalog
from .model.errors import ArchiveInvalid, ArchiveNotFound, DailyArchiveError, Problem, has_errors
from .model.load import LoadedArchive, load_archive
from .archivist.fixity import sealed_problems
from .catalog.rules import check, check_folder, ordered

__all__ = [
    "ArchiveInvalid", "ArchiveNotFound", "Catalog", "DailyArchiveError", "LoadedArchive", "Problem",
    "build_catalog", "check", "check_archive", "has_errors", "load_archive", "load_catalog",
]


def check_archive(root: Path | str, today: dt.date | None = None, workers: int | None = None) -> list[Problem]:
    """Every problem of the archive at `root`, errors and warnings, sorted by file and line.

    Large archives are read in `workers` processes (default: one per CPU); the result is the same.
    Sealed files are final: one whose bytes changed since `invoke seal` is an error (`fixity.sealed_problems`).
    """
    problems = check_folder(root, today, workers=workers or os.cpu_count() or 1)
    return ordered([*problems, *sealed_problems(Path(root))])


def load_catalog(root: Path | str, today: dt.date | None = None, strict: bool = False) -> Catalog:
    """The Catalog of the archive at `root`; with `strict`, raise ArchiveInvalid on any error."""
    archive = load_archive(root)
    if strict:
        problems = check(archive, today)
        if has_errors(problems):
            raise ArchiveInvalid(problems)
    return build_catalog(archive)
