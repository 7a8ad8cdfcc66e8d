"""Download files made again from the last build's where their rows are unchanged equal files made from nothing."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pandas as pd
from helpers import write_bulletin

from dailyarchive import load_catalog
from dailyarchive.catalog.rules import check
from dailyarchive.model.load import load_archive
from dailyarchive.publish.data import data_tables
from dailyarchive.publish.datafiles import DATABASE, LastFiles, Runs, row_hashes, table_files
from dailyarchive.site.chartset import series_points

KILLED = {"measure": "killed", "group": "civilians", "kind": "running-total", "since": "2019-07-01",
          "place": "Idlib Province"}


def tables_of(archive: Path) -> dict[str, pd.DataFrame]:
    """The download tables of `archive`, as a build makes them."""
    catalog = load_catalog(archive)
    points, excluded = series_points(catalog, check(load_archive(archive)))
    return data_tables(catalog, points, excluded)


def last_of(files: dict[str, bytes], runs: dict[str, Runs]) -> LastFiles:
    """What `table_files` made, as the next build reads it back."""
    return LastFiles({name: data for name, data in files.items() if name.endswith(".csv")}, files[DATABASE], runs)


def kept_and_fresh(archive: Path, last: LastFiles) -> tuple[dict[str, bytes], dict[str, bytes], list[str]]:
    """The files made from `last`, the files made from nothing, and the keys of the figures' runs made again."""
    tables = tables_of(archive)
    kept, runs = table_files(tables, last)
    fresh, _ = table_files(tables)
    before = dict(zip(last.runs["figures"].keys, last.runs["figures"].digests))
    remade = [k for k, d in zip(runs["figures"].keys, runs["figures"].digests) if before.get(k) != d]
    return kept, fresh, remade


def test_kept_runs_give_the_bytes_of_a_fresh_build_through_additions_corrections_and_removals(archive):
    write_bulletin(archive, date="2019-07-09", slug="first", title='A "quoted", تقرير <b>&amp;</b> \\emph{x}',
                   figures=[{**KILLED, "value": 10, "qualifier": "at least"}])
    write_bulletin(archive, date="2019-07-10", slug="second", figures=[{**KILLED, "value": 12}])
    files, runs = table_files(tables_of(archive))
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
        kept, fresh, remade = kept_and_fresh(archive, last_of(files, runs))
        assert kept == fresh
        made_again.append(remade)
        files, runs = table_files(tables_of(archive), last_of(files, runs))
    first, third = "test-daily/2019-07-09-first", "test-daily/2019-07-11-third"
    assert made_again[0] == [third]  # a new bulletin writes its own rows only
    assert made_again[1] == [first]  # a correction: the corrected bulletin's rows
    assert made_again[2] == []  # a removal writes nothing, its rows go
    assert made_again[3] == ["test-daily/2020-01-02-next-year"]
    with sqlite3.connect(":memory:") as connection:
        connection.deserialize(files[DATABASE])
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("SELECT count(*) FROM bulletins").fetchone() == (3,)


def test_a_changed_column_type_or_damaged_last_files_make_the_table_whole(archive):
    write_bulletin(archive, date="2019-07-09", slug="first", figures=[{**KILLED, "value": 10}])
    tables = tables_of(archive)
    files, runs = table_files(tables)
    tables["figures"]["line"] = tables["figures"]["line"].astype(float)  # another schema: kept runs do not fit it
    kept, _ = table_files(tables, last_of(files, runs))
    assert kept == table_files(tables)[0]
    assert b"\n" in kept["figures.csv"] and ".0," in kept["figures.csv"].decode()
    damaged = last_of(files, runs)
    damaged.texts["figures.csv"] = damaged.texts["figures.csv"][:-5]  # not the length its runs say
    assert table_files(tables_of(archive), damaged)[0] == files


def test_rows_out_of_key_order_are_one_run_and_are_made_whole_next_time(archive):
    for day in ("2019-07-09", "2019-07-10"):
        write_bulletin(archive, date=day, slug=f"b-{day}", figures=[{**KILLED, "value": int(day[-2:])}])
    tables = tables_of(archive)
    tables["figures"] = pd.concat([tables["figures"].iloc[[1]], tables["figures"].iloc[[0]],
                                   tables["figures"].iloc[[1]].assign(figure_index=9)], ignore_index=True)
    tables["series"] = tables["series"].iloc[:0]
    files, runs = table_files(tables)
    assert runs["figures"].keys == [""] and runs["figures"].schema == ""
    again = tables_of(archive)
    assert table_files(again, last_of(files, runs))[0] == table_files(again)[0]


def test_cells_that_print_alike_but_differ_in_type_hash_apart_and_missing_values_alike():
    frame = pd.DataFrame({"a": pd.Series([1, "1", 1.0, None, float("nan"), pd.NA, "None"], dtype=object)})
    hashes = row_hashes(frame).tolist()
    assert len(set(hashes[:3])) == 3 and hashes[3] == hashes[4] == hashes[5] != hashes[6]
