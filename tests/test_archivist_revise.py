"""`invoke revise`: the next version is a copy of the latest with version, revised and revision_note set."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers import write_bulletin, write_raw

from dailyarchive import check_archive
from dailyarchive.archivist import BulletinExists, BulletinNotFound
from dailyarchive.archivist.revise import revise_bulletin
from dailyarchive.archivist.writer import write_new_file

TODAY = dt.date(2019, 7, 12)
FIRST = """---
series: test-daily
date: 2019-07-09
title: Opposition strikes regime lines   # the headline as published
version: 1
# the toll of the bombardment since late April
figures:
- measure: killed
  group: civilians
  value: 544
  qualifier: at least
  kind: running-total
  since: 2019-04-26
---
At least 544 civilians have been killed since late April.
"""


def test_revise_copies_the_latest_version_keeping_comments_and_layout(archive: Path) -> None:
    write_raw(archive, "test-daily/2019/2019-07-09-strike/v1.md", FIRST)
    path = revise_bulletin(archive, "test-daily/2019-07-09-strike", "Corrected the toll's baseline.", today=TODAY)
    assert path.name == "v2.md"
    expected = FIRST.replace("version: 1\n", 'version: 2\nrevised: 2019-07-12\nrevision_note: "Corrected the toll\'s '
                                             'baseline."\n')
    assert path.read_text(encoding="utf-8") == expected
    assert check_archive(archive, today=TODAY) == []


def test_revise_of_a_correction_replaces_its_revision_fields(archive: Path) -> None:
    write_bulletin(archive, slug="strike")
    write_bulletin(archive, slug="strike", version=2, revised="2019-07-10",
                   revision_note="A long note\nover two lines.")
    folder = archive / "test-daily/2019/2019-07-09-strike"
    path = revise_bulletin(archive, str(folder), "Second correction.", today=TODAY)
    text = path.read_text(encoding="utf-8")
    assert path.name == "v3.md"
    assert "version: 3\nrevised: 2019-07-12\nrevision_note: \"Second correction.\"\n" in text
    assert text.count("revision_note") == 1 and "over two lines" not in text
    assert check_archive(archive, today=TODAY) == []


def test_revise_without_a_note_leaves_one_for_check_to_ask_for(archive: Path) -> None:
    write_bulletin(archive, slug="strike")
    path = revise_bulletin(archive, "test-daily/2019-07-09-strike", "  ", today=TODAY)
    problems = check_archive(archive, today=TODAY)
    assert [(p.path, p.rule) for p in problems] == [(path, "revision-missing")]
    assert "revision_note" in problems[0].message


def test_revise_refuses_an_unknown_bulletin_with_suggestions(archive: Path) -> None:
    write_bulletin(archive, slug="strike")
    with pytest.raises(BulletinNotFound, match="did you mean test-daily/2019-07-09-strike"):
        revise_bulletin(archive, "test-daily/2019-07-09", "x", today=TODAY)


def test_a_new_version_file_never_replaces_one_that_appeared_meanwhile(archive: Path) -> None:
    path = write_bulletin(archive, slug="strike", version=2, revised="2019-07-10", revision_note="Theirs.")
    with pytest.raises(BulletinExists):
        write_new_file(path, "mine")
    assert "Theirs." in path.read_text(encoding="utf-8")
    assert sorted(p.name for p in path.parent.iterdir()) == ["v2.md"]


def test_revise_refuses_a_folder_of_another_archive(archive: Path, tmp_path: Path) -> None:
    from helpers import write_archive

    other = write_archive(tmp_path / "other")
    elsewhere = write_bulletin(other, slug="strike")
    with pytest.raises(BulletinNotFound, match="not in the archive"):
        revise_bulletin(archive, str(elsewhere.parent), "x", today=TODAY)
    assert sorted(p.name for p in elsewhere.parent.iterdir()) == ["v1.md"]


def test_revise_refuses_a_latest_version_that_is_a_fifo_without_hanging(archive: Path) -> None:
    import os
    import sys

    from helpers import run_limited

    write_bulletin(archive, date="2019-07-09", slug="a-bulletin")
    folder = archive / "test-daily/2019/2019-07-09-a-bulletin"
    os.mkfifo(folder / "v2.md")  # nothing ever writes to it: reading it with a plain open would block
    script = ("import datetime as dt, sys; from pathlib import Path; from dailyarchive.archivist import Refused; "
              "from dailyarchive.archivist.revise import revise_bulletin\n"
              "try: revise_bulletin(Path(sys.argv[1]), 'test-daily/2019-07-09-a-bulletin', 'n', dt.date(2019, 7, 12))\n"
              "except Refused as exc: print(exc)")
    result = run_limited([sys.executable, "-c", script, str(archive)], seconds=30)
    assert result.returncode == 0 and "v2.md: cannot read the latest version" in result.stdout
    assert "FIFO" in result.stdout and not (folder / "v3.md").exists()
