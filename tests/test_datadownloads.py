"""A build's data downloads are kept in its cache, and the next build trusts them only as they were written."""

from __future__ import annotations

from pathlib import Path

from helpers import write_bulletin

from dailyarchive import load_catalog
from dailyarchive.build.datadownloads import DOWNLOADS_CACHE, data_downloads, last_files
from dailyarchive.catalog.rules import check
from dailyarchive.model.load import load_archive
from dailyarchive.publish.datafiles import download_files
from dailyarchive.site.chartset import series_points

KILLED = {"measure": "killed", "group": "civilians", "kind": "running-total", "since": "2019-07-01",
          "place": "Idlib Province"}


def downloads(archive: Path, cache: Path) -> dict[str, bytes]:
    """The data downloads of `archive` made with `cache`, read back from the files they name."""
    catalog = load_catalog(archive)
    made = data_downloads(catalog, check(load_archive(archive)), "", cache)
    return {name: Path(kept.path).read_bytes() for name, kept in made.items()}  # type: ignore[union-attr]


def fresh(archive: Path) -> dict[str, bytes]:
    """The CSV and SQLite downloads of `archive`, made from nothing."""
    catalog = load_catalog(archive)
    return download_files(catalog, *series_points(catalog, check(load_archive(archive))))


def test_kept_downloads_come_back_and_a_file_changed_since_is_made_again(archive, tmp_path):
    cache = tmp_path / "cache"
    write_bulletin(archive, date="2019-07-09", slug="first", figures=[{**KILLED, "value": 10}])
    first = downloads(archive, cache)
    last = last_files(cache / DOWNLOADS_CACHE)
    assert last is not None and last.texts["figures.csv"] == first["figures.csv"]
    assert last.runs["figures"].keys == ["test-daily/2019-07-09-first"]
    write_bulletin(archive, date="2019-07-10", slug="second", figures=[{**KILLED, "value": 12}])
    second = downloads(archive, cache)
    assert {name: data for name, data in second.items() if name != "datapackage.json"} == fresh(archive)
    kept = cache / DOWNLOADS_CACHE / "texts" / "files" / "figures.csv"
    kept.write_text(kept.read_text(encoding="utf-8").replace("12", "13"), encoding="utf-8")
    assert last_files(cache / DOWNLOADS_CACHE) is None  # changed after its runs were written down
    assert downloads(archive, cache)["figures.csv"] == fresh(archive)["figures.csv"]


def test_a_damaged_record_of_runs_is_not_used(archive, tmp_path):
    cache = tmp_path / "cache"
    write_bulletin(archive, date="2019-07-09", slug="first", figures=[{**KILLED, "value": 10}])
    downloads(archive, cache)
    (cache / DOWNLOADS_CACHE / "runs.json").write_text('{"code": "x", "runs": [', encoding="utf-8")
    assert last_files(cache / DOWNLOADS_CACHE) is None
    assert {name: data for name, data in downloads(archive, cache).items() if name != "datapackage.json"} \
        == fresh(archive)
