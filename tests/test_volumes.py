"""Volumes: each series-year its own Sphinx project, built side by side, locally or on a Dask cluster."""

from __future__ import annotations

import io
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import write_archive, write_bulletin

from dailyarchive.publish.html import BuildResult, build
from dailyarchive.build.volumes import SchedulerUnreachable

ROOT = Path(__file__).resolve().parents[1]
LAST_2019 = "test-daily/2019/2019-12-31-year-end"
FIRST_2020 = "test-daily/2020/2020-01-02-new-year"


def three_bulletins(root: Path) -> Path:
    """An archive of two volumes: 2019 (two bulletins) and 2020 (one)."""
    write_archive(root)
    write_bulletin(root, date="2019-07-09", slug="summer", title="Summer", places=["Idlib Province"])
    write_bulletin(root, date="2019-12-31", slug="year-end", title="Year end", tags=["offensive"])
    write_bulletin(root, date="2020-01-02", slug="new-year", title="New year", places=["Idleb"])
    return root


def quiet_build(archive: Path, out: Path, **options: object) -> tuple[BuildResult, str, str]:
    """Build; return the result, Sphinx's progress messages and the warnings."""
    status, warnings = io.StringIO(), io.StringIO()
    result = build(archive, out, ROOT / "docs", "html", status=status, warning=warnings, **options)
    return result, status.getvalue(), warnings.getvalue()


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def stamps(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def test_each_year_is_its_own_project_and_pages_keep_their_urls(tmp_path):
    archive = three_bulletins(tmp_path / "archive")
    result, _, warnings = quiet_build(archive, tmp_path / "out", jobs=2)
    assert result.status == 0, warnings
    assert "toctree" not in warnings  # a volume's pages carry no front matter: the extension makes them orphans
    assert set(result.built) == {"site", "test-daily/2019", "test-daily/2020"}
    html = result.outdir
    for page in ("index.html", "test-daily/index.html", "test-daily/2019/index.html", "test-daily/2020/01/index.html",
                 f"{LAST_2019}/index.html", f"{FIRST_2020}/index.html", "places/index.html"):
        assert (html / page).is_file(), page
    # Sphinx's own root files of a volume build stay in its work folder: shared files exist once, at the root.
    assert not list(html.glob("test-daily/*/_static")) and (html / "_static" / "dailyarchive.css").is_file()
    page = BeautifulSoup((html / f"{LAST_2019}/index.html").read_text(encoding="utf-8"), "html.parser")
    styles = [link["href"] for link in page.find_all("link", rel="stylesheet")]
    assert all((html / LAST_2019 / href.split("?")[0]).resolve().is_file() for href in styles), styles
    hrefs = {a["href"].split("#")[0] for a in page.find_all("a", href=True) if not a["href"].startswith(("http", "#"))}
    for href in hrefs:  # every link of a volume page, to its own volume, another or the site, leads to a file
        assert (html / LAST_2019 / href).resolve().exists(), href
    nexts = [a for a in page.find_all("a", href=True) if "new-year" in a["href"]]
    assert nexts, "the last bulletin of 2019 links the first of 2020"


def test_jobs_and_a_dask_cluster_build_the_same_bytes(tmp_path):
    distributed = pytest.importorskip("distributed")
    archive = three_bulletins(tmp_path / "archive")
    one, _, warnings = quiet_build(archive, tmp_path / "one", jobs=1)
    two, _, _ = quiet_build(archive, tmp_path / "two", jobs=2)
    with another_thread():  # the workers come from a fork server, not forked from this process
        served, _, _ = quiet_build(archive, tmp_path / "served", jobs=2)
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        dask, _, _ = quiet_build(archive, tmp_path / "dask", scheduler=cluster.scheduler_address)
    assert one.status == two.status == dask.status == 0, warnings
    assert set(dask.built) == {"site", "test-daily/2019", "test-daily/2020"}
    first = tree(one.outdir)
    assert tree(two.outdir) == first
    assert tree(served.outdir) == first
    assert tree(dask.outdir) == first


@contextmanager
def another_thread() -> Iterator[None]:
    """A second thread of this process, alive while the block runs."""
    done = threading.Event()
    waiting = threading.Thread(target=done.wait)
    waiting.start()
    try:
        yield
    finally:
        done.set()
        waiting.join()


#: Prints how a fresh process's workers would start: alone, beside a thread, and once vl-convert has drawn.
STARTS = """
import threading
from dailyarchive.build.volumes import worker_context

print(worker_context().get_start_method())
done = threading.Event()
beside = threading.Thread(target=done.wait)
beside.start()
print(worker_context().get_start_method())
done.set()
beside.join()
import vl_convert
vl_convert.vegalite_to_svg('{"mark": "point"}')
print(worker_context().get_start_method())
"""


def test_local_workers_are_forked_only_while_nothing_runs_beside_the_build():
    starts = subprocess.run([sys.executable, "-c", STARTS], capture_output=True, text=True, check=True).stdout.split()
    assert starts == ["fork", "forkserver", "forkserver"]


def test_an_unreachable_scheduler_is_a_message_within_seconds_and_nothing_is_written(tmp_path):
    archive = three_bulletins(tmp_path / "archive")
    out = tmp_path / "out"
    started = time.monotonic()
    with pytest.raises(SchedulerUnreachable, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        quiet_build(archive, out, scheduler="tcp://127.0.0.1:9")
    assert time.monotonic() - started < 30
    assert not out.exists()


def test_adding_a_bulletin_rebuilds_its_volume_and_the_site_only(tmp_path):
    archive = three_bulletins(tmp_path / "archive")
    out = tmp_path / "out"
    small_parts = {"dailyarchive_chronology_max_events": 1}  # past one event, the chronology has a page a year
    quiet_build(archive, out, jobs=2, overrides=small_parts)
    before = stamps(out / "html")
    # the first events: the chronology's pages of 2019 and 2020 are new pages of the site, which no volume links to
    write_bulletin(archive, date="2020-03-01", slug="spring", title="Spring",
                   events=[{"date": "2019-08-01", "what": "Shelling."}, {"date": "2020-03-01", "what": "Shelling."}])
    result, status, warnings = quiet_build(archive, out, jobs=2, overrides=small_parts)
    assert result.status == 0, warnings
    assert set(result.built) == {"site", "test-daily/2020"}
    assert (out / "html/chronology/2020.html").is_file()
    assert "configuration has changed" not in status
    changed = {p for p, t in stamps(out / "html").items() if before.get(p) != t}
    assert not [p for p in changed if p.startswith("test-daily/2019/")]
    assert f"{FIRST_2020}/index.html" in changed  # its "next" link is new
    again, status, _ = quiet_build(archive, out, jobs=2, overrides=small_parts)
    assert again.built == () and "configuration has changed" not in status
    assert not [p for p in stamps(out / "html") if p.endswith(".tmp")]


def test_a_no_change_rebuild_writes_nothing(tmp_path):
    archive = three_bulletins(tmp_path / "archive")
    out = tmp_path / "out"
    quiet_build(archive, out, jobs=2)
    before = stamps(out)
    result, _, _ = quiet_build(archive, out, jobs=2)
    assert result.status == 0 and result.built == ()
    lock = ".dailyarchive.lock"  # the build folder's lock file: taken by every build
    assert {k: v for k, v in stamps(out).items() if k != lock} == {k: v for k, v in before.items() if k != lock}


def test_a_failing_volume_names_itself_keeps_its_pages_and_the_others_build(tmp_path):
    archive = three_bulletins(tmp_path / "archive")
    out = tmp_path / "out"
    quiet_build(archive, out, jobs=2, warnings_as_errors=True)
    page = out / "html" / LAST_2019 / "index.html"
    old = page.read_bytes()
    write_bulletin(archive, date="2019-12-31", slug="year-end", title="Year end, corrected",
                   body="A {unknown-role}`text` here.\n")
    write_bulletin(archive, date="2020-01-02", slug="new-year", title="New year, corrected", places=["Idleb"])
    result, _, warnings = quiet_build(archive, out, jobs=2, warnings_as_errors=True)
    assert result.status != 0
    assert result.failed == ("test-daily/2019",)
    assert "the volume test-daily/2019 failed" in warnings
    version = (archive / "test-daily/2019/2019-12-31-year-end/v1.md").resolve()
    line = version.read_text(encoding="utf-8").splitlines().index("A {unknown-role}`text` here.") + 1
    assert f"{version}:{line}" in warnings  # the bulletin at fault, at its line
    assert page.read_bytes() == old
    assert "New year, corrected" in (out / "html" / FIRST_2020 / "index.html").read_text(encoding="utf-8")


def test_the_extension_in_another_project_leaves_its_source_folder_alone(tmp_path):
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    archive = three_bulletins(tmp_path / "archive")
    project = tmp_path / "project"
    project.mkdir()
    (project / "conf.py").write_text('extensions = ["dailyarchive.sphinxext"]\n'
                                     f'dailyarchive_archive = {str(archive)!r}\n', encoding="utf-8")
    (project / "index.md").write_text("# My project\n", encoding="utf-8")
    before = sorted(p.relative_to(project).as_posix() for p in project.rglob("*"))
    with docutils_namespace():
        app = Sphinx(str(project), str(project), str(tmp_path / "html"), str(tmp_path / "doctrees"), "html",
                     status=None, warning=io.StringIO())
        app.build()
    assert app.statuscode == 0
    assert sorted(p.relative_to(project).as_posix() for p in project.rglob("*")) == before
    assert (tmp_path / "html" / LAST_2019 / "index.html").is_file()


def test_incremental_equals_clean_through_adds_corrections_deletions_renames_and_settings(tmp_path):
    archive = three_bulletins(tmp_path / "archive")
    out = tmp_path / "incremental"
    quiet_build(archive, out, jobs=2)

    def add() -> None:
        write_bulletin(archive, date="2020-03-01", slug="spring", title="Spring", places=["Idlib Province"])

    def correct() -> None:
        write_bulletin(archive, date="2019-12-31", slug="year-end", version=2, title="Year end (corrected)",
                       tags=["offensive", "airstrikes"])

    def delete() -> None:
        import shutil

        shutil.rmtree(archive / "test-daily/2019/2019-07-09-summer")

    def rename() -> None:
        (archive / "test-daily/2020/2020-03-01-spring").rename(archive / "test-daily/2020/2020-03-01-early-spring")

    def gazetteer() -> None:
        places = archive / "places.yml"
        places.write_text(places.read_text(encoding="utf-8").replace("Idleb", "Edlib"), encoding="utf-8")
        write_bulletin(archive, date="2020-01-02", slug="new-year", title="New year", places=["Edlib"])

    steps = [("add", add, {}), ("correct", correct, {}), ("delete", delete, {}), ("rename", rename, {}),
             ("gazetteer", gazetteer, {}), ("settings", lambda: None, {"dailyarchive_latest_count": 1})]
    for number, (name, change, overrides) in enumerate(steps):
        change()
        incremental, _, warnings = quiet_build(archive, out, jobs=2, overrides=overrides)
        clean, _, _ = quiet_build(archive, tmp_path / f"clean-{number}", jobs=2, overrides=overrides)
        assert incremental.status == clean.status == 0, (name, warnings)
        got, want = tree(incremental.outdir), tree(clean.outdir)
        assert sorted(got) == sorted(want), (name, set(got) ^ set(want))
        assert [p for p in want if got[p] != want[p]] == [], name


class BrokenWorkers(ThreadPoolExecutor):
    """Workers that died: every job handed to them fails."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[override]
        failed: Future = Future()
        failed.set_exception(BrokenProcessPool("a worker died"))
        return failed


def test_the_staging_makes_here_what_dead_workers_could_not(tmp_path):
    from dailyarchive.build.stage import content_bytes
    from dailyarchive.build.stager import stage, stage_projects

    archive = three_bulletins(tmp_path / "archive")
    write_bulletin(archive, date="2019-07-10", slug="toll", title="Toll", figures=[
        {"measure": "killed", "group": "civilians", "value": 12, "qualifier": "at least", "kind": "running-total",
         "since": "2019-04-26", "place": "Idlib Province"}])
    with BrokenWorkers() as workers:
        staged = stage_projects(archive, ROOT / "docs", cache=tmp_path / "cache", workers=workers).finish()
    alone = stage(archive, ROOT / "docs")
    assert any(path.endswith(".svg") for path in staged.outputs) and "downloads/archive.sqlite" in staged.outputs
    assert {p: content_bytes(c) for p, c in staged.outputs.items()} == \
        {p: content_bytes(c) for p, c in alone.outputs.items()}


def test_the_projects_are_planned_before_the_sitemap_and_search_which_no_project_reads(tmp_path):
    from dailyarchive.build.stager import stage_projects

    archive = three_bulletins(tmp_path / "archive")
    staging = stage_projects(archive, ROOT / "docs", cache=tmp_path / "cache")
    planned = set(staging.site.outputs)
    assert not {"sitemap.xml", "robots.txt"} & planned and not [p for p in planned if p.startswith("_search/")]
    project_files = {path for project in staging.site.projects.values() for path in project.files}
    finished = set(staging.finish().outputs)
    assert {"sitemap.xml", "robots.txt"} <= finished and [p for p in finished if p.startswith("_search/")]
    assert not [p for p in finished - planned if p in project_files]  # nothing a project's build reads came late


def test_install_copies_only_pages_that_changed_and_repairs_an_installed_copy_edited_or_deleted(tmp_path):
    from dailyarchive.build.volumes import install

    built, html, manifest = tmp_path / "work" / "html", tmp_path / "html", tmp_path / "work" / "installed.txt"
    for name, text in {"index.html": "<p>home</p>", "places/aleppo/index.html": "<p>حلب</p>"}.items():
        (built / name).parent.mkdir(parents=True, exist_ok=True)
        (built / name).write_text(text, encoding="utf-8")
    assert install(built, html, "", manifest) == (2, 0)
    assert install(built, html, "", manifest) == (0, 0)
    (built / "index.html").write_text("<p>home</p>", encoding="utf-8")  # Sphinx wrote it again, the same
    before = (html / "index.html").stat().st_mtime_ns
    assert install(built, html, "", manifest) == (0, 0) and (html / "index.html").stat().st_mtime_ns == before
    (html / "index.html").write_text("<p>edited by hand</p>", encoding="utf-8")
    (html / "places/aleppo/index.html").unlink()
    assert install(built, html, "", manifest) == (2, 0)
    assert (html / "index.html").read_text(encoding="utf-8") == "<p>home</p>"
    assert (html / "places/aleppo/index.html").read_text(encoding="utf-8") == "<p>حلب</p>"
    (built / "places/aleppo/index.html").unlink()  # a page no longer built is removed
    assert install(built, html, "", manifest) == (0, 1) and not (html / "places/aleppo/index.html").exists()
