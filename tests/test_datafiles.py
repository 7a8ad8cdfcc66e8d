"""Download files made again from the last build's where their rows are unchanged equal files made from nothing."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from helpers import write_bulletin

from dailyarchive import load_catalog
from dailyarchive.catalog.rules import check
from dailyarchive.model.load import load_archive
from dailyarchive.publish.data import data_tables
from dailyarchive.publish.datafiles import DATABASE, Runs, row_hashes, table_files, write_table_files
from dailyarchive.site.chartset import series_points

KILLED = {"measure": "killed", "group": "civilians", "kind": "running-total", "since": "2019-07-01",
          "place": "Idlib Province"}


def tables_of(archive: Path) -> dict[str, pd.DataFrame]:
    """The download tables of `archive`, as a build makes them."""
    catalog = load_catalog(archive)
    points, excluded = series_points(catalog, check(load_archive(archive)))
    return data_tables(catalog, points, excluded)


def files_in(folder: Path) -> dict[str, bytes]:
    """The files `write_table_files` left in `folder`, by name."""
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def kept_and_fresh(archive: Path, folder: Path, last: dict[str, Runs],
                   tmp_path: Path) -> tuple[dict[str, Runs], dict[str, bytes], list[str]]:
    """The runs written into `folder` over the files `last` describes, the files made from nothing, and the keys
    of the figures' runs made again."""
    tables = tables_of(archive)
    _, runs = write_table_files(tables, folder, last)
    before = dict(zip(last["figures"].keys, last["figures"].digests))
    remade = [k for k, d in zip(runs["figures"].keys, runs["figures"].digests) if before.get(k) != d]
    return runs, table_files(tables), remade


def test_kept_runs_give_the_bytes_of_a_fresh_build_through_additions_corrections_and_removals(archive, tmp_path):
    write_bulletin(archive, date="2019-07-09", slug="first", title='A "quoted", تقرير <b>&amp;</b> \\emph{x}',
                   figures=[{**KILLED, "value": 10, "qualifier": "at least"}])
    write_bulletin(archive, date="2019-07-10", slug="second", figures=[{**KILLED, "value": 12}])
    folder = tmp_path / "files"
    _, runs = write_table_files(tables_of(archive), folder)
    steps = [
        lambda: write_bulletin(archive, date="2019-07-11", slug="third", figures=[{**KILLED, "value": 15}]),
        lambda: write_bulletin(archive, date="2019-07-09", slug="first", version=2,
                               figures=[{**KILLED, "value": 11, "qualifier": "about"}]),
        lambda: shutil.rmtree(archive / "test-daily" / "2019" / "2019-07-10-second"),
        lambda: write_bulletin(archive, date="2020-01-02", slug="next-year", summary="Right to left: مرحبا",
                               figures=[{**KILLED, "value": 9, "low": 8.5, "high": 20}]),
    ]
    made_again = []
    for step in steps:
        step()
        runs, fresh, remade = kept_and_fresh(archive, folder, runs, tmp_path)
        assert files_in(folder) == fresh
        made_again.append(remade)
    first, third = "test-daily/2019-07-09-first", "test-daily/2019-07-11-third"
    assert made_again[0] == [third]  # a new bulletin writes its own rows only
    assert made_again[1] == [first]  # a correction: the corrected bulletin's rows
    assert made_again[2] == []  # a removal writes nothing, its rows go
    assert made_again[3] == ["test-daily/2020-01-02-next-year"]
    with sqlite3.connect(folder / DATABASE) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("SELECT count(*) FROM bulletins").fetchone() == (3,)


def test_a_changed_column_type_or_damaged_last_files_make_the_table_whole(archive, tmp_path):
    write_bulletin(archive, date="2019-07-09", slug="first", figures=[{**KILLED, "value": 10}])
    tables, folder = tables_of(archive), tmp_path / "files"
    _, runs = write_table_files(tables, folder)
    files = files_in(folder)
    tables["figures"]["line"] = tables["figures"]["line"].astype(float)  # another schema: kept runs do not fit it
    written, again = write_table_files(tables, folder, runs)
    assert files_in(folder) == table_files(tables) and "figures.csv" in written
    assert ".0," in files_in(folder)["figures.csv"].decode()
    write_table_files(tables_of(archive), folder, again)
    assert files_in(folder) == files
    figures = folder / "figures.csv"
    figures.write_bytes(figures.read_bytes()[:-5])  # not the length its runs say
    written, _ = write_table_files(tables_of(archive), folder, runs)
    assert files_in(folder) == files and written == set(files)
    (folder / DATABASE).unlink()  # a database gone: the rows it held cannot be kept
    written, _ = write_table_files(tables_of(archive), folder, runs)
    assert files_in(folder) == files and written == set(files)


def test_a_failure_leaves_the_last_files_and_nothing_beside_them(archive, tmp_path):
    write_bulletin(archive, date="2019-07-09", slug="first", figures=[{**KILLED, "value": 10}])
    folder = tmp_path / "files"
    _, runs = write_table_files(tables_of(archive), folder)
    files = files_in(folder)
    write_bulletin(archive, date="2019-07-10", slug="second", figures=[{**KILLED, "value": 12}])
    tables = tables_of(archive)
    tables["series"].loc[len(tables["series"]) - 1, "bulletin_id"] = "test-daily/none"  # a key no figure has
    with pytest.raises(ValueError, match="foreign keys"):
        write_table_files(tables, folder, runs)
    assert sorted(path.name for path in folder.iterdir()) == sorted(files)
    assert files_in(folder)[DATABASE] == files[DATABASE]


def test_rows_out_of_key_order_are_one_run_and_are_made_whole_next_time(archive, tmp_path):
    for day in ("2019-07-09", "2019-07-10"):
        write_bulletin(archive, date=day, slug=f"b-{day}", figures=[{**KILLED, "value": int(day[-2:])}])
    tables, folder = tables_of(archive), tmp_path / "files"
    tables["figures"] = pd.concat([tables["figures"].iloc[[1]], tables["figures"].iloc[[0]],
                                   tables["figures"].iloc[[1]].assign(figure_index=9)], ignore_index=True)
    tables["series"] = tables["series"].iloc[:0]
    _, runs = write_table_files(tables, folder)
    assert runs["figures"].keys == [""] and runs["figures"].schema == ""
    again = tables_of(archive)
    write_table_files(again, folder, runs)
    assert files_in(folder) == table_files(again)


def test_cells_that_print_alike_but_differ_in_type_hash_apart_and_missing_values_alike():
    frame = pd.DataFrame({"a": pd.Series([1, "1", 1.0, None, float("nan"), pd.NA, "None"], dtype=object)})
    hashes = row_hashes(frame).tolist()
    assert len(set(hashes[:3])) == 3 and hashes[3] == hashes[4] == hashes[5] != hashes[6]


def test_without_the_kernels_copy_the_kept_runs_are_read_and_written(archive, tmp_path, monkeypatch):
    write_bulletin(archive, date="2019-07-09", slug="first", figures=[{**KILLED, "value": 10}])
    folder = tmp_path / "files"
    _, runs = write_table_files(tables_of(archive), folder)
    write_bulletin(archive, date="2019-07-10", slug="second", figures=[{**KILLED, "value": 12}])

    def unsupported(*args: object) -> int:
        raise OSError(errno.EXDEV, "copy_file_range: not across these file systems")

    monkeypatch.setattr(os, "copy_file_range", unsupported)  # as on a file system or system without it
    written, _ = write_table_files(tables_of(archive), folder, runs)
    assert "figures.csv" in written and files_in(folder) == table_files(tables_of(archive))
