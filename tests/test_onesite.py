"""One whole site per build folder: builds into one folder take turns, and other sources build clean."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from helpers import write_archive, write_bulletin

from dailyarchive.build.locks import read_holder
from dailyarchive.publish.html import build
from dailyarchive.publish.onesite import RECORD, read_record

ROOT = Path(__file__).resolve().parents[1]
BUILDER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from dailyarchive.publish.html import build
    result = build(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), status=None, warning=sys.stderr,
                   lock_wait=float(sys.argv[4]))
    print("status", result.status, flush=True)
""")


def small_archive(root: Path, slug: str) -> Path:
    """An archive whose one bulletin's folder and title say which archive it is."""
    write_archive(root)
    write_bulletin(root, slug=slug, title=f"Bulletin {slug}")
    return root


def start_build(archive: Path, out: Path, wait: float) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", BUILDER, str(archive), str(out), str(ROOT / "docs"), str(wait)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_until_building(out: Path, process: subprocess.Popen[str]) -> None:
    """Return once `process` holds the build lock of `out` (polls the lock file's details)."""
    while read_holder(out).get("pid") != process.pid:
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)


def bulletin_pages(html: Path) -> list[str]:
    return sorted(p.parent.name for p in (html / "test-daily").glob("*/????-??-??-*/index.html"))


def test_a_second_build_into_the_folder_waits_then_builds_the_other_archive_clean(tmp_path: Path) -> None:
    first_archive = small_archive(tmp_path / "a", "from-a")
    second_archive = small_archive(tmp_path / "b", "from-b")
    out = tmp_path / "out"
    first = start_build(first_archive, out, 0)
    wait_until_building(out, first)
    second = start_build(second_archive, out, 600)  # started while the first builds: it waits its turn
    outputs = [process.communicate(timeout=600) for process in (first, second)]
    assert [process.returncode for process in (first, second)] == [0, 0], outputs
    assert bulletin_pages(out / "html") == ["2019-07-09-from-b"]
    assert "from-a" not in "".join(p.read_text(encoding="utf-8") for p in (out / "html").rglob("*.html"))
    assert not list((out / "src").rglob("*from-a*"))
    assert read_record(out)["archive"] == str(second_archive.resolve())
    assert sorted(p.name for p in out.iterdir()) == sorted([".dailyarchive.lock", RECORD, "cache", "html", "stage",
                                                            "work"])


def test_a_second_build_that_cannot_wait_fails_naming_the_holder_and_leaves_the_first_site(tmp_path: Path) -> None:
    first_archive = small_archive(tmp_path / "a", "from-a")
    second_archive = small_archive(tmp_path / "b", "from-b")
    out = tmp_path / "out"
    first = start_build(first_archive, out, 0)
    wait_until_building(out, first)
    second = subprocess.run([sys.executable, "-c", BUILDER, str(second_archive), str(out), str(ROOT / "docs"), "0.2"],
                            capture_output=True, text=True, timeout=300)
    first.communicate(timeout=600)
    assert first.returncode == 0
    assert second.returncode == 1 and "status" not in second.stdout
    message = second.stderr.strip().splitlines()[-1]
    assert f"{out} is in use by another build (pid {first.pid} on " in message, message
    assert bulletin_pages(out / "html") == ["2019-07-09-from-a"]


def test_rebuilding_the_same_archive_after_a_clean_build_is_incremental(tmp_path: Path) -> None:
    archive = small_archive(tmp_path / "a", "from-a")
    out = tmp_path / "out"
    assert build(archive, out, ROOT / "docs", status=None, warning=io.StringIO()).status == 0
    page = out / "html/test-daily/2019/2019-07-09-from-a/index.html"
    written = page.stat().st_mtime_ns
    status = io.StringIO()
    assert build(archive, out, ROOT / "docs", status=status, warning=io.StringIO()).status == 0
    assert page.stat().st_mtime_ns == written, status.getvalue()  # the swapped-in site is the incremental base
    assert ".dailyarchive-next-" not in page.read_text(encoding="utf-8")


def test_a_build_that_fails_half_way_keeps_the_previous_site_and_the_next_builds_clean(tmp_path: Path) -> None:
    first_archive = small_archive(tmp_path / "a", "from-a")
    out = tmp_path / "out"
    assert build(first_archive, out, ROOT / "docs", status=None, warning=io.StringIO()).status == 0
    missing_docs = tmp_path / "no-docs"  # a docs project without conf.py: Sphinx stops with an exception
    missing_docs.mkdir()
    try:
        build(small_archive(tmp_path / "b", "from-b"), out, missing_docs, status=None, warning=io.StringIO())
    except Exception:
        pass
    else:
        raise AssertionError("a docs folder without conf.py should stop the build")
    assert bulletin_pages(out / "html") == ["2019-07-09-from-a"]
    assert not (out / RECORD).exists()  # unknown now: the next build is clean
    assert not [p.name for p in out.iterdir() if p.name.startswith(".dailyarchive-") and p.is_dir()]
    assert build(first_archive, out, ROOT / "docs", status=None, warning=io.StringIO()).status == 0
    assert bulletin_pages(out / "html") == ["2019-07-09-from-a"] and read_record(out)
