"""Downloads: CSV and SQLite tables, their dictionary, and a chart recomputed from figures.csv alone."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from helpers import write_bulletin

from dailyarchive import load_catalog
from dailyarchive.site.chartset import chart_data
from dailyarchive.model.load import load_archive
from dailyarchive.publish.data import TABLES, data_tables, read_figures_csv
from dailyarchive.publish.datafiles import download_files, sqlite_bytes
from dailyarchive.catalog.rules import check
from dailyarchive.catalog.series import VAGUE_WORDS, build_series

ROOT = Path(__file__).resolve().parents[1]


def test_every_download_exists_with_the_figure_of_9_july(sample_build):
    downloads = sample_build.outdir / "downloads"
    assert sorted(p.name for p in downloads.iterdir()) == [
        "archive.sqlite", "bulletins.csv", "datapackage.json", "events.csv", "figures.csv", "series.csv", "versions.csv"]
    figures = read_figures_csv(downloads / "figures.csv")
    row = figures[(figures["bulletin_id"] == "syria-daily/2019-07-09-northern-latakia-counter-attack")
                  & figures["is_latest"] & (figures["group"] == "civilians") & (figures["measure"] == "killed")]
    assert row[["version", "value", "qualifier", "kind", "place"]].values.tolist() == [
        [2, 544.0, "at least", "running-total", "Idlib Province"]]
    assert row["excluded_by"].isna().all()
    assert row["since"].iloc[0] == pd.Timestamp("2019-04-26") and row["as_of"].iloc[0] == pd.Timestamp("2019-07-09")
    vague = figures[figures["qualifier"] == "vague"]
    assert "scores" in set(vague["text"])


def test_the_killed_chart_is_recomputed_from_figures_csv_alone(sample_build):
    figures = read_figures_csv(sample_build.outdir / "downloads" / "figures.csv")
    charted = figures[figures["excluded_by"].isna()]
    points = build_series(charted)
    killed = points[(points["measure"] == "killed") & (points["kind"] == "running-total")
                     & (points["place"] == "Idlib Province")]
    recomputed = {(f"{d:%Y-%m-%d}", g, v) for d, g, v in zip(killed["as_of"], killed["group"], killed["headline"])}
    page = sample_build.outdir / "chronology" / "index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    spec = json.loads(soup.select_one("script.dailyarchive-chart-spec").string)
    assert " ".join(spec["title"]["text"]) == "Civilians and children killed in Idlib Province"
    shown = {(p["date"], p["group"], p["value"]) for p in spec["datasets"]["points"] if p.get("role") != "earlier"}
    assert shown == recomputed and len(shown) > 10


def test_every_table_says_which_rows_are_illustrative_in_csv_and_sqlite(sample_build):
    downloads = sample_build.outdir / "downloads"
    bulletins = pd.read_csv(downloads / "bulletins.csv").set_index("bulletin_id")["illustrative"]
    assert set(bulletins) == {0, 1}
    for table in ("versions", "figures", "events", "series"):
        frame = pd.read_csv(downloads / f"{table}.csv")
        assert (frame["illustrative"] == bulletins.reindex(frame["bulletin_id"]).to_numpy()).all(), table
        connection = sqlite3.connect(downloads / "archive.sqlite")
        try:
            stored = connection.execute(f'SELECT bulletin_id, illustrative FROM "{table}"').fetchall()
        finally:
            connection.close()
        assert stored and all(flag == bulletins[b] for b, flag in stored), table
    series = pd.read_csv(downloads / "series.csv")
    killed = series[(series["measure"] == "killed") & (series["group"] == "civilians")
                    & (series["place"] == "Idlib Province")]
    assert 0 < killed["illustrative"].sum() < len(killed)


def test_sqlite_has_the_same_tables_with_keys_that_hold(sample_build):
    downloads = sample_build.outdir / "downloads"
    connection = sqlite3.connect(downloads / "archive.sqlite")
    try:
        for table in TABLES:
            count = connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            assert count == len(pd.read_csv(downloads / f"{table}.csv")) > 0
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        foreign = {row[2] for table in TABLES for row in connection.execute(f'PRAGMA foreign_key_list("{table}")')}
        assert foreign == {"bulletins", "versions", "figures"}
        value = connection.execute("SELECT qualifier, value FROM series WHERE bulletin_id = ? AND measure = 'killed' "
                                   "AND \"group\" = 'children' AND kind = 'running-total'",
                                   ("syria-daily/2019-07-09-northern-latakia-counter-attack",)).fetchall()
        assert value == [("at least", 130.0)]
    finally:
        connection.close()


def test_a_rule_breaking_figure_is_named_in_excluded_by(archive):
    figure = {"measure": "killed", "group": "civilians", "value": 50, "low": 60, "qualifier": "at least",
              "kind": "running-total", "since": "2019-04-26", "place": "Idlib Province"}
    write_bulletin(archive, date="2019-07-09", figures=[figure])
    catalog = load_catalog(archive)
    data = chart_data(catalog, check(load_archive(archive), dt.date(2020, 1, 1)))
    tables = data_tables(catalog, data.points, data.excluded)
    assert tables["figures"]["excluded_by"].tolist() == ["figure-bounds"]
    assert tables["series"].empty
    files = download_files(catalog, data.points, data.excluded)
    assert files["series.csv"].decode().splitlines() == [",".join(TABLES["series"])]


def test_sqlite_bytes_are_the_same_for_the_same_tables(archive):
    write_bulletin(archive, date="2019-07-09", figures=[{"measure": "killed", "value": 3, "kind": "increment"}])
    catalog = load_catalog(archive)
    data = chart_data(catalog)
    tables = data_tables(catalog, data.points, data.excluded)
    assert sqlite_bytes(tables) == sqlite_bytes(tables)


def test_each_csv_has_the_bytes_pandas_would_write_for_hostile_text_and_odd_numbers(archive):
    write_bulletin(archive, date="2019-07-09", title='A "quoted", title\nover two lines; تقرير <b>&amp;</b> \\emph{x}',
                   summary=None, figures=[{"measure": "killed", "value": 3, "kind": "increment"},
                                          {"measure": "injured", "qualifier": "at least", "value": 10000000000000000,
                                           "kind": "running-total"}])
    write_bulletin(archive, date="2019-07-10", title="Plain", figures=[
        {"measure": "displaced", "qualifier": "about", "value": 1234567.5, "low": 0.1, "high": 2000000,
         "kind": "stock"}])
    catalog = load_catalog(archive)
    data = chart_data(catalog)
    tables = data_tables(catalog, data.points, data.excluded)
    files = download_files(catalog, data.points, data.excluded)
    for name, frame in tables.items():
        assert files[f"{name}.csv"] == frame.to_csv(index=False, lineterminator="\n").encode("utf-8"), name
    assert '"A ""quoted"", title\nover two lines' in files["bulletins.csv"].decode()


def test_sqlite_keeps_missing_values_as_null_and_refuses_rows_that_break_a_foreign_key(archive, tmp_path):
    write_bulletin(archive, date="2019-07-09", title='A "quoted", تقرير title', summary=None)
    catalog = load_catalog(archive)
    data = chart_data(catalog)
    tables = data_tables(catalog, data.points, data.excluded)
    database = tmp_path / "archive.sqlite"
    database.write_bytes(sqlite_bytes(tables))
    with sqlite3.connect(database) as connection:
        title, revised = connection.execute('SELECT title, last_revised FROM bulletins').fetchone()
    assert (title, revised) == ('A "quoted", تقرير title', None)
    orphan = tables["versions"].iloc[[0]].assign(bulletin_id="test-daily/2019-07-10-nowhere")
    tables["versions"] = pd.concat([tables["versions"], orphan], ignore_index=True)
    with pytest.raises(ValueError, match="foreign keys"):
        sqlite_bytes(tables)


def _documented(page: str) -> dict[str, list[str]]:
    """The columns of each `## <table>.csv` section of the data dictionary."""
    sections = re.split(r"^## (\w+)\.csv$", page, flags=re.MULTILINE)
    return {name: re.findall(r"^\| `([^`]+)` \|", body, flags=re.MULTILINE)
            for name, body in zip(sections[1::2], sections[2::2])}


def test_the_data_dictionary_describes_every_column_in_order():
    assert _documented((ROOT / "docs" / "data.md").read_text(encoding="utf-8")) == TABLES


def test_the_methods_page_gives_the_vague_word_table_of_the_code():
    page = (ROOT / "docs" / "methods.md").read_text(encoding="utf-8")
    section = page.split("## Vague words", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| ([a-z ]+) \| ([\d,]+) \|$", section, flags=re.MULTILINE)
    assert {word: int(number.replace(",", "")) for word, number in rows} == VAGUE_WORDS
