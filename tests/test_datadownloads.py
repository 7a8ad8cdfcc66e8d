"""A build's data downloads are kept in its cache, and the next build trusts them only as they were written."""

from __future__ import annotations

import hashlib
from pathlib import Path

from helpers import write_bulletin

from dailyarchive import load_catalog
from dailyarchive.build.datadownloads import DOWNLOADS_CACHE, data_downloads, last_downloads
from dailyarchive.catalog.rules import check
from dailyarchive.model.load import load_archive
from dailyarchive.publish.datafiles import download_files
from dailyarchive.site.chartset import series_points

KILLED = {"measure": "killed", "group": "civilians", "kind": "running-total", "since": "2019-07-01",
          "place": "Idlib Province"}


def downloads(archive: Path, cache: Path) -> dict[str, bytes]:
    """The data downloads of `archive` made with `cache`, read back from the files they name (each the digest it
    is handed back with)."""
    catalog = load_catalog(archive)
    made = data_downloads(catalog, check(load_archive(archive)), "", cache)
    files = {name: Path(kept.path).read_bytes() for name, kept in made.items()}  # type: ignore[union-attr]
    assert {name: hashlib.sha256(data).hexdigest() for name, data in files.items()} == \
        {name: kept.sha256 for name, kept in made.items()}  # type: ignore[union-attr]
    return files


def fresh(archive: Path) -> dict[str, bytes]:
    """The CSV and SQLite downloads of `archive`, made from nothing."""
    catalog = load_catalog(archive)
    return download_files(catalog, *series_points(catalog, check(load_archive(archive))))


def test_kept_downloads_come_back_and_a_file_changed_since_is_made_again(archive, tmp_path):
    cache = tmp_path / "cache"
    write_bulletin(archive, date="2019-07-09", slug="first", figures=[{**KILLED, "value": 10}])
    first = downloads(archive, cache)
    last = last_downloads(cache / DOWNLOADS_CACHE)
    assert last is not None and last.digests["figures.csv"] == hashlib.sha256(first["figures.csv"]).hexdigest()
    assert last.runs["figures"].keys == ["test-daily/2019-07-09-first"]
    write_bulletin(archive, date="2019-07-10", slug="second", figures=[{**KILLED, "value": 12}])
    second = downloads(archive, cache)
    assert {name: data for name, data in second.items() if name != "datapackage.json"} == fresh(archive)
    kept = cache / DOWNLOADS_CACHE / "texts" / "files" / "figures.csv"
    kept.write_text(kept.read_text(encoding="utf-8").replace("12", "13"), encoding="utf-8")
    assert last_downloads(cache / DOWNLOADS_CACHE) is None  # changed after its runs were written down
    assert downloads(archive, cache)["figures.csv"] == fresh(archive)["figures.csv"]


def test_a_damaged_record_of_runs_is_not_used(archive, tmp_path):
    cache = tmp_path / "cache"
    write_bulletin(archive, date="2019-07-09", slug="first", figures=[{**KILLED, "value": 10}])
    downloads(archive, cache)
    (cache / DOWNLOADS_CACHE / "runs.json").write_text('{"code": "x", "runs": [', encoding="utf-8")
    assert last_downloads(cache / DOWNLOADS_CACHE) is None
    assert {name: data for name, data in downloads(archive, cache).items() if name != "datapackage.json"} \
        == fresh(archive)


def test_files_whose_rows_did_not_change_are_not_written_again(archive, tmp_path):
    cache = tmp_path / "cache"
    for version in (1, 2):  # a revision note from the start: the versions table keeps its column types
        write_bulletin(archive, date="2019-07-09", slug="first", version=version, figures=[{**KILLED, "value": 10}])
    downloads(archive, cache)
    files = cache / DOWNLOADS_CACHE / "texts" / "files"
    before = {path.name: path.stat().st_ino for path in files.iterdir()}
    downloads(archive, cache)
    assert {path.name: path.stat().st_ino for path in files.iterdir()} == before  # no file replaced
    write_bulletin(archive, date="2019-07-09", slug="first", version=3, figures=[{**KILLED, "value": 11}])
    downloads(archive, cache)
    after = {path.name: path.stat().st_ino for path in files.iterdir()}
    assert sorted(name for name in after if after[name] != before[name] and name != "datapackage.json") == [
        "archive.sqlite", "bulletins.csv", "figures.csv", "series.csv", "versions.csv"]  # no events: the same
    assert sorted(after) == sorted(before)  # and no temporary file left beside them
