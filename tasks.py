"""Everyday tasks: `invoke --list` shows them, `invoke --help TASK` explains one."""

from __future__ import annotations

import functools
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from invoke import Context, Exit, task

ROOT = Path(__file__).parent
ARCHIVE = ROOT / "archive"
DOCS = ROOT / "docs"
BUILD = ROOT / "_build"


def reports_failures(body: Callable[..., Any]) -> Callable[..., Any]:
    """Under `@task`: a full disk, a read-only folder, an unreadable file, a held lock or another named error of
    the package ends the task with a message naming the path and what to do, not a traceback."""

    @functools.wraps(body)
    def run(*args: Any, **kwargs: Any) -> Any:
        from dailyarchive.failures import explain

        try:
            return body(*args, **kwargs)
        except Exception as exc:
            explained = explain(exc)
            if explained is None:
                raise
            raise Exit(explained[0], code=explained[1]) from None

    return run


@task(help={"archive": "archive folder (default: archive/)", "list_rules": "print every rule id with its help and stop"})
@reports_failures
def check(c: Context, archive: str = str(ARCHIVE), list_rules: bool = False) -> None:
    """Validate every file of the archive; print each problem as path:line: level: message (rule)."""
    from dailyarchive import ArchiveNotFound, check_archive, has_errors
    from dailyarchive.model.errors import RULES

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


@task(help={"archive": "archive folder (default: archive/)"})
@reports_failures
def seal(c: Context, archive: str = str(ARCHIVE)) -> None:
    """Append every newly published bulletin file (versions, photos, data) to MANIFEST-sha256.txt and record the
    seal in SEAL-LOG.txt; refuses, writing nothing, if anything sealed changed."""
    from dailyarchive.model.errors import DailyArchiveError
    from dailyarchive.archivist.fixity import SealRefused, seal as seal_archive

    try:
        result = seal_archive(Path(archive))
    except SealRefused as exc:
        for problem in exc.problems:
            print(problem.format())
        raise Exit(str(exc), code=1) from None
    except DailyArchiveError as exc:  # a held lock, a full disk, a read-only folder
        raise Exit(str(exc), code=2) from None
    for relative in result.added:
        print(f"sealed {relative}")
    print(f"{len(result.added)} file(s) sealed in {result.manifest}; seal log head {result.head}")


@task(help={"archive": "archive folder (default: archive/)",
            "against": "a copy of MANIFEST-sha256.txt or SEAL-LOG.txt kept elsewhere, to compare the archive's with"})
@reports_failures
def verify(c: Context, archive: str = str(ARCHIVE), against: str = "") -> None:
    """Prove that nothing published changed: the seal log's chain, the manifest against it, every sealed file
    against the manifest (read as `sha256sum -c` reads it); unsealed bulletin files are warnings."""
    from dailyarchive.model.errors import has_errors
    from dailyarchive.archivist.fixity import read_sealed, verify as verify_archive

    root = Path(archive)
    problems = verify_archive(root, Path(against) if against else None)
    for problem in problems:
        print(problem.format())
    if has_errors(problems):
        raise Exit(f"verify found {sum(p.level == 'error' for p in problems)} error(s) in {root}", code=1)
    sealed = read_sealed(root)
    print(f"verified {root}: {len(sealed.entries)} sealed file(s) intact, {len(problems)} warning(s); "
          f"seal log head {sealed.head or '(none: nothing sealed yet)'}"
          + (f"; matches {against}" if against else ""))


@task(help={"out": "where to write the JSON Schema"})
@reports_failures
def schema(c: Context, out: str = str(DOCS / "schema" / "bulletin.schema.json")) -> None:
    """Write the JSON Schema of a version's front matter (editors use it to validate as you type)."""
    from dailyarchive.model.schema import json_schema_text
    from dailyarchive.build.stage import write_if_changed

    path = Path(out)
    changed = write_if_changed(path, json_schema_text())
    print(f"{'wrote' if changed else 'unchanged'}: {path}")


@task(help={"archive": "archive folder (default: archive/)", "out": "build folder (default: _build/)",
            "strict": "treat warnings as errors (-W)",
            "jobs": "worker processes building volumes side by side (default: the number of cores)",
            "scheduler": "build the volumes on the Dask cluster at this scheduler (tcp://HOST:PORT); "
                         "OUT must be on storage the workers share",
            "formats": "what to make, comma-separated: html, pdf, epub, zip (default: all of them)",
            "year": "only the PDF volumes of this year (for example --formats pdf --year 2019)"})
@reports_failures
def build(c: Context, archive: str = str(ARCHIVE), out: str = str(BUILD), strict: bool = False, jobs: int = 0,
          scheduler: str = "", formats: str = "all", year: int = 0) -> None:
    """Build the site (OUT/html), a PDF per volume, an EPUB per series and the offline zip (OUT/html/downloads/).

    The books, the zip and the data go into OUT/html/downloads/ with SHA256SUMS, listed on the downloads page.
    """
    from dailyarchive.model.errors import _printable
    from dailyarchive.publish.downloads import build_formats, parse_formats
    from dailyarchive.publish.pdf import PdfFailed
    from dailyarchive.build.volumes import SchedulerUnreachable

    started = time.perf_counter()
    chosen = parse_formats("" if formats == "all" else formats)
    setup_system(c, part="build")
    try:
        result = build_formats(Path(archive), Path(out), DOCS, chosen, years={year} if year else None, strict=strict,
                               jobs=jobs or None, scheduler=scheduler or None, say=lambda line: print(line, flush=True))
    except SchedulerUnreachable as exc:
        raise Exit(str(exc), code=2) from None
    except PdfFailed as exc:
        raise Exit("\n".join(_printable(line) for line in str(exc).splitlines()), code=1) from None
    if result.html is not None:
        print(f"\nbuilt {result.html.outdir / 'index.html'} with {result.html.warnings} warning(s)")
        if result.html.status:
            raise Exit("the build failed: see the messages above", code=result.html.status)
    for book in result.books:
        print(f"built {book}")
    if result.zip is not None:
        print(f"built {result.zip}")
    if result.sums is not None:
        print(f"checksums: {result.sums} (sha256sum -c SHA256SUMS in that folder)")
    print(f"done in {time.perf_counter() - started:.1f} s")


@task(help={"format": "bagit (a BagIt bag, RFC 8493) or ocfl (an OCFL 1.1 storage root)",
            "out": "a new or empty folder to write the package into",
            "archive": "archive folder (default: archive/)",
            "build": "build folder whose html/downloads/ goes into the bag (default: _build/; run `invoke build` first)"})
@reports_failures
def deposit(c: Context, format: str, out: str, archive: str = str(ARCHIVE), build: str = str(BUILD)) -> None:
    """Write a deposit package for a library: a BagIt bag, or an OCFL storage root (a bulletin an object).

    The bag holds the sources and the downloads; each OCFL object's versions are the bulletin's versions.
    """
    import logging

    from dailyarchive.publish.deposit import FORMATS, deposit_bagit, deposit_ocfl

    logging.getLogger("bagit").setLevel(logging.WARNING)  # not a line per file
    if format not in FORMATS:
        raise Exit(f"--format {format!r} is not one of {', '.join(FORMATS)}", code=2)
    downloads = Path(build) / "html" / "downloads"
    if format == "bagit":
        if not downloads.is_dir():
            print(f"note: {downloads} does not exist, the bag holds the sources only (run `invoke build` first)",
                  file=sys.stderr)
        result = deposit_bagit(Path(archive), Path(out), downloads if downloads.is_dir() else None)
    else:
        result = deposit_ocfl(Path(archive), Path(out))
    print(f"wrote the {result.format} package of {result.bulletins} bulletin(s), {result.files} file(s), to {result.path}")


@task(help={"build": "build folder holding html/downloads/archive.sqlite (default: _build/; run `invoke build`)",
            "port": "port on 127.0.0.1 (default 8001)", "license": "the data's licence, shown on every page",
            "license_url": "where the licence is written out"})
@reports_failures
def datasette(c: Context, build: str = str(BUILD), port: int = 8001, license: str = "", license_url: str = "") -> None:
    """Serve the data downloads (archive.sqlite) with Datasette on 127.0.0.1: filter, facet and query the figures."""
    from dailyarchive.publish.datasette import command, metadata, write_metadata

    database = Path(build) / "html" / "downloads" / "archive.sqlite"
    if not database.is_file():
        raise Exit(f"{database} does not exist: run `invoke build --out {build}` first", code=2)
    meta = write_metadata(Path(build) / "datasette" / "metadata.json", metadata(
        (DOCS / "data.md").read_text(encoding="utf-8"), "Data of the archive", source="the archive's bulletins",
        license=license, license_url=license_url))
    print(f"Datasette on http://127.0.0.1:{port}/ (Ctrl-C stops it)", flush=True)
    try:
        subprocess.run(command(database, meta, port), check=False)
    except KeyboardInterrupt:
        pass


@task(help={"series": "series slug, as in series.yml", "date": "the bulletin's date, YYYY-MM-DD (default: today)",
            "title": "the headline; the folder's slug is made from it", "archive": "archive folder (default: archive/)"})
@reports_failures
def new(c: Context, series: str, title: str, date: str = "", archive: str = str(ARCHIVE)) -> None:
    """Create a bulletin folder and its v1.md from the template; print its path."""
    import datetime as dt

    from dailyarchive.archivist.new import new_bulletin

    try:
        day = dt.date.fromisoformat(date) if date else dt.date.today()
    except ValueError:
        raise Exit(f"--date {date!r} is not a date: write it as YYYY-MM-DD, for example 2019-07-09", code=2) from None
    print(new_bulletin(Path(archive), series, day, title))


@task(positional=["bulletin"],
      help={"bulletin": "the bulletin: <series>/<date>-<slug> or its folder's path",
            "note": "what was corrected and why (revision_note); left empty, `invoke check` asks for it",
            "archive": "archive folder (default: archive/)"})
@reports_failures
def revise(c: Context, bulletin: str, note: str = "", archive: str = str(ARCHIVE)) -> None:
    """Copy a bulletin's latest version to the next vN.md with version, revised and revision_note set; print its path."""
    from dailyarchive.archivist.revise import revise_bulletin

    print(revise_bulletin(Path(archive), bulletin, note))
    if not note:
        print("write revision_note (what was corrected and why), then edit the text", file=sys.stderr)


@task(name="import", positional=["path"],
      help={"path": "a .txt, .html or WordPress .xml file, or a folder of them",
            "series": "series slug the bulletins belong to, as in series.yml",
            "archive": "archive folder (default: archive/)", "drafts": "import WordPress drafts too (default: skipped)",
            "dry_run": "report what would be imported, write nothing (see the proposed tags first)"})
@reports_failures
def import_(c: Context, path: str, series: str, archive: str = str(ARCHIVE), drafts: bool = False,
            dry_run: bool = False) -> None:
    """Import legacy bulletins (plain text, HTML pages, WordPress exports) as new bulletins, one per input."""
    from dailyarchive.archivist.importer import import_path

    report = import_path(Path(archive), series, Path(path), drafts=drafts, dry_run=dry_run)
    for outcome in report.outcomes:
        print(f"{outcome.status}: {outcome.label}" + (f": {outcome.detail}" if outcome.detail else ""))
        for line in [*outcome.notes, *(f"warning: {w}" for w in outcome.warnings)]:
            print(f"    {line}")
    if report.unknown_tags:
        print("proposed tags not in tags.yml (not written): " + ", ".join(
            f"{name} ({n})" for name, n in report.unknown_tags.most_common()))
        print("    to keep one, add it to tags.yml (or as an alias of a tag there) before importing")
    if report.swept:
        print(f"removed {len(report.swept)} temporary leftover(s) of an interrupted command")
    written = report.count("would write" if dry_run else "written")
    print(f"{written} bulletin(s) {'would be written' if dry_run else 'written'}, {report.count('refused')} refused, "
          f"{report.count('skipped')} skipped; review the suggested figures, then `invoke check`", file=sys.stderr)
    if report.count("refused"):
        raise Exit(code=1)


@task(help={"archive": "archive folder (default: archive/)", "out": "build folder (default: _build/preview)",
            "port": "port on 127.0.0.1 (default 8000)"})
@reports_failures
def serve(c: Context, archive: str = str(ARCHIVE), out: str = str(BUILD / "preview"), port: int = 8000) -> None:
    """Build the site, serve it on 127.0.0.1 and rebuild whenever a file of the archive changes (a preview)."""
    from dailyarchive.archivist.serve import serve as serve_site

    serve_site(Path(archive), Path(out), DOCS, say=lambda line: print(line, flush=True), port=port)


@task(help={"bulletins": "how many bulletins to generate (default 1,000)", "out": "folder to write the archive into (created)",
            "series": "how many series to spread them over (default 1)", "seed": "random seed: the same seed gives the same files"})
@reports_failures
def generate(c: Context, out: str, bulletins: int = 1_000, series: int = 1, seed: int = 0) -> None:
    """Write a synthetic archive of illustrative bulletins (for benchmarks and tests)."""
    from dailyarchive.harness.generate import generate_archive

    started = time.perf_counter()
    try:
        result = generate_archive(Path(out), bulletins, series=series, seed=seed,
                                  progress=lambda done, total: print(f"{done:,} / {total:,} bulletins", flush=True))
    except ValueError as exc:
        raise Exit(str(exc), code=2) from None
    print(f"wrote {result.bulletins:,} bulletins ({result.versions:,} versions) in {len(result.series)} series "
          f"to {result.root} in {time.perf_counter() - started:.1f} s")


@task(help={"bulletins": "bulletins in the generated archive (default 10,000; 2,000 is the quick form)",
            "out": "working folder: archive, builds, logs and bench.json (default _build/bench)",
            "seed": "random seed of the generated archive", "series": "series to spread the bulletins over",
            "floor": "build the plain-Sphinx floor too (--no-floor skips it, for very large archives)"})
@reports_failures
def bench(c: Context, bulletins: int = 10_000, out: str = str(BUILD / "bench"), seed: int = 0, series: int = 1,
          floor: bool = True) -> None:
    """Measure check, the plain-Sphinx floor, the full build, add-one and correct-one rebuilds, and sizes."""
    from dailyarchive.harness.bench import markdown_table, run_bench

    started = time.perf_counter()
    result = run_bench(bulletins, Path(out), DOCS, seed=seed, series=series, floor=floor,
                       progress=lambda step: print(f"[{time.perf_counter() - started:7.1f} s] {step}", flush=True))
    print("\n" + markdown_table(result))
    print(f"bench.json: {Path(out) / 'bench.json'} (logs of every step in {Path(out) / 'logs'}); "
          f"{time.perf_counter() - started:.0f} s in all")
    if result.get("build_status"):
        raise Exit(f"the full build failed: see {Path(out) / 'logs' / 'build.log'}", code=1)


@task(help={"args": "extra arguments for pytest, e.g. '-k load -x'"})
def test(c: Context, args: str = "") -> None:
    """Run the test suite (installs the system packages the browser and PDF tests need first)."""
    setup_system(c)
    result = subprocess.run([sys.executable, "-m", "pytest", *args.split()], cwd=ROOT)
    if result.returncode:
        raise Exit(code=result.returncode)


@task(name="setup-system", help={"part": "all (the default: the tests' packages too) or build (what `invoke build` "
                                         "needs: Graphviz, TeX Live and the PDF's fonts)"})
def setup_system(c: Context, part: str = "all") -> None:
    """Install the Debian packages the tests and the PDF need (apt-get; skipped when present)."""
    result = subprocess.run(["bash", str(ROOT / "tools" / "setup-system.sh"), part])
    if result.returncode:
        raise Exit("setting up system packages failed: see the messages above", code=result.returncode)
