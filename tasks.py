"""Everyday tasks: `invoke --list` shows them, `invoke --help TASK` explains one."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from invoke import Context, Exit, task

ROOT = Path(__file__).parent
ARCHIVE = ROOT / "archive"
DOCS = ROOT / "docs"
BUILD = ROOT / "_build"


@task(help={"archive": "archive folder (default: archive/)", "list_rules": "print every rule id with its help and stop"})
def check(c: Context, archive: str = str(ARCHIVE), list_rules: bool = False) -> None:
    """Validate every file of the archive; print each problem as path:line: level: message (rule)."""
    from dailyarchive import ArchiveNotFound, check_archive, has_errors
    from dailyarchive.errors import RULES

    if list_rules:
        width = max(map(len, RULES))
        for rule, text in RULES.items():
            print(f"{rule:<{width}}  {text}")
        return
    root = Path(archive)
    started = time.perf_counter()
    try:
        problems = check_archive(root)
    except ArchiveNotFound as exc:
        raise Exit(str(exc), code=2) from None
    for problem in problems:
        print(problem.format(Path.cwd()) if problem.path.is_relative_to(Path.cwd()) else problem.format())
    errors = sum(p.level == "error" for p in problems)
    print(f"checked {root} in {time.perf_counter() - started:.2f} s: "
          f"{errors} error(s), {len(problems) - errors} warning(s)", file=sys.stderr)
    if has_errors(problems):
        raise Exit(code=1)


@task(help={"out": "where to write the JSON Schema"})
def schema(c: Context, out: str = str(DOCS / "schema" / "bulletin.schema.json")) -> None:
    """Write the JSON Schema of a version's front matter (editors use it to validate as you type)."""
    from dailyarchive.schema import json_schema_text
    from dailyarchive.stage import write_if_changed

    path = Path(out)
    changed = write_if_changed(path, json_schema_text())
    print(f"{'wrote' if changed else 'unchanged'}: {path}")


@task(help={"archive": "archive folder (default: archive/)", "out": "build folder (default: _build/)",
            "strict": "treat warnings as errors (-W)"})
def build(c: Context, archive: str = str(ARCHIVE), out: str = str(BUILD), strict: bool = False) -> None:
    """Build the HTML archive with Sphinx into OUT/html."""
    from dailyarchive.publish.html import build as build_site

    started = time.perf_counter()
    result = build_site(Path(archive), Path(out), DOCS, "html", warnings_as_errors=strict)
    print(f"\nbuilt {result.outdir / 'index.html'} in {time.perf_counter() - started:.1f} s "
          f"with {result.warnings} warning(s)")
    if result.status:
        raise Exit("the build failed: see the messages above", code=result.status)


@task(help={"args": "extra arguments for pytest, e.g. '-k load -x'"})
def test(c: Context, args: str = "") -> None:
    """Run the test suite (installs the system packages the browser and PDF tests need first)."""
    setup_system(c)
    result = subprocess.run([sys.executable, "-m", "pytest", *args.split()], cwd=ROOT)
    if result.returncode:
        raise Exit(code=result.returncode)


@task(name="setup-system")
def setup_system(c: Context) -> None:
    """Install the Debian packages the tests and the PDF need (apt-get; skipped when present)."""
    result = subprocess.run(["bash", str(ROOT / "tools" / "setup-system.sh")])
    if result.returncode:
        raise Exit("setting up system packages failed: see the messages above", code=result.returncode)
