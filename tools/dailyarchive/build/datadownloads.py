"""The data downloads of a build: made on a worker beside the chart pages, kept in the cache, where the next
build makes again only the rows that changed (`publish.datafiles`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import orjson
import pandas as pd

from ..catalog.catalog import Catalog
from ..model.collector import collector_paused
from ..model.errors import Problem
from ..model.load import file_stamp
from ..model.memo import Kept
from ..publish.data import data_tables
from ..publish.datafiles import Runs, file_names, table_files, write_table_files
from ..publish.datapackage import datapackage_json
from ..site.chartset import series_points
from .stage import TEXTS, write_if_changed
from .volumes import code_digest

#: The folder of the data downloads a build made, in the cache: the files, and `RUNS` beside them.
DOWNLOADS_CACHE = "downloads"
#: What the kept files hold (`publish.datafiles.Runs` of each table) and the stamps they had when written.
RUNS = "runs.json"


@collector_paused()
def data_downloads(catalog: Catalog, problems: list[Problem], dictionary: str = "",
                   cache: Path | None = None) -> dict[str, bytes | Kept]:
    """The data downloads, on a worker beside `chart_pages`: it computes the series again (`series_points`,
    a tenth of the charts' work) so that the two run side by side (`made_downloads`)."""
    points, excluded = series_points(catalog, problems)
    return made_downloads(catalog, points, excluded, dictionary, cache)


def made_downloads(catalog: Catalog, points: pd.DataFrame, excluded: pd.DataFrame, dictionary: str,
                   cache: Path | None) -> dict[str, bytes | Kept]:
    """The data downloads by file name: CSV, SQLite, and the data package that describes the CSVs with the data
    dictionary's text, `dictionary`. With a cache, the files are made again only where their rows changed since
    the last build's, are written into it and are handed back as `Kept` files: their paths and digests, not their
    bytes (80 MB at 10,000 bulletins, which a busy parent takes seconds to receive)."""
    tables = data_tables(catalog, points, excluded)
    package = datapackage_json(catalog, tables, dictionary)
    if cache is None:
        return {**table_files(tables), "datapackage.json": package}
    folder = cache / DOWNLOADS_CACHE
    last = last_downloads(folder)
    written, runs = write_table_files(tables, _files_in(folder), last.runs if last is not None else None)
    digests = {name: file_sha256(_kept_path(folder, name)) if last is None or name in written else last.digests[name]
               for name in file_names(runs)}
    keep_runs(folder, runs, digests)
    write_if_changed(_kept_path(folder, "datapackage.json"), package)
    digests["datapackage.json"] = hashlib.sha256(package).hexdigest()
    return {name: Kept(str(_kept_path(folder, name)), digest, "a data download the build made")
            for name, digest in digests.items()}


@dataclass(frozen=True)
class LastDownloads:
    """What the last build's files of the download tables hold: each table's `Runs`, and each file's sha256."""

    runs: dict[str, Runs]
    digests: dict[str, str]


def keep_runs(folder: Path, runs: dict[str, Runs], digests: dict[str, str]) -> None:
    """Record the runs and digests of the files just kept in `folder`, with the toolkit's digest and each file's
    stamp (a file changed since, or a record of another toolkit, is not used: `last_downloads`)."""
    record = {"code": code_digest(), "digests": digests,
              "stamps": {name: file_stamp(_kept_path(folder, name)) for name in file_names(runs)},
              "runs": {name: table.record() for name, table in runs.items()}}
    write_if_changed(folder / RUNS, orjson.dumps(record))


def last_downloads(folder: Path) -> LastDownloads | None:
    """What the files the last build kept in `folder` hold; None when there are none, or they were made by another
    toolkit, or a file changed after its runs were recorded."""
    try:
        record = orjson.loads((folder / RUNS).read_bytes())
        if record["code"] != code_digest():
            return None
        restored = {name: Runs.restored(table) for name, table in record["runs"].items()}
        runs = {name: table for name, table in restored.items() if table is not None}
        stamps, digests = record["stamps"], record["digests"]
        if len(runs) != len(restored) or any(stamps.get(name) != file_stamp(_kept_path(folder, name))
                                             or not isinstance(digests.get(name), str) for name in file_names(runs)):
            return None
        return LastDownloads(runs, digests)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def file_sha256(path: Path) -> str:
    """The sha256 of the file at `path`, read a piece at a time."""
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _files_in(folder: Path) -> Path:
    """The folder of the download files themselves, in the cache's `folder`."""
    return folder / TEXTS / "files"


def _kept_path(folder: Path, name: str) -> Path:
    return _files_in(folder) / name
