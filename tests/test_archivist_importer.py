"""An import killed midway leaves whole bulletins only; the next import sweeps its leftovers and goes on."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from helpers import write_raw

from dailyarchive import check_archive
from dailyarchive.archivist.importer import import_path
from dailyarchive.archivist.writer import TEMP_PREFIX

TODAY = dt.date(2020, 1, 1)
INPUTS = 300
IMPORT = """
import sys, datetime as dt
from pathlib import Path
from dailyarchive.archivist.importer import import_path
import_path(Path(sys.argv[1]), "test-daily", Path(sys.argv[2]), today=dt.date(2020, 1, 1))
"""


def legacy_folder(root: Path) -> Path:
    start = dt.date(2019, 1, 1)
    for n in range(INPUTS):
        day = start + dt.timedelta(days=n)
        write_raw(root, f"{day.isoformat()}.txt", f"Bulletin number {n}\n\nShelling went on near Ariha; at least {n} "
                                                  "civilians have been killed since January 1.\n")
    return root


def test_a_killed_import_leaves_whole_bulletins_only_and_the_next_one_finishes(archive: Path, tmp_path: Path) -> None:
    legacy = legacy_folder(tmp_path / "legacy")
    process = subprocess.Popen([sys.executable, "-c", IMPORT, str(archive), str(legacy)])
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if len(list(archive.glob("test-daily/*/*"))) >= 5:
            break
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    folders = [p for p in archive.glob("test-daily/*/*") if not p.name.startswith(".")]
    assert 0 < len(folders) <= INPUTS
    for folder in folders:  # each bulletin is whole: its one version file parses and checks
        assert [p.name for p in folder.iterdir()] == ["v1.md"]
    problems = check_archive(archive, today=TODAY)
    assert [p for p in problems if p.level == "error"] == []
    assert {p.rule for p in problems} <= {"figure-pending"}
    leftovers = [p for p in archive.rglob(f"{TEMP_PREFIX}*")]
    assert all(p.name.startswith(".") for p in leftovers)  # invisible to check, swept by the next import

    report = import_path(archive, "test-daily", legacy, today=TODAY)
    assert report.count("written") + report.count("refused") == INPUTS
    assert all("already in the archive" in o.detail for o in report.outcomes if o.status == "refused")
    assert report.swept == leftovers
    assert len(list(archive.glob("test-daily/*/*"))) == INPUTS
    assert not list(archive.rglob(f"{TEMP_PREFIX}*"))


def test_leftovers_are_not_seen_by_check_and_the_next_import_removes_them(archive: Path, tmp_path: Path) -> None:
    folder = write_raw(archive, f"test-daily/2019/{TEMP_PREFIX}2019-07-09-x.abc.tmp/v1.md", "---\nhalf a fi").parent
    version = write_raw(archive, f"test-daily/2019/2019-07-08-y/{TEMP_PREFIX}v2.md.def.tmp", "---\nhalf")
    write_raw(archive, "test-daily/2019/2019-07-08-y/v1.md", "---\nseries: test-daily\ndate: 2019-07-08\n"
                                                             "title: Y\nversion: 1\n---\nText.\n")
    assert check_archive(archive, today=TODAY) == []
    source = write_raw(tmp_path, "2019-07-03.txt", "Kabani assault fails\n\nThe hilltop held again.\n")
    report = import_path(archive, "test-daily", source, today=TODAY)
    assert sorted(report.swept) == sorted([folder, version])
    assert not folder.exists() and not version.exists()


def test_invoke_import_prints_the_report_and_exits_1_when_an_input_was_refused(archive: Path, tmp_path: Path) -> None:
    legacy = tmp_path / "legacy"
    write_raw(legacy, "2019-07-03.txt", "Kabani assault fails\n\nThe hilltop held again.\n")
    write_raw(legacy, "undated.txt", "No date here\n\nSomething happened.\n")
    result = subprocess.run([sys.executable, "-m", "invoke", "import", "--series", "test-daily", "--archive",
                             str(archive), str(legacy)], cwd=Path(__file__).resolve().parents[1],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"written: {legacy / '2019-07-03.txt'}: " in result.stdout
    assert f"refused: {legacy / 'undated.txt'}: no date found" in result.stdout
    assert "1 bulletin(s) written, 1 refused, 0 skipped" in result.stderr
