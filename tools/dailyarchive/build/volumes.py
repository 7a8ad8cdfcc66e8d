"""Build a staged site with Sphinx: the site project and one project per volume, side by side.

The parent stages (`stager.stage`), writes each project's sources into `<out>/stage/<name>/`
and hands a worker only a `ProjectJob` (paths and settings, never the catalog). A worker
builds its project with Sphinx into a private folder (`<out>/work/<name>/html`) and then
installs the project's pages into the shared HTML output one file at a time (temporary file,
then `os.replace`), so no reader ever sees a half-written page; the digest of what it built
is recorded last, so a killed build is repaired by the next one. A project whose digest is
unchanged is not built at all. Workers are a `concurrent.futures` executor: local processes
(`jobs`), or a Dask cluster's (`scheduler`), one code path.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import io
import json
import multiprocessing
import os
import resource
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import addresses
from ..model.collector import collector_eased
from ..model.errors import DailyArchiveError
from .stage import remove_stale, write_if_changed

#: Seconds to wait for a Dask scheduler before giving up.
CONNECT_TIMEOUT = 10
PACKAGE = Path(__file__).parents[1]
#: Pages Sphinx writes that are not documents of the project.
SPHINX_PAGES = frozenset({"genindex", "search", "py-modindex"})


class SchedulerUnreachable(DailyArchiveError):
    """The Dask scheduler given to the build could not be reached."""


class ProjectsFailed(DailyArchiveError):
    """Projects of a clean build failed: the new site is not whole, so the previous one stays."""

    def __init__(self, names: tuple[str, ...]) -> None:
        super().__init__(f"the build failed in {', '.join(names)} (see the messages above); the previous site "
                         "stays in place")
        self.names = names


@dataclass(frozen=True)
class ProjectJob:
    """Everything a worker needs to build one project: paths on storage the workers share, and settings."""

    name: str
    srcdir: str
    confdir: str
    workdir: str
    html: str
    digest: str
    overrides: dict[str, object] = field(default_factory=dict)
    strict: bool = False


@dataclass(frozen=True)
class ProjectResult:
    """How one project's build went: Sphinx's status, its warnings (text), and the pages installed."""

    name: str
    status: int
    warnings: int
    messages: str
    written: int = 0
    removed: int = 0
    error: str = ""
    #: Sphinx's own progress messages.
    log: str = ""
    #: The pages were installed (a project whose Sphinx build crashed, or warned under `strict`, keeps its
    #: previous pages; one whose build reported errors, such as a withheld body, is installed and fails).
    installed: bool = False
    #: CPU seconds the worker spent on this project, and the worker process's peak memory (MB) so far.
    cpu_s: float = 0.0
    peak_rss_mb: float = 0.0


def build_project(job: ProjectJob) -> ProjectResult:
    """Build one project with Sphinx and install its pages (runs in a worker process)."""
    started = time.process_time()
    with collector_eased():
        result = _build_project(job)
    return replace(result, cpu_s=round(time.process_time() - started, 2),
                   peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1))


def _build_project(job: ProjectJob) -> ProjectResult:
    from sphinx.application import Sphinx
    from sphinx.errors import SphinxError
    from sphinx.util.docutils import docutils_namespace

    work = Path(job.workdir)
    status, warning = io.StringIO(), io.StringIO()
    try:
        with docutils_namespace():
            app = Sphinx(job.srcdir, job.confdir, str(work / "html"), str(work / "doctrees"), "html",
                         confoverrides=dict(job.overrides), status=status, warning=warning,
                         warningiserror=job.strict, keep_going=True)
            app.build()
    except (SphinxError, OSError, ValueError) as exc:
        return ProjectResult(job.name, 1, 0, warning.getvalue(), error=f"{type(exc).__name__}: {exc}",
                             log=status.getvalue())
    if app.statuscode and job.strict:
        return ProjectResult(job.name, app.statuscode, app._warncount, warning.getvalue(), log=status.getvalue())
    prune_removed(work / "html", addresses.volume_prefix(job.name), app.env)
    written, removed = install(work / "html", Path(job.html), addresses.volume_prefix(job.name),
                               work / "installed.txt")
    if not app.statuscode:  # a project that reported errors is built again next time, until it has none
        write_if_changed(work / "built.txt", job.digest + "\n")
    return ProjectResult(job.name, app.statuscode, app._warncount, warning.getvalue(), written, removed,
                         log=status.getvalue(), installed=True)


def prune_removed(built: Path, prefix: str, env: object) -> None:
    """Delete the pages and images Sphinx left in its output for documents no longer in the project.

    Sphinx writes the pages of the documents it has and never deletes the page of a document that
    was removed; nor an image no document uses any more.
    """
    keep = set(env.found_docs) | SPHINX_PAGES  # type: ignore[attr-defined]
    root = built / prefix if prefix else built
    for page in root.rglob("*.html") if root.is_dir() else []:
        if page.relative_to(built).as_posix().removesuffix(".html") not in keep:
            page.unlink()
    if prefix:  # a volume's own images (the site's hold Sphinx's generated diagrams too)
        images = {unique for _, unique in env.images.values()}  # type: ignore[attr-defined]
        imagedir = root / "_images"
        for image in imagedir.iterdir() if imagedir.is_dir() else []:
            if image.name not in images:
                image.unlink()


def install(built: Path, html: Path, prefix: str, manifest: Path) -> tuple[int, int]:
    """Copy a project's pages (under `prefix` of `built`) into `html`, only what changed; drop stale ones.

    A volume installs only its own folder (`<series>/<year>/`): Sphinx's root files of a volume
    build (its `_static`, `genindex.html`, `search.html`) are the site's, installed once by the site.
    A ledger beside `manifest` records each page's size and time, as built and as installed: a page
    Sphinx did not write again, whose installed copy is as recorded, is not read (the site's 900 pages,
    50 MB at 10,000 bulletins, were read twice at every build for the few that changed).
    """
    source = built / prefix if prefix else built
    files = sorted(p for p in source.rglob("*") if p.is_file()) if source.is_dir() else []
    paths = [(prefix + p.relative_to(source).as_posix()) for p in files]
    ledger = manifest.with_suffix(".sums")
    known, record, written = read_json(ledger), {}, 0
    for path, file in zip(paths, files):
        made, target = file.stat(), html / path
        stamp = [made.st_size, made.st_mtime_ns, *_size_and_time(target)]
        if known.get(path) != stamp:
            written += write_if_changed(target, file.read_bytes())
            stamp[2:] = _size_and_time(target)
        record[path] = stamp
    if record != known:
        write_if_changed(ledger, json.dumps(record, sort_keys=True))
    return written, remove_stale(html, paths, manifest)


def _size_and_time(path: Path) -> list[int]:
    """The size and modification time (ns) of the file at `path`, or [-1, -1] when there is none."""
    try:
        info = path.stat()
    except OSError:
        return [-1, -1]
    return [info.st_size, info.st_mtime_ns]


def built_digest(workdir: Path) -> str:
    """The digest of the sources a project was last built and installed from ('' when never)."""
    try:
        return (workdir / "built.txt").read_text(encoding="utf-8").strip()
    except OSError:
        return ""


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """A hash of the toolkit's own files: a new version of the toolkit rebuilds every project."""
    total = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".js", ".css", ".html"} and "__pycache__" not in path.parts:
            total.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return total.hexdigest()


@contextmanager
def executor(jobs: int, scheduler: str | None = None) -> Iterator[tuple[Executor, Executor | None]]:
    """Worker processes on this machine (`jobs` of them), or the workers of a Dask cluster at `scheduler`; and
    the process that draws the charts' SVGs (`drawer`; None on a cluster, whose workers draw them)."""
    if scheduler:
        with dask_client(scheduler) as client:
            yield client.get_executor(), None
        return
    context = worker_context()
    with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=context) as pool:
        if context.get_start_method() == "fork":
            pool.submit(_started)  # forks every worker now, from this thread, before anything is read
        with drawer(context) as drawing:
            yield pool, drawing


@contextmanager
def drawer(context: multiprocessing.context.BaseContext) -> Iterator[Executor]:
    """One more process, started as the workers were, that draws the charts' SVGs with vl-convert while they
    build. vl-convert's JavaScript engine takes about 0.4 s of CPU to start in a process (on one and a half
    cores), so one process that draws every SVG starts it once, while it is idle, where the workers each
    started it. It is forked while the pool's threads run, which is safe here: it draws and does nothing
    else (no Sphinx, no queue of the pool; see `worker_context`). The build starts its engine once it knows
    it has something to build (`stager.warm_up`): a rebuild with nothing changed draws nothing."""
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as drawing:
        drawing.submit(_started)  # forked now, beside the workers
        yield drawing


def worker_context() -> multiprocessing.context.BaseContext:
    """How the local workers start: forked from this process while it runs nothing beside, so they start at
    once with the toolkit and Sphinx imported (a fork server imports them again, about 1.3 s of CPU beside the
    staging); from a fork server otherwise. A fork copies whatever locks the other threads hold, and a worker
    that needs one waits for ever: the threads of Python (`invoke serve`'s) and those of vl-convert's engine,
    which runs in a process once it has drawn a chart (its module is imported to draw). Some systems cannot
    fork at all."""
    alone = threading.active_count() == 1 and "vl_convert" not in sys.modules
    if alone and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    # the workers build Sphinx projects and do the stager's work aside (charts, with Altair; the catalog's files)
    context.set_forkserver_preload(["dailyarchive.build.volumes", "dailyarchive.build.stager", "dailyarchive.sphinxext",
                                    "sphinx.application"])
    return context


def start_workers(pool: Executor, count: int = 1, warm_up: Callable[[], object] | None = None) -> None:
    """Start `count` of the pool's workers now, so that their start-up (importing Sphinx's extensions, and
    `warm_up`: on a cluster, vl-convert's start, `stager.warm_up`) runs beside the staging.

    From a thread: a fork server's first submit waits while it imports Sphinx.
    """
    threading.Thread(target=_submit_start, args=(pool, count, warm_up or _started), daemon=True).start()


def _submit_start(pool: Executor, count: int, warm_up: Callable[[], object]) -> None:
    try:
        for _ in range(count):  # a local pool starts a worker for each job that finds none idle
            pool.submit(_warm_up, warm_up)
    except RuntimeError:  # the pool shut down first (the staging failed) or broke: the builds report it
        pass


def _warm_up(then: Callable[[], object]) -> object:
    """Import what every Sphinx build of a project loads (Sphinx's own extensions, which bring `requests`, and
    MyST), so that a worker's first build does not wait for it (about 0.4 s), then run `then`."""
    from sphinx.application import builtin_extensions

    for name in (*builtin_extensions, "myst_parser"):
        importlib.import_module(name)
    return then()


def _started() -> bool:
    return True


@contextmanager
def dask_client(scheduler: str) -> Iterator[object]:
    """A client of the Dask scheduler at `scheduler` (`tcp://HOST:PORT`); SchedulerUnreachable after a timeout."""
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - distributed is a dependency
        raise SchedulerUnreachable("the `distributed` package is not installed: pip install distributed") from exc
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise SchedulerUnreachable(
            f"cannot reach the Dask scheduler at {scheduler} within {CONNECT_TIMEOUT} s ({exc}); start one with "
            "`dask scheduler` and workers with `dask worker tcp://HOST:8786`, or build without --scheduler") from None
    try:
        yield client
    finally:
        client.close()


def default_jobs() -> int:
    """The number of cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def read_json(path: Path) -> dict[str, object]:
    """A small JSON state file, or {} when missing or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
