"""`invoke new`: a bulletin folder from the template, and every refusal with its message."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import write_bulletin

from dailyarchive import check_archive
from dailyarchive.archivist import BulletinExists, DateInFuture, NoSlug, SeriesUnknown
from dailyarchive.archivist.new import new_bulletin
from dailyarchive.archivist.record import slug_for
from dailyarchive.model.load import load_archive

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2019, 7, 10)


def test_new_writes_the_template_with_the_previous_bulletin_in_see_also(archive: Path) -> None:
    write_bulletin(archive, date="2019-07-05", slug="earlier")
    write_bulletin(archive, date="2019-07-08", slug="previous")
    write_bulletin(archive, date="2019-07-12", slug="later")
    path = new_bulletin(archive, "test-daily", dt.date(2019, 7, 9), "Opposition strikes regime lines in Latakia",
                        today=dt.date(2019, 7, 12))
    assert path == archive / "test-daily/2019/2019-07-09-opposition-strikes-regime-lines-in-latakia/v1.md"
    text = path.read_text(encoding="utf-8")
    assert "see_also: [2019-07-08]" in text
    for field in ("summary", "caption", "image", "illustrative", "places", "actors", "tags", "sources", "events",
                  "figures"):
        assert f"{field}:" in text, f"the template has no {field}"
    version = load_archive(archive).latest_versions()["test-daily/2019-07-09-opposition-strikes-regime-lines-in-latakia"]
    assert version.meta is not None and version.meta.title == "Opposition strikes regime lines in Latakia"


def test_the_blank_template_fails_check_until_the_body_is_written(archive: Path) -> None:
    path = new_bulletin(archive, "test-daily", dt.date(2019, 7, 9), "A quiet day", today=TODAY)
    assert [p.rule for p in check_archive(archive, today=TODAY)] == ["body-empty"]
    path.write_text(path.read_text(encoding="utf-8") + "Shelling went on near Kafr Nabudah.\n", encoding="utf-8")
    assert check_archive(archive, today=TODAY) == []


def test_slugs_are_transliterated_lower_case_and_stable() -> None:
    assert slug_for("Ça va? Düsseldorf — Straße") == "ca-va-dusseldorf-strasse"
    assert slug_for("Have 1,000 regime soldiers died?") == "have-1000-regime-soldiers-died"
    assert slug_for("قصف إدلب") == slug_for("قصف إدلب") != ""
    assert len(slug_for("word " * 40)) <= 60


@pytest.mark.parametrize(("series", "date", "title", "error", "words"), [
    ("no-such-series", "2019-07-09", "A title", SeriesUnknown, "not in"),
    ("test-daily", "2019-07-11", "A title", DateInFuture, "in the future"),
    ("test-daily", "2019-07-09", "?! …", NoSlug, "no letters or digits"),
])
def test_new_refuses_with_a_message(archive: Path, series: str, date: str, title: str, error: type, words: str) -> None:
    with pytest.raises(error, match=words):
        new_bulletin(archive, series, dt.date.fromisoformat(date), title, today=TODAY)
    assert not (archive / "test-daily").exists()


def test_new_refuses_a_duplicate_and_keeps_the_first(archive: Path) -> None:
    path = new_bulletin(archive, "test-daily", dt.date(2019, 7, 9), "A quiet day", today=TODAY)
    path.write_text(path.read_text(encoding="utf-8") + "The archivist's text.\n", encoding="utf-8")
    with pytest.raises(BulletinExists, match="invoke revise test-daily/2019-07-09-a-quiet-day"):
        new_bulletin(archive, "test-daily", dt.date(2019, 7, 9), "A  quiet day", today=TODAY)
    assert path.read_text(encoding="utf-8").endswith("The archivist's text.\n")


def test_invoke_new_prints_the_path_and_refuses_with_exit_code_2(archive: Path) -> None:
    def invoke(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "invoke", "new", "--archive", str(archive), *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)

    made = invoke("--series", "test-daily", "--date", "2019-07-09", "--title", "A quiet day")
    assert made.returncode == 0, made.stderr
    assert Path(made.stdout.strip()).is_file()
    again = invoke("--series", "test-daily", "--date", "2019-07-09", "--title", "A quiet day")
    assert again.returncode == 2 and "already exists" in again.stderr and "Traceback" not in again.stderr
    bad_date = invoke("--series", "test-daily", "--date", "9 July", "--title", "A quiet day")
    assert bad_date.returncode == 2 and "YYYY-MM-DD" in bad_date.stderr


def test_new_waits_for_the_archive_lock_and_writes_nothing_while_another_command_holds_it(archive: Path) -> None:
    from dailyarchive.build.locks import LockHeld

    holder = subprocess.Popen([sys.executable, "-c", "import sys, time\nfrom pathlib import Path\n"
                               "from dailyarchive.build.locks import hold\nwith hold(Path(sys.argv[1]), 'seal'):\n"
                               "    print('held', flush=True)\n    time.sleep(300)\n", str(archive)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(LockHeld, match="another seal"):
            new_bulletin(archive, "test-daily", dt.date(2019, 7, 9), "A quiet day", today=TODAY)
    finally:
        holder.kill()
        holder.wait()
    assert not (archive / "test-daily").exists()
