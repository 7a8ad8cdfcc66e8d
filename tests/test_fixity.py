"""Sealing published versions and proving they were not altered."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import write_bulletin

from dailyarchive.fixity import MANIFEST, PublishedFileAltered, read_manifest, seal, verify


def test_seal_lists_every_version_in_sha256sum_format(archive):
    first = write_bulletin(archive, date="2019-07-08", slug="first")
    write_bulletin(archive, date="2019-07-09", slug="second")

    result = seal(archive)

    assert result.added == ["test-daily/2019/2019-07-08-first/v1.md", "test-daily/2019/2019-07-09-second/v1.md"]
    line = (archive / MANIFEST).read_text(encoding="utf-8").splitlines()[0]
    checksum, relative = line.split("  ")
    assert relative == first.relative_to(archive).as_posix() and len(checksum) == 64
    assert verify(archive) == []


def test_an_unsealed_version_is_a_warning_until_sealed(archive):
    write_bulletin(archive, date="2019-07-08", slug="first")
    seal(archive)
    added = write_bulletin(archive, date="2019-07-08", slug="first", version=2)

    problems = verify(archive)
    assert [(p.path, p.level, p.rule) for p in problems] == [(added, "warning", "fixity-unsealed")]
    assert seal(archive).added == ["test-daily/2019/2019-07-08-first/v2.md"]
    assert verify(archive) == []


def test_an_altered_published_version_is_an_error_and_sealing_refuses(archive):
    path = write_bulletin(archive, date="2019-07-08", slug="first")
    seal(archive)
    before = (archive / MANIFEST).read_bytes()
    path.write_text(path.read_text(encoding="utf-8").replace("Something", "Nothing"), encoding="utf-8")

    problems = verify(archive)
    assert [(p.path, p.line, p.level, p.rule) for p in problems] == [(path, 1, "error", "fixity-altered")]
    assert "new version" in problems[0].message
    with pytest.raises(PublishedFileAltered):
        seal(archive)
    assert (archive / MANIFEST).read_bytes() == before


def test_a_deleted_published_version_is_reported_at_its_manifest_line(archive):
    write_bulletin(archive, date="2019-07-08", slug="first")
    gone = write_bulletin(archive, date="2019-07-09", slug="second")
    seal(archive)
    gone.unlink()

    problems = verify(archive)
    assert [(p.path.name, p.line, p.rule) for p in problems] == [(MANIFEST, 2, "fixity-missing")]
    assert "test-daily/2019/2019-07-09-second/v1.md" in read_manifest(archive)


def test_the_sample_archive_is_sealed_and_intact():
    root = Path(__file__).resolve().parents[1] / "archive"
    assert [p.format(root) for p in verify(root)] == []
