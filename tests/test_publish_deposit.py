"""Deposit packages: BagIt validates with `bagit`, OCFL with `ocfl-py` (good objects counted); one byte breaks each."""

from __future__ import annotations

import json
from pathlib import Path

import bagit
import pytest
from helpers import write_bulletin, write_raw

from dailyarchive.publish.deposit import DepositRefused, deposit_bagit, deposit_ocfl, validate_ocfl
from dailyarchive.build.stager import stage

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def two_bulletins(archive: Path) -> Path:
    """An archive of two bulletins: the first corrected once (v2) and with a photo of its own."""
    write_bulletin(archive, slug="first", title="First")
    write_bulletin(archive, slug="first", version=2, title="First, corrected", revised="2019-07-11",
                   revision_note="Fixed the headline.")
    write_raw(archive, "test-daily/2019/2019-07-09-first/photo.jpg", b"\xff\xd8 photo bytes")
    write_bulletin(archive, date="2019-07-12", slug="second", title="Second")
    return archive


def data_downloads(archive: Path, folder: Path) -> Path:
    """The data downloads of the archive, written as the site has them."""
    folder.mkdir()
    for path, content in stage(archive, ROOT / "docs").outputs.items():
        if path.startswith("downloads/"):
            (folder / path.removeprefix("downloads/")).write_bytes(content)
    return folder


def test_bagit_bag_holds_sources_and_downloads_and_validates(two_bulletins, tmp_path):
    out = tmp_path / "bag"
    result = deposit_bagit(two_bulletins, out, data_downloads(two_bulletins, tmp_path / "downloads"))
    bag = bagit.Bag(str(out))
    bag.validate()
    assert result.bulletins == 2
    payload = set(bag.payload_files())
    assert {"data/archive/test-daily/2019/2019-07-09-first/v2.md", "data/archive/series.yml",
            "data/downloads/figures.csv", "data/downloads/datapackage.json"} <= payload
    assert bag.info["Bulletin-Count"] == "2" and bag.info["Dates-Covered"] == "2019-07-09/2019-07-12"
    assert bag.info["Series"] == "Test Daily"
    assert set(bag.algorithms) == {"sha256", "sha512"}


def test_one_changed_byte_makes_the_bag_invalid(two_bulletins, tmp_path):
    out = tmp_path / "bag"
    deposit_bagit(two_bulletins, out)
    version = out / "data/archive/test-daily/2019/2019-07-12-second/v1.md"
    data = bytearray(version.read_bytes())
    data[-2] ^= 1
    version.write_bytes(bytes(data))
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(out)).validate()


def test_ocfl_root_has_one_valid_object_per_bulletin_with_its_versions(two_bulletins, tmp_path):
    out = tmp_path / "ocfl"
    result = deposit_ocfl(two_bulletins, out)
    assert result.bulletins == 2
    objects, good, errors = validate_ocfl(out)
    assert (objects, good) == (2, 2), errors
    [inventory] = [p for p in out.rglob("inventory.json") if "2019-07-09-first" in str(p) and p.parent.name != "v1"
                   and p.parent.name != "v2"]
    versions = json.loads(inventory.read_text(encoding="utf-8"))
    assert versions["digestAlgorithm"] == "sha512" and versions["id"] == "test-daily/2019-07-09-first"
    v1, v2 = versions["versions"]["v1"], versions["versions"]["v2"]
    assert v1["created"].startswith("2019-07-09") and v2["created"].startswith("2019-07-11")
    assert v2["message"] == "Fixed the headline."
    assert sorted(p for paths in v2["state"].values() for p in paths) == ["photo.jpg", "v1.md", "v2.md"]
    assert sorted(p for paths in v1["state"].values() for p in paths) == ["photo.jpg", "v1.md"]


def test_one_changed_byte_makes_an_ocfl_object_bad(two_bulletins, tmp_path):
    out = tmp_path / "ocfl"
    deposit_ocfl(two_bulletins, out)
    [content] = [p for p in out.rglob("content/v1.md") if "2019-07-12-second" in str(p)]
    content.write_bytes(content.read_bytes().replace(b"Second", b"Secand"))
    objects, good, _ = validate_ocfl(out)
    assert (objects, good) == (2, 1)


@pytest.mark.parametrize("make", [deposit_bagit, deposit_ocfl])
def test_a_folder_that_is_not_empty_is_refused_and_left_as_it_was(two_bulletins, tmp_path, make):
    out = tmp_path / "full"
    write_raw(out, "keep.txt", "mine")
    with pytest.raises(DepositRefused, match="not an empty folder"):
        make(two_bulletins, out)
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
