"""The data downloads of a build: made on a worker beside the chart pages, kept in the cache, where the next
build makes again only the rows that changed (`publish.datafiles`)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import orjson
import pandas as pd

from ..catalog.catalog import Catalog
from ..model.collector import collector_paused
from ..model.errors import Problem
from ..model.load import file_stamp
from ..model.memo import Kept
from ..publish.data import data_tables
from ..publish.datafiles import DATABASE, LastFiles, Runs, table_files
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
    bytes (96 MB at 10,000 bulletins, which a busy parent takes seconds to receive)."""
    folder = cache / DOWNLOADS_CACHE if cache is not None else None
    tables = data_tables(catalog, points, excluded)
    last = last_files(folder) if folder is not None else None
    files, runs = table_files(tables, last)
    files["datapackage.json"] = datapackage_json(catalog, tables, dictionary)
    if folder is None:
        return {**files}
    held = {**last.texts, DATABASE: last.database} if last is not None else {}  # what the files hold now
    kept = {name: kept_download(folder, name, data, unchanged=held.get(name) == data) for name, data in files.items()}
    keep_runs(folder, runs)
    return {**kept}


def kept_download(folder: Path, name: str, data: bytes, unchanged: bool = False) -> Kept:
    """The data download `name`, written into the cache's `folder` unless it holds it already (`unchanged`: known
    to, from the bytes `last_files` read, so it is not read again to be compared)."""
    path = _kept_path(folder, name)
    if not unchanged:
        write_if_changed(path, data)
    return Kept(str(path), hashlib.sha256(data).hexdigest(), "a data download the build made")


def keep_runs(folder: Path, runs: dict[str, Runs]) -> None:
    """Record the runs of the files just kept in `folder`, with the toolkit's digest and each file's stamp (a
    file changed since, or a record of another toolkit, is not used: `last_files`)."""
    record = {"code": code_digest(), "stamps": {name: file_stamp(_kept_path(folder, name)) for name in _names(runs)},
              "runs": {name: table.record() for name, table in runs.items()}}
    write_if_changed(folder / RUNS, orjson.dumps(record))


def last_files(folder: Path) -> LastFiles | None:
    """The files the last build kept in `folder`, with their runs; None when there are none, or they were made
    by another toolkit, or a file changed after its runs were recorded."""
    try:
        record = orjson.loads((folder / RUNS).read_bytes())
        if record["code"] != code_digest():
            return None
        restored = {name: Runs.restored(table) for name, table in record["runs"].items()}
        runs = {name: table for name, table in restored.items() if table is not None}
        stamps = record["stamps"]
        if len(runs) != len(restored) or any(
                stamps.get(name) != file_stamp(_kept_path(folder, name)) for name in _names(runs)):
            return None
        texts = {f"{name}.csv": _kept_path(folder, f"{name}.csv").read_bytes() for name in runs}
        return LastFiles(texts, _kept_path(folder, DATABASE).read_bytes(), runs)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _names(runs: dict[str, object]) -> list[str]:
    return [*(f"{name}.csv" for name in runs), DATABASE]


def _kept_path(folder: Path, name: str) -> Path:
    return folder / TEXTS / "files" / name
