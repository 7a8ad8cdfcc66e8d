"""Staging helpers: files written only when changed, and the memo that keeps what was made by its inputs."""

from __future__ import annotations

import itertools
import os
import stat
from pathlib import Path

import pytest

from helpers import write_archive, write_bulletin

from dailyarchive import load_catalog
from dailyarchive.addresses import bulletin_volume
from dailyarchive.build.reading import read_archive
from dailyarchive.site.pages import PageSettings, VolumeMemo, staged_pages
from dailyarchive.build import stage
from dailyarchive.build.stage import (FileMemo, GroupedMemo, content_bytes, loads_json, sync_files,
                                        write_if_changed, written_through)
from dailyarchive.model.memo import Kept, KeptFileDamaged


def test_a_memo_gives_back_only_what_was_kept_under_the_same_digest_and_salt(tmp_path):
    memo = FileMemo(tmp_path / "memo", salt="code-1")
    memo.keep("north/2019-07-09-a", "inputs-1", {"page.md": "# A\n"})
    assert memo.recall("north/2019-07-09-a", "inputs-1") == {"page.md": "# A\n"}
    assert memo.recall("north/2019-07-09-a", "inputs-2") is None
    assert memo.recall("north/2019-07-10-b", "inputs-1") is None
    assert FileMemo(tmp_path / "memo", salt="code-2").recall("north/2019-07-09-a", "inputs-1") is None


def test_a_memo_gives_back_what_the_json_module_alone_would_read_even_what_orjson_refuses(tmp_path):
    memo = FileMemo(tmp_path / "memo", salt="s")
    usual = {"title": "تقرير \u2067<b>&</b>\u2069 \\emph{x}", "n": [1, 2.5, -0.0, None, True], "nested": {"a": []}}
    memo.keep("usual", "d", usual)
    assert memo.recall("usual", "d") == usual
    memo.keep("odd", "d", {"huge": 2 ** 70, "missing": float("nan")})  # json writes NaN, which orjson refuses
    odd = memo.recall("odd", "d")
    assert odd["huge"] == 2 ** 70 and odd["missing"] != odd["missing"]


def test_json_text_reads_as_the_json_module_reads_it_even_what_orjson_refuses():
    values = loads_json('{"nan": NaN, "big": 123456789012345678901234567890, "text": "\u0625\u062f\u0644\u0628"}')
    assert values["nan"] != values["nan"] and values["big"] == 123456789012345678901234567890
    assert values["text"] == "إدلب"
    with pytest.raises(ValueError):
        loads_json("{not json")


def test_a_damaged_memo_file_is_ignored_and_replaced(tmp_path):
    memo = FileMemo(tmp_path / "memo", salt="s")
    memo.keep("k", "d", ["kept"])
    [entry] = (tmp_path / "memo").rglob("*.json")
    for damage in (b"{not json", b'["a list"]', b'{"digest": 1}', b"", b"\xff{ not UTF-8"):
        entry.write_bytes(damage)
        assert memo.recall("k", "d") is None
    memo.keep("k", "d", ["again"])
    assert memo.recall("k", "d") == ["again"]


def test_sync_writes_only_what_changed_and_rewrites_a_file_edited_by_hand(tmp_path):
    folder = tmp_path / "stage"
    files = {"a.md": "# A\n", "sub/b.md": "# B\n", "c.bin": b"\x00\x01"}
    assert sync_files(folder, files, "staged.txt") == (3, 0)
    assert sync_files(folder, files, "staged.txt") == (0, 0)  # the ledger knows them: nothing is read back
    (folder / "a.md").write_text("# edited by hand, longer\n", encoding="utf-8")
    (folder / "sub/b.md").unlink()
    assert sync_files(folder, {**files, "c.bin": b"\x00\x02"}, "staged.txt") == (3, 0)
    assert (folder / "a.md").read_text(encoding="utf-8") == "# A\n"
    assert (folder / "sub/b.md").read_text(encoding="utf-8") == "# B\n"
    assert (folder / "c.bin").read_bytes() == b"\x00\x02"
    assert sync_files(folder, {"a.md": "# A\n"}, "staged.txt") == (0, 2)
    assert sorted(p.name for p in folder.rglob("*") if p.is_file()) == ["a.md", "staged.txt", "staged.txt.sums"]


def test_files_written_in_parts_share_one_ledger_that_knows_them_all_the_next_time(tmp_path):
    folder, ledger = tmp_path / "html", tmp_path / "outputs.sums"
    parts = [{"sitemap.xml": "<urlset/>\n"}, {"feeds/a.xml": "<feed/>\n", "_svg/1.svg": b"<svg/>"}]

    def write_in_parts() -> int:
        writer = stage.LedgeredWriter(folder, ledger)
        for part in parts:
            writer.write(part)
        return writer.close()

    assert write_in_parts() == 3
    assert sorted(loads_json(ledger.read_bytes())) == ["_svg/1.svg", "feeds/a.xml", "sitemap.xml"]
    before = ledger.stat().st_mtime_ns
    assert write_in_parts() == 0 and ledger.stat().st_mtime_ns == before  # nothing read back, the ledger as it was
    (folder / "feeds/a.xml").write_text("<feed>edited</feed>\n", encoding="utf-8")
    assert write_in_parts() == 1
    assert (folder / "feeds/a.xml").read_text(encoding="utf-8") == "<feed/>\n"


def test_a_file_written_through_is_whole_readable_and_in_a_folder_made_for_it(tmp_path):
    path = tmp_path / "new" / "deeper" / "page.html"
    old_umask = os.umask(0o077)  # a strict umask: a published file must still be readable by a web server
    try:
        info = written_through(str(path), b"<p>\xd8\xa5\xd8\xaf\xd9\x84\xd8\xa8</p>")
    finally:
        os.umask(old_umask)
    assert path.read_bytes() == b"<p>\xd8\xa5\xd8\xaf\xd9\x84\xd8\xa8</p>"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert (info.st_size, info.st_mtime_ns) == (path.stat().st_size, path.stat().st_mtime_ns)  # what the ledger records
    assert sorted(p.name for p in path.parent.iterdir()) == ["page.html"]


def test_a_temporary_name_already_taken_is_skipped_and_what_holds_it_is_left_alone(tmp_path, monkeypatch):
    outside = tmp_path / "outside.txt"
    outside.write_text("not ours\n", encoding="utf-8")
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.setattr(stage, "_TEMPORARIES", itertools.count(7))
    (folder / f".page.html.{os.getpid()}.7.tmp").symlink_to(outside)  # left behind, or planted
    (folder / f".page.html.{os.getpid()}.8.tmp").write_text("stale\n", encoding="utf-8")
    assert write_if_changed(folder / "page.html", "<p>new</p>\n")
    assert (folder / "page.html").read_text(encoding="utf-8") == "<p>new</p>\n"
    assert outside.read_text(encoding="utf-8") == "not ours\n"
    assert (folder / f".page.html.{os.getpid()}.8.tmp").read_text(encoding="utf-8") == "stale\n"


def test_a_file_that_cannot_be_written_is_named_and_leaves_no_temporary(tmp_path):
    (tmp_path / "feeds").write_text("a file where a folder should be\n", encoding="utf-8")
    with pytest.raises(OSError) as caught:
        written_through(str(tmp_path / "feeds" / "atom.xml"), b"<feed/>")
    assert caught.value.filename == str(tmp_path / "feeds" / "atom.xml")
    folder = tmp_path / "site"
    (folder / "page.html").mkdir(parents=True)  # a folder where the file should be: the rename fails
    with pytest.raises(OSError) as caught:
        written_through(str(folder / "page.html"), b"<p/>")
    assert caught.value.filename == str(folder / "page.html")
    assert sorted(p.name for p in folder.iterdir()) == ["page.html"]


def test_a_damaged_ledger_only_makes_the_sync_compare_contents(tmp_path):
    folder = tmp_path / "stage"
    sync_files(folder, {"a.md": "# A\n"}, "staged.txt")
    for damage in ("{not json", "[1, 2]", '{"a.md": "x"}', ""):
        (folder / "staged.txt.sums").write_text(damage, encoding="utf-8")
        assert sync_files(folder, {"a.md": "# A\n"}, "staged.txt") == (0, 0)
        assert sync_files(folder, {"a.md": "# A!\n"}, "staged.txt") == (1, 0)
        sync_files(folder, {"a.md": "# A\n"}, "staged.txt")


def _archive(tmp_path: Path) -> Path:
    archive = write_archive(tmp_path / "archive")
    write_bulletin(archive, date="2019-07-08", slug="before", title="Before")
    write_bulletin(archive, date="2019-07-09", slug="middle", title="Middle", places=["Idlib Province"])
    write_bulletin(archive, date="2019-07-10", slug="after", title="After", see_also=["test-daily/2019-07-09-middle"])
    return archive


def test_remembered_pages_equal_fresh_ones_after_a_neighbour_a_link_and_the_gazetteer_change(tmp_path):
    archive = _archive(tmp_path)
    memo = FileMemo(tmp_path / "memo", salt="s")
    staged_pages(load_catalog(archive), PageSettings(), memo)  # fills the memo

    def retitle_neighbours() -> None:
        write_bulletin(archive, date="2019-07-08", slug="before", title="Before, retitled")  # a neighbour of middle
        write_bulletin(archive, date="2019-07-10", slug="after", title="After, retitled",
                       see_also=["test-daily/2019-07-09-middle"])  # it still links to middle

    def rename_a_place() -> None:
        places = archive / "places.yml"
        places.write_text(places.read_text(encoding="utf-8").replace("Idleb", "Edlib"), encoding="utf-8")

    for change in (retitle_neighbours, rename_a_place):
        change()
        remembered = _contents(staged_pages(load_catalog(archive), PageSettings(), memo))
        assert remembered == _contents(staged_pages(load_catalog(archive), PageSettings())), change.__name__
    middle = remembered["test-daily/2019/2019-07-09-middle/index.md"].decode("utf-8")
    assert "Before, retitled" in middle and "After, retitled" in middle


class RecallingMemo(GroupedMemo):
    """The memo of bulletin pages a build uses (one group a volume), noting the bulletins it was asked for."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder, "s", bulletin_volume)
        self.asked: list[str] = []

    def recall_texts(self, key, digest):
        self.asked.append(key)
        return super().recall_texts(key, digest)


def test_remembered_volumes_equal_fresh_pages_and_an_unchanged_volume_comes_back_whole(tmp_path):
    archive = _archive(tmp_path)  # three bulletins of July 2019, and one of 2020 that links to the middle one
    winter = write_bulletin(archive, date="2020-01-05", slug="winter", title="Winter",
                            see_also=["test-daily/2019-07-09-middle"])
    pages, volumes = RecallingMemo(tmp_path / "pages"), FileMemo(tmp_path / "volumes", "s")

    def staged() -> dict[str, bytes]:
        reading = read_archive(archive)
        files = staged_pages(reading.catalog, PageSettings(), pages, volumes=VolumeMemo(volumes, reading.digests))
        pages.save()
        return _contents(files)

    before_folder = archive / "test-daily" / "2019" / "2019-07-08-before"
    photo = winter.parent / "photos" / "day" / "street.jpg"

    def retitle_across_the_year() -> None:  # the middle page lists it among the pages that link to it
        write_bulletin(archive, date="2020-01-05", slug="winter", title="Winter, retitled",
                       see_also=["test-daily/2019-07-09-middle"])

    def add_an_image() -> None:
        (before_folder / "map.png").write_bytes(b"\x89PNG first")

    def change_the_image() -> None:
        (before_folder / "map.png").write_bytes(b"\x89PNG second, longer")

    def name_a_photo_not_there_yet() -> None:
        photo.parent.mkdir(parents=True)
        write_bulletin(archive, date="2020-01-05", slug="winter", title="Winter, retitled",
                       image="photos/day/street.jpg", caption="A street.", see_also=["test-daily/2019-07-09-middle"])

    def put_the_photo_there() -> None:  # two folders down: only that folder's own entries change
        photo.write_bytes(b"\xff\xd8 first")

    def change_the_photo() -> None:
        photo.write_bytes(b"\xff\xd8 second, longer")

    def rename_a_place() -> None:
        places = archive / "places.yml"
        places.write_text(places.read_text(encoding="utf-8").replace("Idleb", "Edlib"), encoding="utf-8")

    staged()
    for change in (retitle_across_the_year, add_an_image, change_the_image, name_a_photo_not_there_yet,
                   put_the_photo_there, change_the_photo, rename_a_place):
        change()
        assert staged() == _contents(staged_pages(load_catalog(archive), PageSettings())), change.__name__
    remembered = staged()
    assert "Winter, retitled" in remembered["test-daily/2019/2019-07-09-middle/index.md"].decode("utf-8")
    assert remembered["test-daily/2019/2019-07-08-before/map.png"] == b"\x89PNG second, longer"
    assert [data for path, data in remembered.items() if path.endswith(".jpg")] == [b"\xff\xd8 second, longer"]
    pages.asked.clear()
    write_bulletin(archive, date="2020-03-01", slug="spring", title="Spring")  # only the 2020 volume changes
    assert staged() == _contents(staged_pages(load_catalog(archive), PageSettings()))
    assert sorted(pages.asked) == ["test-daily/2020-01-05-winter", "test-daily/2020-03-01-spring"]


def _contents(files: dict[str, str | bytes | Kept]) -> dict[str, bytes]:
    """The bytes of staged files, the texts a memo holds (`Kept`) read back."""
    return {path: content_bytes(content) for path, content in files.items()}


class CountingMemo(GroupedMemo):
    """The memo of listing pages a build uses (one group a top folder), noting the pages it made again."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder, "s", lambda key: key.partition("/")[0])
        self.made: list[str] = []

    def keep_texts(self, key, digest, texts):
        self.made.append(key)
        return super().keep_texts(key, digest, texts)

    def names_made(self) -> list[str]:
        return [path for path in self.made if path.startswith(("places/", "actors/", "tags/"))]


def test_remembered_name_pages_equal_fresh_ones_and_a_new_bulletin_makes_only_the_pages_that_list_it(tmp_path):
    archive = _archive(tmp_path)
    lists = CountingMemo(tmp_path / "lists")
    settings = PageSettings(max_listing=1)  # Idlib Province's two bulletins take a listing page each
    write_bulletin(archive, date="2020-01-05", slug="winter", title="Winter", places=["Idlib Province"])
    staged_pages(load_catalog(archive), settings, lists=lists)
    assert "places/idlib-province/2020.md" in lists.made

    def add_to_mount_turkmen() -> None:
        write_bulletin(archive, date="2019-07-11", slug="later", title="Later", places=["Mount Turkmen"])

    def retitle_a_listed_bulletin() -> None:
        write_bulletin(archive, date="2019-07-09", slug="middle", title="Middle, retitled", places=["Idlib Province"])

    def alias_a_place() -> None:
        places = archive / "places.yml"
        places.write_text(places.read_text(encoding="utf-8").replace("Jabal Turkman", "Turkmen Mountain"),
                          encoding="utf-8")

    listing = {add_to_mount_turkmen: {"mount-turkmen", "latakia-province", "syria"},  # the place and those around it
               retitle_a_listed_bulletin: {"idlib-province", "syria"}}
    for change in (add_to_mount_turkmen, retitle_a_listed_bulletin, alias_a_place):
        change()
        lists.made = []
        remembered = _contents(staged_pages(load_catalog(archive), settings, lists=lists))
        assert remembered == _contents(staged_pages(load_catalog(archive), settings)), change.__name__
        if change in listing:
            assert {path.split("/")[1] for path in lists.names_made()} == listing[change], change.__name__
    # a new alias is read by the gazetteer's pages: every page of its kind is made again, no other kind's
    assert set(lists.names_made()) == {p for p in remembered if p.startswith("places/") and p != "places/index.md"}
    assert "Middle, retitled" in remembered["places/idlib-province/2019.md"].decode("utf-8")


def test_remembered_month_pages_equal_fresh_ones_and_a_new_bulletin_makes_only_its_month_and_the_months_beside(
        tmp_path):
    archive = _archive(tmp_path)  # three bulletins in July 2019
    write_bulletin(archive, date="2019-09-02", slug="september", title="September")
    lists = CountingMemo(tmp_path / "lists")
    staged_pages(load_catalog(archive), PageSettings(), lists=lists)
    july, august, september = (f"test-daily/2019/{m}/index.md" for m in ("07", "08", "09"))
    assert {july, september} <= set(lists.made)

    def add_to_july() -> None:
        write_bulletin(archive, date="2019-07-11", slug="later", title="Later")

    def open_august() -> None:  # a new month: the months before and after it link to it
        write_bulletin(archive, date="2019-08-15", slug="august", title="August")

    def retitle_in_september() -> None:
        write_bulletin(archive, date="2019-09-02", slug="september", title="September, <retitled> & \\emph{x}")

    def extend_the_series() -> None:  # the span grows: only the month whose calendar shows the new days changes
        write_bulletin(archive, date="2019-09-20", slug="latest", title="Latest")

    made = {add_to_july: {july}, open_august: {july, august, september}, retitle_in_september: {september},
            extend_the_series: {september}}
    for change, months in made.items():
        change()
        lists.made = []
        remembered = _contents(staged_pages(load_catalog(archive), PageSettings(), lists=lists))
        assert remembered == _contents(staged_pages(load_catalog(archive), PageSettings())), change.__name__
        assert {path for path in lists.made if path.startswith("test-daily/")} == months, change.__name__
    assert "September, &lt;retitled&gt;" in remembered[september].decode("utf-8")


def test_texts_kept_in_a_memo_are_read_only_to_be_written_and_a_damaged_one_is_named(tmp_path):
    memo = FileMemo(tmp_path / "memo", salt="s")
    kept = memo.keep_texts("north/2019-07-09-a", "inputs-1", {"a.md": "# A\n", "b.md": "# شام\n"})
    assert memo.recall_texts("north/2019-07-09-a", "inputs-1") == kept
    assert memo.recall_texts("north/2019-07-09-a", "inputs-2") is None
    stage = tmp_path / "stage"
    assert sync_files(stage, dict(kept), "staged.txt") == (2, 0)
    assert (stage / "b.md").read_text(encoding="utf-8") == "# شام\n"
    Path(kept["a.md"].path).write_text("# changed by hand\n", encoding="utf-8")
    assert sync_files(stage, dict(kept), "staged.txt") == (0, 0)  # unchanged: the kept file is not read
    (stage / "a.md").unlink()
    with pytest.raises(KeptFileDamaged, match=r"cache/ and build again"):
        sync_files(stage, dict(kept), "staged.txt")
    Path(kept["b.md"].path).unlink()  # a text whose file is gone is not recalled by the next build: it is made again
    assert FileMemo(tmp_path / "memo", salt="s").recall_texts("north/2019-07-09-a", "inputs-1") is None


def test_the_texts_no_staged_file_uses_are_listed_and_removed_and_the_used_ones_stay(tmp_path):
    memo = FileMemo(tmp_path / "cache" / "pages", salt="s")
    kept = memo.keep_texts("north/2019-07-09-a", "inputs-1", {"a.md": "# A\n", "b.md": "# B\n", "c.md": "# C\n"})
    used = {kept["a.md"].path, "/elsewhere/not-a-text"}
    unused = stage.unused_texts(tmp_path / "cache", used)
    assert sorted(unused) == sorted([kept["b.md"].path, kept["c.md"].path])
    Path(kept["c.md"].path).unlink()  # gone meanwhile: skipped
    assert stage.remove_files(unused) == 1
    assert [p.name for p in (tmp_path / "cache").rglob("*") if p.is_file() and "texts" in p.parts] == [kept["a.md"].sha256]


def test_a_grouped_memo_reads_and_writes_one_file_a_group_and_drops_keys_no_build_asked_for(tmp_path):
    def by_volume(key: str) -> str:
        return key[:len("north/2019")]

    memo = GroupedMemo(tmp_path / "memo", "s", by_volume)
    for key in ("north/2019-07-09-a", "north/2019-07-10-b", "north/2020-01-01-c"):
        memo.keep(key, "inputs-1", {"title": key})
    memo.save()
    assert len(list((tmp_path / "memo").rglob("*.json"))) == 2  # one file a volume
    again = GroupedMemo(tmp_path / "memo", "s", by_volume)
    assert again.recall("north/2019-07-09-a", "inputs-1") == {"title": "north/2019-07-09-a"}
    assert again.recall("north/2019-07-09-a", "inputs-2") is None
    again.recall("north/2020-01-01-c", "inputs-1")
    again.save()  # north/2019-07-10-b was not asked for: a deleted bulletin, dropped
    third = GroupedMemo(tmp_path / "memo", "s", by_volume)
    assert third.recall("north/2019-07-10-b", "inputs-1") is None
    assert third.recall("north/2020-01-01-c", "inputs-1") == {"title": "north/2020-01-01-c"}
    assert GroupedMemo(tmp_path / "memo", "other code", by_volume).recall("north/2020-01-01-c", "inputs-1") is None


def test_a_new_page_elsewhere_in_the_site_makes_no_bulletin_page_again(tmp_path):
    """Bulletin pages never read which other pages exist: a new chronology part (say) keeps them all."""

    class CountingMemo(FileMemo):
        made = 0

        def keep_texts(self, key, digest, texts):
            CountingMemo.made += 1
            return super().keep_texts(key, digest, texts)

    archive = _archive(tmp_path)
    memo = CountingMemo(tmp_path / "memo", salt="s")
    staged_pages(load_catalog(archive), PageSettings(existing_docs=frozenset({"chronology/index"})), memo)
    assert CountingMemo.made == 3  # one a bulletin
    staged_pages(load_catalog(archive), PageSettings(existing_docs=frozenset({"chronology/index", "chronology/2019"})),
                 memo)
    assert CountingMemo.made == 3
    staged_pages(load_catalog(archive), PageSettings(latest_count=1), memo)  # other settings still count
    assert CountingMemo.made == 6


def test_search_files_come_back_kept_and_a_new_bulletin_makes_only_its_years_shard(archive, tmp_path, monkeypatch):
    from dailyarchive.build.stager import search_shards
    from dailyarchive.site import search

    write_bulletin(archive, date="2019-07-09", title="Shelling near Idleb", body="A market was hit. مرحبا\n")
    write_bulletin(archive, date="2020-01-02", slug="next", title="A new year")
    made_for: list[str] = []
    making = search.shard_payloads

    def shard_payloads(plan, *arguments):  # the real one, noting which shards get made
        made_for.append(plan.key)
        return making(plan, *arguments)

    monkeypatch.setattr(search, "shard_payloads", shard_payloads)

    def shards() -> list[str]:
        """The shards a build with the cache made; every search file it gives equals a fresh one."""
        made_for.clear()
        kept = search_shards(load_catalog(archive), tmp_path / "cache")
        made = sorted(made_for)
        fresh = search.search_files(load_catalog(archive), lambda docname: f"{docname}.html", url_style="html")[0]
        assert all(isinstance(text, Kept) for text in kept.values())
        assert {name: content_bytes(text) for name, text in kept.items()} == {
            name: text.encode("utf-8") for name, text in fresh.items()}
        return made

    assert shards() == ["test-daily/2019", "test-daily/2020"]
    assert shards() == []
    write_bulletin(archive, date="2020-01-03", slug="later", title="Later still")
    assert shards() == ["test-daily/2020"]
