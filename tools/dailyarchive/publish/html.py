"""Run Sphinx on the docs project with an archive: the build behind `invoke build`."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

from ..locks import hold
from ..stage import sync_files
from .onesite import one_site

DOCS_MANIFEST = "_dailyarchive/docs.txt"
SKIP_PARTS = {"_build", "__pycache__", ".ipynb_checkpoints"}


@dataclass(frozen=True)
class BuildResult:
    """Where a build put its output and how it went."""

    outdir: Path
    status: int
    warnings: int


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
