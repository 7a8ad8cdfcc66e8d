"""Run Sphinx on the docs project with an archive: the build behind `invoke build`.

HTML builds stage the site once (`stager.stage`) and build one Sphinx project per volume
(series-year) beside the site project, in worker processes or on a Dask cluster
(`volumes`); other builders (EPUB, LaTeX) build the archive as one project through the
extension.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

from .. import addresses
from ..model.collector import collector_paused
from ..model.errors import Problem, _printable
from ..build.locks import hold
from ..build.stage import (LedgeredWriter, kept_files, remove_files, remove_stale, sync_files, unused_texts,
                           write_if_changed)
from ..sphinxext._outputs import NO_BASEURL
from ..build.stager import Site, StageSettings, Staging, digest_of, project_docnames, stage_projects, warm_up
from ..build.volumes import (ProjectJob, ProjectsFailed, ProjectResult, build_project, built_digest, code_digest, default_jobs, executor,
                       read_json, start_workers)
from ._manifest import DownloadFile, manifest_json
from .onesite import one_site

DOCS_MANIFEST = f"{addresses.INCLUDE_DIR}/docs.txt"
SKIP_PARTS = {"_build", "__pycache__", ".ipynb_checkpoints"}


@dataclass(frozen=True)
class BuildResult:
    """Where a build put its output and how it went."""

    outdir: Path
    status: int
    warnings: int
    #: Projects built by this build (`site`, `<series>/<year>`), those that failed, and those of them that
    #: kept their previous pages (their build crashed, or warned under `strict`).
    built: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    #: CPU seconds of the workers' builds, and the largest worker's peak memory (MB).
    workers_cpu_s: float = 0.0
    worker_peak_rss_mb: float = 0.0


def stage_docs(docs: Path, srcdir: Path) -> int:
    """Copy the hand-written docs project into the staging source folder (only changed files)."""
    files = {
        path.relative_to(docs).as_posix(): path.read_bytes()
        for path in sorted(docs.rglob("*"))
        if path.is_file() and not SKIP_PARTS.intersection(path.relative_to(docs).parts)
    }
    written, _ = sync_files(srcdir, files, DOCS_MANIFEST)
    return written


def build(archive: Path, out: Path, docs: Path, builder: str = "html", warnings_as_errors: bool = False,
          status: TextIO | None = sys.stdout, warning: TextIO | None = sys.stderr,
          overrides: dict[str, object] | None = None, lock_wait: float = 10.0, jobs: int | None = None,
          scheduler: str | None = None, downloads: tuple[DownloadFile, ...] = ()) -> BuildResult:
    """Build `docs` with the archive at `archive` into `out/<builder>`; sources are staged in `out/`.

    Holds `out`'s lock (another build into `out` waits up to `lock_wait` seconds, then `LockHeld`);
    a build of another archive or docs than the last one builds clean and swaps in (`onesite`).
    HTML: volumes built by `jobs` worker processes (default: one a core) or on the Dask cluster
    at `scheduler` (`tcp://HOST:PORT`; `SchedulerUnreachable` before anything is written).
    `downloads`: the files built before the site (PDF, EPUB) that the downloads page lists.
    """
    if builder != "html":
        return build_single(archive, out, docs, builder, warnings_as_errors, status, warning, overrides, lock_wait)
    with executor(jobs or default_jobs(), scheduler) as (pool, drawer):
        out.mkdir(parents=True, exist_ok=True)
        with hold(out, "build", wait=lock_wait), one_site(out, builder, archive, docs) as outdir:
            result = build_volumes(archive, out.resolve(), outdir.resolve(), docs, pool, warnings_as_errors,
                                   status, warning, overrides or {}, downloads, jobs or default_jobs(), drawer)
            if result.kept and outdir != out / builder:  # a clean build that is not whole is not swapped in
                raise ProjectsFailed(result.kept)
    return replace(result, outdir=out / builder)


def warning_line(problem: Problem) -> str:
    """A problem as Sphinx prints a warning of type `dailyarchive` (the extension's own form)."""
    return _printable(f"{problem.path}:{problem.line}: WARNING: {problem.message} ({problem.rule}) "
                      f"[dailyarchive.{problem.rule}]")


def conf_values(docs: Path, overrides: dict[str, object]) -> dict[str, object]:
    """The values of the docs project's conf.py, then the overrides (what Sphinx will see)."""
    from sphinx.config import eval_config_file
    from sphinx.util.tags import Tags

    conf = docs.resolve() / "conf.py"  # Sphinx reads it from inside its folder
    return {**(eval_config_file(conf, Tags()) if conf.is_file() else {}), **overrides}


def suppressed(problem: Problem, suppress: object) -> bool:
    """True when conf.py's `suppress_warnings` silences the problem (`dailyarchive` or `dailyarchive.<rule>`)."""
    names = set(suppress) if isinstance(suppress, (list, tuple, set)) else set()
    return bool(names & {"dailyarchive", f"dailyarchive.{problem.rule}", "dailyarchive.*"})


def stage_settings(docs: Path, overrides: dict[str, object]) -> StageSettings:
    """The stager's settings: the `dailyarchive_*` values of the docs project's conf.py, then the overrides."""
    fields = {"dailyarchive_latest_count": "latest_count", "dailyarchive_charts_per_bulletin": "charts_per_bulletin",
              "dailyarchive_chronology_max_events": "chronology_max_events", "dailyarchive_baseurl": "baseurl",
              "dailyarchive_search": "search"}
    values = conf_values(docs, overrides)
    if not values.get("dailyarchive_baseurl") and values.get("html_baseurl"):
        values["dailyarchive_baseurl"] = values["html_baseurl"]
    return StageSettings(**{fields[k]: v for k, v in values.items() if k in fields})  # type: ignore[arg-type]


def inputs_fingerprint(archive: Path, docs: Path, settings: object, overrides: dict[str, object],
                       strict: bool) -> str:
    """A hash of what a build reads, by name, size and time: equal fingerprints need no build at all."""
    stats = sorted(line for root in (archive, docs) for line in _file_stats(root))
    stats += [repr(settings), repr(sorted(overrides.items())), str(strict), code_digest()]
    return digest_of({"inputs": "\n".join(stats)})


def _file_stats(root: Path) -> Iterator[str]:
    """`path\0size\0time` of every file below `root` (outside `_build` folders), one `scandir` a folder."""
    folders = [str(root)]
    while folders:
        folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "_build":
                    folders.append(entry.path)
            elif entry.is_file():
                info = entry.stat()
                yield f"{entry.path}\0{info.st_size}\0{info.st_mtime_ns}"


@collector_paused()  # the parent holds the catalog and every page: a full pass of the collector costs 0.1 s or more
def build_volumes(archive: Path, out: Path, html: Path, docs: Path, pool: object, strict: bool,
                  status: TextIO | None, warning: TextIO | None, overrides: dict[str, object],
                  downloads: tuple[DownloadFile, ...] = (), jobs: int = 1,
                  drawer: Executor | None = None) -> BuildResult:
    """Stage the site, build the projects whose sources changed, install them and the output files (`jobs`:
    how many workers to start while the archive is read; `drawer`: the process that draws the charts' SVGs,
    None: the workers draw them)."""
    settings = stage_settings(docs, overrides)
    state_path = out / "stage" / "state.json"
    fingerprint = inputs_fingerprint(archive, docs, settings, overrides, strict)
    fingerprint = digest_of({"inputs": fingerprint, "downloads": repr(downloads)})
    state = read_json(state_path)
    if state.get("fingerprint") == fingerprint and html.is_dir():
        _print(warning, str(state.get("messages", "")))
        _print(status, "dailyarchive: nothing changed since the last build")
        return BuildResult(html, 0, int(state.get("warnings", 0)))  # type: ignore[arg-type]
    start_workers(pool, jobs, None if drawer is not None else warm_up)  # type: ignore[arg-type]
    if drawer is not None:
        drawer.submit(warm_up)
    staging = stage_projects(archive, docs, settings, cache=out / "cache", workers=pool,  # type: ignore[arg-type]
                             drawer=drawer, install_into=(html, out / "stage" / "outputs-catalog.sums"))
    site = staging.site
    # the downloads page's table (publish._manifest): the site project alone depends on it
    site.projects[addresses.SITE_PROJECT].files[addresses.DOWNLOADS_MANIFEST] = manifest_json(
        site.outputs, downloads, dt.date.today())
    suppress = conf_values(docs, overrides).get("suppress_warnings", [])
    shown = [p for p in site.problems if not suppressed(p, suppress)]
    messages = [warning_line(p) for p in shown]
    if not settings.baseurl.strip():
        messages.append(f"WARNING: {NO_BASEURL} [dailyarchive.baseurl]")
    problems, seal_broken = len(shown), site.seal_broken
    _print(status, f"dailyarchive: {site.summary}")
    used = kept_files(content for project in site.projects.values() for content in project.files.values())
    projects = len(site.projects)
    jobs: list[ProjectJob] = []
    building: list[Future[ProjectResult]] = []
    try:
        for job in project_jobs(site, out, html, docs, overrides, strict):  # each starts once its sources are written
            jobs.append(job)
            building.append(pool.submit(build_project, job))  # type: ignore[attr-defined]
        written, removed = install_outputs(staging, out, html)  # made and installed while Sphinx builds
        used |= kept_files(site.outputs.values()) | set(site.installed.kept)
    except BaseException:
        for future in building:  # what has not started will not; the state stays stale, so the next build redoes it
            future.cancel()
        raise
    del site, staging  # nothing large stays alive in the parent while the workers finish
    unused = unused_texts(out / "cache", used)  # while the workers build; removed if the build succeeds
    results = collect_results(jobs, building, status)
    failed = tuple(r.name for r in results if r.status)
    for result in results:
        messages += [in_archive(line, out / "stage", archive) for line in project_messages(result)]
    warnings = problems + (not settings.baseurl.strip()) + sum(r.warnings for r in results)
    text = "".join(f"{m}\n" for m in messages)
    _print(warning, text)
    _print(status, f"dailyarchive: {projects} projects, {len(results)} built"
                   f"{f', {len(failed)} failed' if failed else ''}; {written} output files written, {removed} removed")
    if seal_broken:
        messages.append("sealed files of the archive changed or cannot be proved intact: the build fails "
                        "(see the fixity problems above)")
    code = 1 if failed or seal_broken or (strict and (problems or not settings.baseurl.strip())) else 0
    if not code:
        remove_files(unused)
        write_if_changed(state_path, json.dumps({"fingerprint": fingerprint, "warnings": warnings, "messages": text}))
    else:
        state_path.unlink(missing_ok=True)
    return BuildResult(html, code, warnings, tuple(r.name for r in results), failed,
                       tuple(r.name for r in results if not r.installed),
                       round(sum(r.cpu_s for r in results), 2), max((r.peak_rss_mb for r in results), default=0.0))


def project_jobs(site: Site, out: Path, html: Path, docs: Path, overrides: dict[str, object],
                 strict: bool) -> Iterator[ProjectJob]:
    """Write the sources of every project whose digest changed and describe its build, one project at a time, so
    that a build starts each as soon as its sources are written (the site first: it is the largest, so it starts
    while the volumes share the other workers)."""
    conf = {path: content for path, content in site.projects[addresses.SITE_PROJECT].files.items()
            if not path.endswith(".md") and not path.startswith(addresses.INCLUDE_DIR + "/")}
    shared = digest_of({"conf": digest_of(conf), "code": code_digest(), "overrides": repr(sorted(overrides.items())),
                        "strict": str(strict)})
    site_docs = "".join(f"{d}\n" for d in theme_docs(project_docnames(site.projects[addresses.SITE_PROJECT].files)))
    confdir = out / "stage" / "site"
    for name, project in sorted(site.projects.items(), key=lambda item: item[0] != addresses.SITE_PROJECT):
        volume = name != addresses.SITE_PROJECT
        if volume:
            project.files[addresses.SITE_DOCS] = site_docs
        srcdir = out / "stage" / ("volumes/" + name if volume else "site")
        workdir = out / "work" / ("volumes/" + name if volume else "site")
        digest = digest_of({"files": project.digest, "shared": shared})
        files, project.files = project.files, {}
        if digest == built_digest(workdir) and (workdir / "installed.txt").is_file():
            continue
        sync_files(srcdir, files, f"{addresses.INCLUDE_DIR}/staged.txt")
        yield ProjectJob(name, str(srcdir), str(confdir), str(workdir), str(html), digest,
                         {"dailyarchive_archive": "", "dailyarchive_volume": name if volume else "",
                          "dailyarchive_site_links": True, "dailyarchive_cache": str(out / "cache"),
                          **({"root_doc": f"{name}/index"} if volume else {}), **overrides}, strict)


def theme_docs(docnames: Iterable[str]) -> list[str]:
    """The site's pages a volume's theme may ask for (`hasdoc`: the search, data and downloads pages, the
    chronology's index): its top-level pages and folder indexes. Name pages, months and chronology parts come
    and go with the archive and no template asks for them, so they are left out: a new one rebuilds no volume."""
    return sorted(d for d in docnames if d.count("/") == 0 or (d.count("/") == 1 and d.endswith("/index")))


def collect_results(jobs: list[ProjectJob], futures: list[Future[ProjectResult]],
                    status: TextIO | None) -> list[ProjectResult]:
    """Wait for the projects' builds; results in the order of `jobs` (a worker that died: that project failed)."""
    results = []
    for job, future in zip(jobs, futures):
        try:
            result = future.result()
        except Exception as exc:  # a worker that died or a cluster that went away: that project failed
            result = ProjectResult(job.name, 1, 0, "", error=f"{type(exc).__name__}: {exc}")
        _print(status, result.log)
        _print(status, f"dailyarchive: built {result.name}: status {result.status}, {result.warnings} warning(s), "
                       f"{result.written} files installed, {result.removed} removed")
        results.append(result)
    return results


def project_messages(result: ProjectResult) -> list[str]:
    """The warnings of a project's build, and what failed, naming the project."""
    kind = "site" if result.name == addresses.SITE_PROJECT else f"volume {result.name}"
    lines = [line for line in result.messages.splitlines() if line.strip()]
    if result.status and not result.installed:
        reason = result.error or "Sphinx reported errors (see the warnings above)"
        lines.append(f"the {kind} failed: {reason}; its previous pages stay in place")
    elif result.status:
        lines.append(f"the {kind} failed: Sphinx reported errors (see the warnings above)")
    return lines


def in_archive(message: str, stage: Path, archive: Path) -> str:
    """A warning about a staged body, pointed at the version file of the archive and its line there."""
    match = re.search(re.escape(str(stage)) + r"/volumes/[^/]+/[^/]+/" + re.escape(addresses.BODY_DIR)
                      + r"/((?:[^/:\s]+/){3}v\d+\.md):(\d+)", message)
    if match is None:
        return message
    version = archive.resolve() / match.group(1)
    try:
        lines = version.read_text(encoding="utf-8").splitlines()
        closing = lines.index("---", 1) + 1  # the line of the front matter's closing ---
    except (OSError, UnicodeDecodeError, ValueError):
        return message
    line = closing + int(match.group(2)) - 1  # the staged body starts with an empty line
    return message[:match.start()] + f"{version}:{line}" + message[match.end():]


def install_outputs(staging: Staging, out: Path, html: Path) -> tuple[int, int]:
    """Finish the staging and write the output files (feeds, search, SVGs, downloads, ...) into `html`, each part
    as soon as it is made (`Staging.finish`); remove those no longer made. (written, removed)."""
    installing = LedgeredWriter(html, out / "stage" / "outputs.sums")
    installing.write(staging.site.outputs)  # the data downloads and the static pages
    site = staging.finish(arrived=installing.write)
    written = installing.close() + site.installed.written  # and those the worker that made them installed
    return written, remove_stale(html, sorted([*site.outputs, *site.installed.paths]), out / "stage" / "outputs.txt")


def _print(stream: TextIO | None, text: str) -> None:
    if stream is not None and text.strip():
        print(text.rstrip("\n"), file=stream)


def build_single(archive: Path, out: Path, docs: Path, builder: str = "html", warnings_as_errors: bool = False,
                 status: TextIO | None = sys.stdout, warning: TextIO | None = sys.stderr,
                 overrides: dict[str, object] | None = None, lock_wait: float = 10.0) -> BuildResult:
    """Build `docs` with the archive at `archive` into `out/<builder>`; sources are staged in `out/src`.

    Holds `out`'s lock (another build into `out` waits up to `lock_wait` seconds, then `LockHeld`);
    a build of another archive or docs than the last one builds clean and swaps in (`onesite`).
    """
    out.mkdir(parents=True, exist_ok=True)
    with hold(out, "build", wait=lock_wait), one_site(out, builder, archive, docs) as outdir:
        srcdir = out / "src"
        stage_docs(docs, srcdir)
        confoverrides = {"dailyarchive_archive": str(archive.resolve()), **(overrides or {})}
        with docutils_namespace():
            app = Sphinx(str(srcdir), str(srcdir), str(outdir), str(out / "doctrees" / builder), builder,
                         confoverrides=confoverrides, status=status, warning=warning,
                         warningiserror=warnings_as_errors, keep_going=True)
            if outdir != out / builder:
                app.builder.epilog = ""  # it would name the fresh folder, gone once swapped in
            app.build()
    return BuildResult(out / builder, app.statuscode, app._warncount)
