"""Benchmark of the archive build: check, plain-Sphinx floor, full build, add one, correct one, sizes.

Every timed step runs in a fresh `python -m dailyarchive.harness.bench STEP REPORT ARGS...` process, so
memory and time are clean; the child writes a small JSON report (status, peak memory) and the
parent times the whole process (start-up included: what a user waits for).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import platform
import random
import re
import resource
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import yaml

from .generate import append_bulletin, generate_archive, write_correction
from ..model.load import split_front_matter
from .timelinebench import KEYS as TIMELINE_KEYS
from .timelinebench import timeline_figures

#: Every key of bench.json, in table order, with what it means.
KEYS = {
    "bulletins": "bulletins in the generated archive",
    "check_s": "`invoke check` on the archive (load + every rule), seconds",
    "floor_s": "plain Sphinx + MyST, same bodies and folders, no extension, no sidebar, seconds",
    "build_s": "full HTML build (dailyarchive.publish.html.build), seconds",
    "ratio": "build_s / floor_s",
    "add_one_s": "add one bulletin, rebuild, seconds",
    "add_one_pages_written": "HTML files written (new or changed mtime) by that rebuild",
    "touch_one_s": "add a new version to one bulletin, rebuild, seconds",
    "touch_one_pages_written": "HTML files written by that rebuild",
    "peak_rss_mb": "peak memory of the full build (largest of the process and its children), MB",
    "noop_s": "rebuild with nothing changed, seconds",
    "jobs": "worker processes of the build (volumes side by side)",
    "peak_rss_parent_mb": "peak memory of the build's parent process (stager and catalog), MB",
    "peak_rss_worker_mb": "peak memory of the largest worker (its volume builds and the stager's work aside), MB",
    "html_mb": "size of the HTML output folder, MB",
    "search_index_mb": "bytes a reader loads to search one year (largest year shard + manifest, else searchindex.js), MB",
    "largest_page_kb": "largest HTML page, KB",
    "pdf_year_s": "PDF of one year (null when TeX or a PDF builder is missing), seconds",
    **TIMELINE_KEYS,
}
#: Further keys of bench.json shown in the table: CPU seconds are steadier than wall time on a busy machine.
EXTRA_KEYS = {
    "ratio_cpu": "build CPU seconds / floor CPU seconds",
    "floor_cpu_s": "CPU seconds (user + system, process and children) of the floor build",
    "build_cpu_s": "CPU seconds of the full build",
    "add_one_cpu_s": "CPU seconds of the add-one rebuild",
    "touch_one_cpu_s": "CPU seconds of the touch-one rebuild",
    "noop_cpu_s": "CPU seconds of the no-change rebuild",
    "check_cpu_s": "CPU seconds of the check",
    "load_avg": "1-minute load average at the start and the end of the run (2 cores: above 2 means contention)",
}
#: Targets of issues 6 and 11 at 10,000 bulletins: key -> largest acceptable value.
TARGETS = {"check_s": 5, "ratio": 0.8, "ratio_cpu": 1.2, "add_one_s": 5, "touch_one_s": 5, "noop_s": 3,
           "peak_rss_mb": 1024, "peak_rss_parent_mb": 1024, "peak_rss_worker_mb": 1024,
           "largest_page_kb": 500, "search_index_mb": 2, "pdf_year_s": 60,
           "timeline_first_draw_ms": 1000, "timeline_zoom_ms": 100, "timeline_mb": 2}
_PUNCTUATION = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")  # escaped so MyST renders titles literally
YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
Progress = Callable[[str], None]


@dataclass(frozen=True)
class StepResult:
    """One timed child process: wall time, exit status, and what it reported."""

    seconds: float
    status: int
    report: dict[str, Any]


def run_bench(bulletins: int, out: Path, docs: Path, seed: int = 0, series: int = 1,
              progress: Progress | None = None, floor: bool = True) -> dict[str, Any]:
    """Generate an archive in `out/archive`, measure every KEYS entry on it, write `out/bench.json`.

    Without `floor`, the plain-Sphinx floor is not built (its keys and the ratios stay null).
    """
    report = progress or (lambda message: None)
    archive, logs = out / "archive", out / "logs"
    for folder in (archive, out / "floor", out / "site", logs):
        shutil.rmtree(folder, ignore_errors=True)
    logs.mkdir(parents=True)
    load_start = os.getloadavg()[0]
    result: dict[str, Any] = {"bulletins": bulletins, "complete": False}

    def say(message: str) -> None:
        """Report the next step, and keep bench.json current so a long run that is cut short still says something."""
        _write(out, result)
        report(message)

    say(f"generating {bulletins} bulletins in {archive}")
    started = time.perf_counter()
    generated = generate_archive(archive, bulletins, series=series, seed=seed)
    result |= {"versions": generated.versions, "generate_s": round(time.perf_counter() - started, 2)}
    say("check: loading and checking the archive")
    check = run_step("check", [archive], logs / "check.log")
    result |= {"check_s": check.seconds, "check_cpu_s": check.report.get("cpu_s"), "check_errors": check.report.get("errors")}
    floor_step = StepResult(0.0, 0, {})
    if floor:
        say("floor: plain Sphinx + MyST on the same bodies")
        result["floor_pages"] = stage_floor(archive, out / "floor" / "src")
        floor_step = run_step("floor", [out / "floor"], logs / "floor.log")
        result |= {"floor_s": floor_step.seconds, "floor_cpu_s": floor_step.report.get("cpu_s"),
                   "floor_status": floor_step.status}
    site, html = out / "site", out / "site" / "html"
    say("build: full HTML build")
    build = run_step("build", [archive, site, docs], logs / "build.log")
    result |= {"build_s": build.seconds, "build_status": build.status, "build_warnings": build.report.get("warnings"),
               "peak_rss_mb": build.report.get("peak_rss_mb"), "jobs": build.report.get("jobs"),
               "peak_rss_parent_mb": build.report.get("peak_rss_parent_mb"),
               "peak_rss_worker_mb": build.report.get("peak_rss_worker_mb"),
               "ratio": round(build.seconds / floor_step.seconds, 3) if floor_step.seconds else None,
               "build_cpu_s": build.report.get("cpu_s"), "ratio_cpu": _ratio(build.report, floor_step.report)}
    if build.status:
        say(f"build failed (status {build.status}): see {logs / 'build.log'}; skipping the rebuilds")
        result["error"] = f"full build failed: see {logs / 'build.log'}"
        return _write(out, result)
    result |= output_sizes(html)
    say("timeline: first draw, one zoom step and bytes loaded in Chromium")
    result |= timeline_figures(html)
    say("add one: one new bulletin, then rebuild")
    append_bulletin(archive, seed=seed + 1)
    result["add_one_s"], result["add_one_pages_written"], result["add_one_cpu_s"] = _rebuild(
        archive, site, docs, logs / "add-one.log")
    say("touch one: a new version of one bulletin, then rebuild")
    folders = sorted(archive.glob(f"{generated.series[0]}/*/*-*/"))
    write_correction(folders[len(folders) // 2], random.Random(seed + 2))
    result["touch_one_s"], result["touch_one_pages_written"], result["touch_one_cpu_s"] = _rebuild(
        archive, site, docs, logs / "touch-one.log")
    say("no change: rebuild again")
    result["noop_s"], result["noop_pages_written"], result["noop_cpu_s"] = _rebuild(
        archive, site, docs, logs / "noop.log")
    result |= pdf_year(archive, out, docs, logs, say)
    result |= {"load_avg": [round(load_start, 2), round(os.getloadavg()[0], 2)], "complete": True}
    return _write(out, result)


def _write(out: Path, result: dict[str, Any]) -> dict[str, Any]:
    """Write bench.json with every KEYS entry first (None when not measured); return what was written."""
    result = result | {"machine": machine()}
    ordered = {key: result.get(key) for key in KEYS} | {k: v for k, v in result.items() if k not in KEYS}
    (out / "bench.json").write_text(json.dumps(ordered, indent=2) + "\n", encoding="utf-8")
    return ordered


def run_step(step: str, args: list[Path | str], log: Path) -> StepResult:
    """Run one step in a fresh Python process with its output in `log`; time it and read its report."""
    report = log.with_suffix(".json")
    report.unlink(missing_ok=True)
    command = [sys.executable, "-m", "dailyarchive.harness.bench", step, str(report), *map(str, args)]
    with log.open("w", encoding="utf-8") as stream:
        status, seconds, cpu = run_counted(command, stream)
    data = json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
    if cpu is not None:
        data["cpu_s"] = cpu
    return StepResult(seconds, status, data)


def run_counted(command: list[str], output: IO[str]) -> tuple[int, float, float | None]:
    """Run `command` with its output in `output`; its exit status, wall seconds, and the CPU seconds of every
    process it started, whoever their parent was (None where this process cannot adopt orphans)."""
    adopting = _adopt_orphans()
    children, cpu_before = _children(), _children_cpu_s()
    started = time.perf_counter()
    status = subprocess.run(command, stdout=output, stderr=subprocess.STDOUT).returncode
    seconds = round(time.perf_counter() - started, 2)
    for pid in _children() - children:  # what the command left running and this process adopted (a fork server)
        _wait(pid)
    return status, seconds, round(_children_cpu_s() - cpu_before, 2) if adopting else None


def _adopt_orphans() -> bool:
    """Make this process adopt the processes a step leaves behind (Linux's PR_SET_CHILD_SUBREAPER), so that
    their CPU time is counted when they end. A fork server outlives the build that started it, and reaps the
    workers it forked: without this, none of the workers' CPU time would reach the step's figure."""
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # 36: PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def _children() -> set[int]:
    """The process ids of this process's children (their parent in /proc/<pid>/stat; empty without /proc)."""
    pids: set[int] = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text(encoding="utf-8").rsplit(")", 1)[1].split()[1])  # after the name: state, ppid
        except (OSError, IndexError, ValueError):
            continue
        if parent == os.getpid():
            pids.add(int(stat.parent.name))
    return pids


def _wait(pid: int, timeout: float = 30.0) -> None:
    """Wait up to `timeout` seconds for the child `pid` to end (a fork server ends once its build has)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG)[0]:
                return
        except ChildProcessError:
            return
        time.sleep(0.02)


def _children_cpu_s() -> float:
    """User + system CPU seconds of this process's ended and waited-for descendants."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return children.ru_utime + children.ru_stime


def _ratio(build: dict[str, Any], floor: dict[str, Any]) -> float | None:
    """build CPU / floor CPU, when both steps reported it."""
    return round(build["cpu_s"] / floor["cpu_s"], 3) if build.get("cpu_s") and floor.get("cpu_s") else None


def _rebuild(archive: Path, site: Path, docs: Path, log: Path) -> tuple[float, int, float | None]:
    """Rebuild incrementally; (seconds, HTML files that are new or have a new mtime, CPU seconds)."""
    before = html_mtimes(site / "html")
    step = run_step("build", [archive, site, docs], log)
    after = html_mtimes(site / "html")
    return step.seconds, sum(before.get(path) != mtime for path, mtime in after.items()), step.report.get("cpu_s")


def html_mtimes(html: Path) -> dict[str, int]:
    """Modification time (ns) of every HTML file under `html`, by relative path."""
    return {p.relative_to(html).as_posix(): p.stat().st_mtime_ns for p in html.rglob("*.html")}


def output_sizes(html: Path) -> dict[str, Any]:
    """html_mb, largest_page_kb (and which page), search_index_mb (and what was counted)."""
    files = [p for p in html.rglob("*") if p.is_file()]
    pages = [p for p in files if p.suffix == ".html"]
    largest = max(pages, key=lambda p: p.stat().st_size, default=None)
    index_bytes, index_what = search_index_bytes(html)
    return {
        "html_mb": round(sum(p.stat().st_size for p in files) / 1e6, 2),
        "html_files": len(pages),
        "largest_page_kb": round(largest.stat().st_size / 1e3, 1) if largest else None,
        "largest_page": largest.relative_to(html).as_posix() if largest else None,
        "search_index_mb": round(index_bytes / 1e6, 3),
        "search_index_counted": index_what,
    }


def search_index_bytes(html: Path) -> tuple[int, str]:
    """What a reader downloads to search one year, and a description of the files counted.

    Year shards are files whose path below `html` mentions "search" and whose name holds a year
    (19xx/20xx); files sharing the name up to the year (`north-daily-2019.js`, `north-daily-2019.text.js`)
    form one shard. The largest shard plus the year-less files beside it (the manifest) are counted.
    Without shards, Sphinx's single `searchindex.js` is what a reader loads.
    """
    shards: dict[str, list[Path]] = {}
    for path in html.rglob("*"):
        relative = path.relative_to(html).as_posix()
        year = YEAR.search(path.name)
        if path.is_file() and "search" in relative.lower() and year and path.suffix in (".js", ".json"):
            shards.setdefault(relative[: len(relative) - len(path.name) + year.end()], []).append(path)
    if not shards:
        index = html / "searchindex.js"
        return (index.stat().st_size, "searchindex.js") if index.exists() else (0, "no search index found")
    shard, files = max(shards.items(), key=lambda item: sum(p.stat().st_size for p in item[1]))
    folders = {p.parent for p in files}
    manifest = [p for folder in folders for p in folder.iterdir()
                if p.is_file() and not YEAR.search(p.name) and p.suffix in (".js", ".json")]
    counted = files + manifest
    names = ", ".join(sorted(p.relative_to(html).as_posix() for p in counted)[:6])
    return sum(p.stat().st_size for p in counted), f"shard {shard}: {names}"


def stage_floor(archive: Path, src: Path) -> int:
    """The floor project: each bulletin's latest body as a plain page at its permanent path,
    series/year/month index pages with hidden toctrees, alabaster with no sidebar. Returns pages."""
    src.mkdir(parents=True, exist_ok=True)
    (src / "conf.py").write_text(FLOOR_CONF, encoding="utf-8")
    tree: dict[str, dict[str, dict[str, list[str]]]] = {}
    for folder in sorted(archive.glob("*/*/*-*/")):
        latest = max(folder.glob("v*.md"), key=lambda p: int(p.stem[1:]))
        front, body, _ = split_front_matter(latest.read_text(encoding="utf-8"))
        title = yaml.load(front or "", Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))["title"]
        series, year, name = folder.relative_to(archive).parts
        page = src / series / year / name / "index.md"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"# {_escape(title)}\n\n{body}", encoding="utf-8")
        tree.setdefault(series, {}).setdefault(year, {}).setdefault(name[5:7], []).append(f"/{series}/{year}/{name}/index")
    _toctree_page(src / "index.md", "Floor", [f"/{s}/index" for s in tree])
    for series, years in tree.items():
        _toctree_page(src / series / "index.md", series, [f"/{series}/{y}/index" for y in years])
        for year, months in years.items():
            _toctree_page(src / series / year / "index.md", year, [f"/{series}/{year}/{m}/index" for m in months])
            for month, docs in months.items():
                _toctree_page(src / series / year / month / "index.md", f"{year}-{month}", docs)
    return sum(len(docs) for years in tree.values() for months in years.values() for docs in months.values())


def _escape(title: object) -> str:
    """A title MyST renders literally: one line, ASCII punctuation backslash-escaped."""
    return _PUNCTUATION.sub(r"\\\1", " ".join(str(title).split()))


def _toctree_page(path: Path, title: str, entries: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# {title}\n\n```{{toctree}}\n:hidden:\n\n" + "\n".join(entries) + "\n```\n", encoding="utf-8")


FLOOR_CONF = '''project = "floor"
extensions = ["myst_parser"]
source_suffix = {".md": "markdown"}
myst_disable_syntax = ["html_block", "html_inline"]
myst_enable_extensions = ["colon_fence", "deflist"]
suppress_warnings = ["myst.header"]
html_theme = "alabaster"
html_sidebars = {"**": []}
html_copy_source = False
html_show_sourcelink = False
'''


def pdf_year(archive: Path, out: Path, docs: Path, logs: Path, say: Progress) -> dict[str, Any]:
    """pdf_year_s for the fullest year of the first series, or None with the reason in pdf_year_note.

    The hook: when xelatex and latexmk are on PATH and the package has `dailyarchive.publish.pdf`
    with `build_year(archive, out, docs, series, year)`, the step runs it in a fresh process.
    """
    missing = [tool for tool in ("xelatex", "latexmk") if shutil.which(tool) is None]
    if missing:
        return {"pdf_year_s": None, "pdf_year_note": f"not measured: {', '.join(missing)} not installed"}
    if importlib.util.find_spec("dailyarchive.publish.pdf") is None:
        return {"pdf_year_s": None, "pdf_year_note": "not measured: no dailyarchive.publish.pdf module yet"}
    series = sorted(p.name for p in archive.iterdir() if p.is_dir())[0]
    year, count = Counter(p.parent.name for p in archive.glob(f"{series}/*/*-*/")).most_common(1)[0]
    say(f"pdf: one year ({series} {year}, {count} bulletins)")
    step = run_step("pdf", [archive, out / "pdf", docs, series, year], logs / "pdf.log")
    if step.status:
        return {"pdf_year_s": None, "pdf_year_note": f"failed (status {step.status}): see {logs / 'pdf.log'}"}
    return {"pdf_year_s": step.seconds, "pdf_year_note": f"{series} {year}: {count} bulletins"}


def machine() -> dict[str, Any]:
    """Cores, CPU model and the versions that matter, for the record."""
    import myst_parser
    import sphinx

    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    return {"cores": os.cpu_count(), "cpu": model, "python": platform.python_version(), "sphinx": sphinx.__version__,
            "myst_parser": myst_parser.__version__, "date": dt.date.today().isoformat()}


def markdown_table(result: dict[str, Any]) -> str:
    """The bench result as a Markdown table: key, value, target, meaning."""
    rows = ["| key | value | target | meaning |", "| --- | --- | --- | --- |"]
    for key, meaning in (KEYS | EXTRA_KEYS).items():
        value, target = result.get(key), TARGETS.get(key)
        mark = "" if target is None or value is None else (" ✓" if value <= target else " ✗")
        rows.append(f"| `{key}` | {'—' if value is None else value} | "
                    f"{'' if target is None else f'≤ {target}{mark}'} | {meaning} |")
    return "\n".join(rows) + "\n"


# ---- child side: `python -m dailyarchive.harness.bench STEP REPORT ARGS...` --------------------------------------------


def _cpu_s() -> float:
    """User + system CPU seconds of this process and its waited-for children (steady under machine load)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return round(own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime, 2)


def _peak_rss_mb() -> float:
    """Peak resident memory of this process and of its waited-for children (ru_maxrss is KB on Linux)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


def _child(step: str, args: list[str]) -> dict[str, Any]:
    """Run one step in this process; return its report."""
    if step == "check":
        from .. import check_archive

        problems = check_archive(Path(args[0]))
        return {"status": 0, "errors": sum(p.level == "error" for p in problems), "problems": len(problems)}
    if step == "floor":
        from sphinx.cmd.build import build_main

        root = Path(args[0])
        status = build_main(["-q", "-b", "html", "-d", str(root / "doctrees"), str(root / "src"), str(root / "html")])
        return {"status": status}
    if step == "build":
        from ..publish.html import build

        from ..build.volumes import default_jobs

        result = build(Path(args[0]), Path(args[1]), Path(args[2]), "html", status=sys.stdout, warning=sys.stdout)
        parent = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        # forked workers are this process's children (a fork server's are not, and their builds report their own)
        children = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
        return {"status": result.status, "warnings": result.warnings, "jobs": default_jobs(),
                "peak_rss_parent_mb": parent, "peak_rss_worker_mb": max(result.worker_peak_rss_mb, children),
                "workers_cpu_s": result.workers_cpu_s}
    if step == "pdf":
        from ..publish import pdf  # type: ignore[attr-defined]  # the PDF engineer's module, when it exists

        pdf.build_year(Path(args[0]), Path(args[1]), Path(args[2]), args[3], int(args[4]))
        return {"status": 0}
    raise SystemExit(f"unknown step {step!r}: use check, floor, build or pdf")


def main(argv: list[str]) -> int:
    """Entry point of a child process: run STEP, write REPORT (JSON), exit with the step's status."""
    step, report, *args = argv
    data = _child(step, args)
    # The parent (`run_step`) counts the CPU time of every process the step started; this is what it reads where it
    # cannot adopt a fork server (forked workers are this process's children and counted here).
    data |= {"peak_rss_mb": max(_peak_rss_mb(), data.get("peak_rss_worker_mb") or 0), "cpu_s": _cpu_s()}
    Path(report).write_text(json.dumps(data), encoding="utf-8")
    return int(data.get("status") or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
