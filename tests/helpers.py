"""Build small archives inside tests, so each test shows its input beside its assertion."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import pytest
import yaml

PLACES = [
    {"name": "Syria", "kind": "country"},
    {"name": "Idlib Province", "aliases": ["Idleb", "محافظة إدلب"], "parent": "Syria", "kind": "province"},
    {"name": "Latakia Province", "aliases": ["Lattakia"], "parent": "Syria", "kind": "province"},
    {"name": "Mount Turkmen", "aliases": ["Jabal Turkman"], "parent": "Latakia Province", "kind": "area"},
]
ACTORS = [{"name": "Hay'at Tahrir al-Sham", "aliases": ["HTS"], "kind": "armed group"},
          {"name": "Syrian regime forces", "aliases": ["regime"], "kind": "state"}]
TAGS = [{"name": "offensive"}, {"name": "counter-attack"}, {"name": "airstrikes"}]


def write_archive(root: Path, places: list[dict] | None = None, actors: list[dict] | None = None,
                  tags: list[dict] | None = None) -> Path:
    """An empty archive at `root` with one series, `test-daily`, and a small gazetteer."""
    root.mkdir(parents=True, exist_ok=True)
    series = [{"slug": "test-daily", "name": "Test Daily", "publisher": "Tests", "language": "en"}]
    for name, data in (("series", series), ("places", places or PLACES), ("actors", actors or ACTORS),
                       ("tags", tags or TAGS)):
        (root / f"{name}.yml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


def write_bulletin(root: Path, date: str = "2019-07-09", slug: str = "a-bulletin", version: int = 1,
                   body: str = "Something happened.\n", series: str = "test-daily", **front: Any) -> Path:
    """Write `<series>/<year>/<date>-<slug>/v<version>.md` with the given front matter; returns its path."""
    meta: dict[str, Any] = {"series": series, "date": date, "title": f"Bulletin of {date}", "version": version}
    if version > 1:
        meta |= {"revised": date, "revision_note": "Corrected a figure."}
    meta |= front
    meta = {k: v for k, v in meta.items() if v is not None}
    folder = root / series / date[:4] / f"{date}-{slug}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"v{version}.md"
    text = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n" + body
    path.write_text(text, encoding="utf-8")
    return path


def write_raw(root: Path, relative: str, text: str | bytes) -> Path:
    """Write a file exactly as given (for hostile input)."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, text: str, nth: int = 1) -> int:
    """The 1-based number of the `nth` line of `path` that contains `text`."""
    hits = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if text in line]
    assert len(hits) >= nth, f"{text!r} occurs {len(hits)} time(s) in {path}"
    return hits[nth - 1]


def replace_in(path: Path, old: str, new: str) -> Path:
    """Replace the one occurrence of `old` in the file (to break a field write_bulletin wrote)."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


# ---- tests that cannot quietly stop testing ------------------------------------------------------------------

def sphinx_build(source: Path, out: Path, **options: Any) -> Any:
    """Build the Sphinx project in `source` (its own `conf.py`) as HTML into `out/html`, doctrees in
    `out/doctrees`; the Sphinx application, built. `options` go to `Sphinx` (status, warning, verbosity, ...);
    without a `warning` stream, warnings are kept out of the test's output."""
    import io

    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    options.setdefault("warning", io.StringIO())
    with docutils_namespace():
        app = Sphinx(str(source), str(source), str(out / "html"), str(out / "doctrees"), "html", **options)
        app.build()
    return app


def in_ci() -> bool:
    """True in CI (the `CI` environment variable is set, as `.ci/run` and CI services do)."""
    return bool(os.environ.get("CI"))


def skip_unless_ci(reason: str) -> NoReturn:
    """Skip this test here; in CI fail it instead, since a CI run must not quietly stop testing."""
    if in_ci():
        pytest.fail(f"{reason} (CI runs every test: this one may not be skipped)", pytrace=False)
    pytest.skip(reason)


def require_tool(name: str, install: str = "run `invoke setup-system` (tools/setup-system.sh)") -> str:
    """The path of the program `name` (on PATH, or an absolute path); skips without it, fails in CI."""
    found = shutil.which(name)
    if found is None:
        skip_unless_ci(f"{name} is not installed: {install}")
    return found


def needs_tool(name: str, install: str = "run `invoke setup-system` (tools/setup-system.sh)") -> pytest.MarkDecorator:
    """Mark a test that needs the program `name`: `@needs_tool("node")`; checked before the test runs (conftest)."""
    return pytest.mark.needs_tool(name, install=install)


#: Runs a command under a data-size limit and writes the peak resident memory of it and its children to a pipe.
_LIMITED = """
import os, resource, signal, subprocess, sys
limit, report = int(sys.argv[1]) << 20, int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
status = subprocess.call(sys.argv[3:])
os.write(report, str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss).encode())
if status < 0:  # died of a signal: die of the same one, so the caller sees it
    if -status not in (signal.SIGKILL, signal.SIGSTOP):
        signal.signal(-status, signal.SIG_DFL)
    os.kill(os.getpid(), -status)
sys.exit(status)
"""


class LimitedRun(subprocess.CompletedProcess):
    """A finished `run_limited` command, with the peak resident memory of the command and its children."""

    peak_rss_mb: float = 0.0


def run_limited(args: Sequence[str | os.PathLike[str]], memory_mb: int = 1024, seconds: float = 60,
                **options: Any) -> LimitedRun:
    """Run `args` in a subprocess limited to `memory_mb` of heap (RLIMIT_DATA) and to `seconds`; text output captured.

    For hostile input: a regression that eats memory fails in the child (MemoryError, an abort,
    exit status not 0), and one that hangs fails the test after `seconds` (the command and all its
    children are killed) instead of swapping or hanging CI. `result.peak_rss_mb` is the largest
    resident memory of the command or a child, for asserting "a few hundred MB". RLIMIT_DATA, not
    RLIMIT_AS: the V8 inside vl_convert reserves gigabytes of address space it never uses, so a build
    fails at any useful RLIMIT_AS; a full build of a small archive needs memory_mb=2048 (V8 again),
    check and load stay far below 1024. `options` go to `subprocess.Popen` (cwd, env, ...).
    """
    read_end, write_end = os.pipe()
    command = [sys.executable, "-c", _LIMITED, str(memory_mb), str(write_end), *map(os.fspath, args)]
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   start_new_session=True, pass_fds=(write_end,), **options)
    finally:
        os.close(write_end)
    with os.fdopen(read_end, "rb") as report, process:
        try:
            stdout, stderr = process.communicate(timeout=seconds)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            stdout, stderr = process.communicate()
            pytest.fail(f"{' '.join(map(os.fspath, args))} ran past {seconds:g} s and was killed (a hang?)\n"
                        f"{stderr[-2000:]}", pytrace=False)
        peak = report.read()
    result = LimitedRun(list(map(os.fspath, args)), process.returncode, stdout, stderr)
    result.peak_rss_mb = round(int(peak or 0) / 1024, 1)
    return result
