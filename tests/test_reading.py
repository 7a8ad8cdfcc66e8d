"""Reading an archive volume by volume: the same catalog and problems as loading and checking it whole,
with only the changed volumes read again."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pandas as pd
import pytest
from helpers import replace_in, write_archive, write_bulletin, write_raw

from dailyarchive import build_catalog, load_archive
from dailyarchive.build import reading as reading_module
from dailyarchive.build.reading import Reading, read_archive
from dailyarchive.catalog.rules import check

TODAY = dt.date(2026, 12, 1)
TABLES = ["series", "bulletins", "versions", "figures", "events", "links", "sources", "places", "actors", "tags"]
KILLED = {"measure": "killed", "group": "civilians", "qualifier": "at least", "kind": "running-total",
          "since": "2019-04-26", "place": "Idleb"}


def assert_same_as_whole(root: Path, reading: Reading) -> None:
    """`reading` equals loading the whole archive, building its catalog and checking it."""
    loaded = load_archive(root)
    whole = build_catalog(loaded)
    for table in TABLES:
        pd.testing.assert_frame_equal(getattr(reading.catalog, table), getattr(whole, table), obj=table)
    assert reading.problems == check(load_archive(root), TODAY)


@pytest.fixture
def three_years(archive: Path) -> Path:
    """Three volumes: a fall across years, a link across years, a correction, an unknown name, broken YAML,
    a missing photo, right-to-left text and a figure with bounds."""
    write_bulletin(archive, date="2019-07-05", slug="first", figures=[{**KILLED, "value": 500}],
                   image="photo.jpg", caption="A photo not there yet.",
                   sources=[{"title": "Report", "url": "https://example.org/r", "accessed": "2019-07-05"}],
                   events=[{"date": "2019-07", "place": "Jabal Turkman", "actors": ["regime"], "what": "Shelling."}])
    write_bulletin(archive, date="2020-01-02", slug="second", places=["Idleb", "Nowhere"], actors=["HTS"],
                   tags=["offensive"], see_also=["2019-07-05"], figures=[{**KILLED, "value": 480}])
    write_bulletin(archive, date="2020-01-02", slug="second", version=2, title="محافظة إدلب <b>&</b> \\emph{x}",
                   see_also=["2019-07-05", "2031-01-01"],
                   figures=[{**KILLED, "value": 470, "low": 460, "high": 490, "qualifier": "about"}])
    write_raw(archive, "test-daily/2021/2021-03-01-broken/v1.md", "---\ntitle: [unclosed\n---\nBody.\n")
    return archive


def test_a_first_reading_equals_the_whole_archive_loaded_and_checked(three_years: Path, tmp_path: Path) -> None:
    reading = read_archive(three_years, tmp_path / "cache", TODAY)
    assert (reading.volumes_read, reading.volumes) == (3, 3)
    assert {p.rule for p in reading.problems} >= {"running-total-fell", "see-also-unknown", "place-unknown",
                                                  "yaml-syntax", "image-missing"}
    assert_same_as_whole(three_years, reading)


def test_an_unchanged_archive_is_read_from_the_cache_with_the_same_result(three_years: Path, tmp_path: Path) -> None:
    read_archive(three_years, tmp_path / "cache", TODAY)
    again = read_archive(three_years, tmp_path / "cache", TODAY)
    assert again.volumes_read == 0
    assert_same_as_whole(three_years, again)


def test_a_volume_read_from_the_cache_shares_its_repeated_values(three_years: Path, tmp_path: Path) -> None:
    read_archive(three_years, tmp_path / "cache", TODAY)
    catalog = read_archive(three_years, tmp_path / "cache", TODAY).catalog
    second = catalog.versions[catalog.versions["bulletin_id"].str.endswith("second")]
    assert len(second) == 2
    first_row, next_row = second.to_dict("records")  # the two versions of one bulletin, from one volume's record
    assert first_row["bulletin_id"] is next_row["bulletin_id"]
    assert first_row["series"] is next_row["series"]
    figure = catalog.figures[catalog.figures["bulletin_id"] == first_row["bulletin_id"]].iloc[0]
    assert figure["bulletin_id"] is first_row["bulletin_id"]  # across the volume's tables too


def test_a_changed_volume_alone_is_read_again(three_years: Path, tmp_path: Path) -> None:
    read_archive(three_years, tmp_path / "cache", TODAY)
    replace_in(three_years / "test-daily/2020/2020-01-02-second/v2.md", "value: 470", "value: 510")
    write_bulletin(three_years, date="2019-08-01", slug="added", figures=[{**KILLED, "value": 530}])
    changed = read_archive(three_years, tmp_path / "cache", TODAY)
    assert changed.volumes_read == 2  # 2019 (a bulletin added) and 2020 (a figure changed); 2021 is kept
    assert_same_as_whole(three_years, changed)


@pytest.mark.parametrize("change", ["image beside", "gazetteer", "today"])
def test_what_a_kept_volume_depends_on_makes_it_read_again(change: str, three_years: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    read_archive(three_years, cache, TODAY)
    today = TODAY
    first = three_years / "test-daily/2019/2019-07-05-first/v1.md"
    if change == "image beside":
        (first.parent / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    elif change == "gazetteer":
        write_archive(three_years, places=[{"name": "Nowhere", "kind": "area"}])
    else:
        today = dt.date(2019, 7, 1)  # before the bulletins: the future-date rule now fires
    reading = read_archive(three_years, cache, today)
    loaded = load_archive(three_years)
    assert reading.volumes_read == (1 if change == "image beside" else 3)
    assert reading.problems == check(loaded, today)
    pd.testing.assert_frame_equal(reading.catalog.versions, build_catalog(loaded).versions)


def test_a_damaged_cache_file_is_read_again(three_years: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    read_archive(three_years, cache, TODAY)
    for kept in (cache / "volumes").rglob("*.json"):
        kept.write_text('{"digest": "x", "value": [1, 2', encoding="utf-8")
    reading = read_archive(three_years, cache, TODAY)
    assert reading.volumes_read == 3
    assert_same_as_whole(three_years, reading)


def test_workers_read_the_volumes_with_the_same_result_and_keep_them(three_years: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        pool.submit(int).result()  # the workers are forked now, with the reading as it is
        monkeypatch.setattr(reading_module, "read_volume", None)  # so this process cannot read a volume itself
        reading = read_archive(three_years, tmp_path / "cache", TODAY, readers=pool)
    monkeypatch.undo()
    assert (reading.volumes_read, reading.volumes) == (3, 3)
    assert_same_as_whole(three_years, reading)
    again = read_archive(three_years, tmp_path / "cache", TODAY)  # what the workers read was kept
    assert again.volumes_read == 0
    assert_same_as_whole(three_years, again)


def test_one_changed_volume_is_read_by_a_worker_while_the_kept_ones_are_restored(
        three_years: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    read_archive(three_years, cache, TODAY)
    write_bulletin(three_years, date="2019-08-01", slug="added", figures=[{**KILLED, "value": 530}])
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        pool.submit(int).result()
        monkeypatch.setattr(reading_module, "read_volume", None)  # only the worker can read the changed volume
        reading = read_archive(three_years, cache, TODAY, readers=pool)
    monkeypatch.undo()
    assert (reading.volumes_read, reading.volumes) == (1, 3)
    assert_same_as_whole(three_years, reading)


def test_a_kept_record_of_another_shape_is_read_again(three_years: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    read_archive(three_years, cache, TODAY)
    for kept in (cache / "volumes").rglob("*.json"):  # the digest still matches: only the record is wrong
        record = json.loads(kept.read_text(encoding="utf-8"))
        kept.write_text(json.dumps({**record, "value": {"columns": "none"}}), encoding="utf-8")
    reading = read_archive(three_years, cache, TODAY)
    assert_same_as_whole(three_years, reading)
    assert read_archive(three_years, cache, TODAY).volumes_read == 0  # kept again in the right shape


def test_volumes_are_read_here_when_the_workers_died(three_years: Path) -> None:
    pool = ProcessPoolExecutor(1)
    with pytest.raises(BrokenProcessPool):
        pool.submit(os._exit, 1).result()
    reading = read_archive(three_years, None, TODAY, readers=pool)
    pool.shutdown()
    assert reading.volumes_read == 3
    assert_same_as_whole(three_years, reading)


def test_without_a_cache_every_volume_is_read(three_years: Path) -> None:
    reading = read_archive(three_years, None, TODAY)
    assert reading.volumes_read == 3
    assert_same_as_whole(three_years, reading)


def test_hostile_bodies_and_names_come_back_from_the_cache_as_they_were_read(archive: Path, tmp_path: Path) -> None:
    body = ("```{eval-rst}\n.. raw:: html\n\n   <script>alert(1)</script>\n```\n\n"
            "```{include} /etc/passwd\n```\n\n[x](javascript:alert(1)) محافظة إدلب \\emph{x} &amp; {{x}}\n"
            + "w" * 1_000_000 + "\n")
    write_bulletin(archive, date="2019-07-05", slug="hostile", body=body, title="<b>&</b> \\x{y} \"q\" إدلب",
                   places=["Idleb", "مكان <i>"], figures=[{**KILLED, "value": 500}])
    write_bulletin(archive, date="2019-07-06", slug="controls", body="Text \u202e\x0b hidden.\n")  # refused
    first = read_archive(archive, tmp_path / "cache", TODAY)
    again = read_archive(archive, tmp_path / "cache", TODAY)
    assert (first.volumes_read, again.volumes_read) == (1, 0)
    assert again.catalog.versions["body"].tolist() == [body]  # whole, a million characters and the markup too
    assert [p.rule for p in again.problems if "controls" in str(p.path)] == ["control-character"]
    assert_same_as_whole(archive, again)
