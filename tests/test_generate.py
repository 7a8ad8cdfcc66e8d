"""The synthetic archive generator: deterministic for a seed, clean under `check`, realistic enough."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from dailyarchive import build_catalog, check_archive, load_archive
from dailyarchive.harness.generate import append_bulletin, generate_archive, write_correction


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """120 bulletins in 2 series, seed 7."""
    root = tmp_path_factory.mktemp("generated") / "archive"
    generate_archive(root, 120, series=2, seed=7)
    return root


def test_same_seed_same_files_other_seed_other_files(generated: Path, tmp_path: Path) -> None:
    generate_archive(tmp_path / "again", 120, series=2, seed=7)
    generate_archive(tmp_path / "other", 120, series=2, seed=8)
    assert _files(tmp_path / "again") == _files(generated)
    assert _files(tmp_path / "other") != _files(generated)


def test_passes_check_without_errors_or_warnings(generated: Path) -> None:
    assert check_archive(generated) == []


def test_counts_series_and_registers(generated: Path) -> None:
    catalog = build_catalog(load_archive(generated))
    assert len(catalog.bulletins) == 120
    assert sorted(catalog.series["slug"]) == ["north-daily", "south-daily"]
    assert catalog.bulletins.groupby("series").size().tolist() == [60, 60]
    assert catalog.bulletins["illustrative"].all()
    assert set(catalog.places["kind"]) == {"country", "province", "district", "town"}
    assert any("\u0600" <= ch <= "\u06ff" for aliases in catalog.places["aliases"] for a in aliases for ch in a)
    assert {"killed", "injured"} <= set(catalog.figures["measure"])
    assert {"running-total", "increment"} <= set(catalog.figures["kind"])
    assert catalog.links["target_id"].notna().all() and len(catalog.links) > 0
    assert len(catalog.events) >= 120 and len(catalog.sources) >= 120


def test_bodies_are_about_400_varied_words(generated: Path) -> None:
    catalog = build_catalog(load_archive(generated))
    words = catalog.latest("versions")["body"].str.split().map(len)
    assert words.between(300, 600).all()
    vocabulary = {w.casefold() for body in catalog.versions["body"] for w in body.split()}
    assert len(vocabulary) > 5_000


def test_corrections_change_one_figure(generated: Path) -> None:
    catalog = build_catalog(load_archive(generated))
    corrected = catalog.bulletins[catalog.bulletins["corrected"]]
    assert 1 <= len(corrected) <= 20
    bulletin_id = corrected.index[0]
    figures = catalog.figures[catalog.figures["bulletin_id"] == bulletin_id]
    v1, v2 = (figures[figures["version"] == n].reset_index(drop=True) for n in (1, 2))
    changed = (v1["value"].fillna(-1) != v2["value"].fillna(-1)).sum()
    assert changed == 1
    assert catalog.versions.set_index(["bulletin_id", "version"]).loc[(bulletin_id, 2), "revision_note"]


def test_append_and_correct_keep_the_archive_clean(tmp_path: Path) -> None:
    root = generate_archive(tmp_path / "archive", 30, seed=1).root
    added = append_bulletin(root, seed=2)
    corrected = write_correction(sorted(root.glob("*/*/*-*/"))[10], random.Random(3))
    assert added.name == "v1.md" and added.exists() and corrected.name in ("v2.md", "v3.md")
    assert check_archive(root) == []
    catalog = build_catalog(load_archive(root))
    assert len(catalog.bulletins) == 31
    assert catalog.bulletins.sort_values("date").index[-1] == f"north-daily/{added.parent.name}"


def test_refuses_an_empty_archive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        generate_archive(tmp_path / "archive", 0)
