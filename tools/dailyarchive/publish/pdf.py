"""One PDF per series-year volume: the volume's staged sources → Sphinx's LaTeX builder → xelatex (latexmk).

`build_pdfs` stages the volumes' pages once (`_stagebooks`: the stager's page and chart
functions, for the volumes asked for only), turns each volume into a book (`_pdfsources`), runs Sphinx's LaTeX builder on it and
then latexmk with xelatex. A volume whose sources are unchanged since its last PDF is not
built again. A LaTeX failure raises `PdfFailed` naming the volume, the bulletin whose part of
the `.tex` file failed, and the few lines of the LaTeX log that say why.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import addresses
from ..model.collector import collector_eased
from ..model.errors import DailyArchiveError
from ..site.pages._text import day
from ..build.stage import sync_files, write_if_changed
from ..build.stager import Files, digest_of
from ..build.volumes import code_digest
from ._stagebooks import stage_books
from ._pdfsources import Volume, book_files, pdf_conf, series_files, series_volume, volume_of

#: A series gets one PDF of all its volumes too while it has at most this many bulletins (about 2,000 pages),
#: and more than one volume.
SERIES_PDF_MAX_BULLETINS = 1000
#: Seconds one latexmk run may take before the volume is reported as failed.
LATEX_TIMEOUT = 900
#: Lines of the LaTeX log kept around each error.
LOG_CONTEXT = 6
_LABEL = re.compile(r"\\label\{\\detokenize\{([^}]*)::doc\}\}")
_HEADING = re.compile(r"^\\(part|chapter|section|subsection)\*?\{")
_FILE_LINE_ERROR = re.compile(r"^(?:\./)?[^:\s]+\.tex:(\d+): (.*)$")

Say = Callable[[str], None]


class PdfFailed(DailyArchiveError):
    """LaTeX could not make a volume's PDF: the volume, the bulletin (docname) and the log lines that say why."""

    def __init__(self, volume: str, docname: str, lines: list[str], log: Path | None, source: str = "") -> None:
        self.volume, self.docname, self.lines, self.log, self.source = volume, docname, lines, log, source
        where = f" in {source} (page {docname})" if source else f" in {docname}" if docname else ""
        super().__init__(f"the PDF of volume {volume} failed{where}:\n" + "\n".join(f"    {line}" for line in lines)
                         + (f"\n(the whole log: {log})" if log else ""))


class ToolMissing(DailyArchiveError):
    """xelatex or latexmk is not installed."""


@dataclass(frozen=True)
class PdfResult:
    """One volume's PDF: where it is, and whether this call built it (False: unchanged since the last build)."""

    volume: str
    path: Path
    built: bool
    warnings: str = ""
    #: What the book holds, for the downloads page.
    contents: str = ""


def require_tex() -> None:
    """Raise ToolMissing unless xelatex, latexmk and makeindex are on PATH."""
    missing = [tool for tool in ("xelatex", "latexmk", "makeindex") if shutil.which(tool) is None]
    if missing:
        raise ToolMissing(f"{', '.join(missing)} not found: the PDF needs TeX Live (run `invoke setup-system`, "
                          "which installs texlive-xetex, latexmk and the fonts tools/setup-system.sh names)")


def build_pdfs(archive: Path, out: Path, docs: Path, only: set[str] | None = None, years: set[int] | None = None,
               say: Say | None = None, built_on: dt.date | None = None,
               series_max: int = SERIES_PDF_MAX_BULLETINS) -> list[PdfResult]:
    """A PDF of every volume (`<series>/<year>`; only those in `only`, or of `years`) in `out/<series>-<year>.pdf`,
    and `out/<series>.pdf` of each series of several volumes and at most `series_max` bulletins (not with
    `only` or `years`).

    Sources and LaTeX files go to `out/work/<series>-<year>/`. Raises PdfFailed on the first volume LaTeX
    cannot make (the volumes built before it are kept), ToolMissing without TeX.
    """
    require_tex()
    out.mkdir(parents=True, exist_ok=True)
    wanted = None if not (only or years) else (lambda name: (not only or name in only)
                                                 and (not years or int(name.split("/")[1]) in years))
    catalog, books, conf = stage_books(archive, docs, wanted)
    results, by_series = [], {}
    for name, staged in books.items():
        series, year = name.split("/")
        volume = volume_of(catalog, series, int(year))
        if not volume.bulletins.empty:
            by_series.setdefault(series, []).append(volume)
        if volume.bulletins.empty or (only and name not in only) or (years and int(year) not in years):
            continue
        results.append(build_book(volume, book_files(volume, staged), conf, out, built_on or dt.date.today(), say))
    for volumes in ([] if only or years else by_series.values()):
        if len(volumes) > 1 and sum(len(v.bulletins) for v in volumes) <= series_max:
            book = series_volume(volumes)
            results.append(build_book(book, series_files(book, volumes, books), conf, out,
                                      built_on or dt.date.today(), say))
    return results


def build_year(archive: Path, out: Path, docs: Path, series: str, year: int) -> Path:
    """The PDF of one volume (the bench's step): its path."""
    return build_pdfs(archive, out, docs, only={f"{series}/{int(year):04d}"})[0].path


def build_book(volume: Volume, files: Files, conf: str, out: Path, built_on: dt.date, say: Say | None) -> PdfResult:
    """Write a book's sources, run Sphinx's LaTeX builder and latexmk; install the PDF atomically."""
    work = out / "work" / volume.filename
    target = out / f"{volume.filename}.pdf"
    files = {**files, "conf.py": conf + "\n\n" + pdf_conf(volume, built_on)}
    digest = digest_of({"files": digest_of({k: v for k, v in files.items() if k != "conf.py"}),
                        "conf": conf, "code": code_digest(), "built": built_on.isoformat()[:7]})
    contents = (f"{volume.name}, {volume.span_text}: {len(volume.bulletins)} bulletins from {day(volume.first)} to "
                f"{day(volume.last)}, as a book (contents by month, index, corrections)")
    if target.is_file() and _read(work / "built.txt") == digest:
        return PdfResult(volume.label, target, False, contents=contents)
    if say:
        say(f"pdf: {volume.filename} ({len(volume.bulletins)} bulletins)")
    sync_files(work / "src", files, f"{addresses.INCLUDE_DIR}/pdf-staged.txt")
    warnings = write_latex(volume, work)
    pdf = run_latexmk(work / "latex", volume)
    temporary = target.with_name(f".{target.name}.tmp")
    shutil.copyfile(pdf, temporary)
    os.replace(temporary, target)
    write_if_changed(work / "built.txt", digest + "\n")
    return PdfResult(volume.label, target, True, warnings, contents)


def write_latex(volume: Volume, work: Path) -> str:
    """Sphinx's LaTeX builder on the book's sources (`work/src` → `work/latex`); its warnings as text."""
    from sphinx.application import Sphinx
    from sphinx.errors import SphinxError
    from sphinx.util.docutils import docutils_namespace

    status, warning = io.StringIO(), io.StringIO()
    try:
        with docutils_namespace(), collector_eased():
            app = Sphinx(str(work / "src"), str(work / "src"), str(work / "latex"), str(work / "doctrees"), "latex",
                         status=status, warning=warning, keep_going=True)
            app.build()
    except SphinxError as exc:
        raise PdfFailed(volume.label, "", [f"Sphinx: {exc}", *warning.getvalue().splitlines()[-10:]],
                        None) from None
    return warning.getvalue()


def run_latexmk(latex: Path, volume: Volume) -> Path:
    """latexmk with xelatex (Sphinx's latexmkrc) in `latex`; the PDF's path, or PdfFailed with the log's lines."""
    name = volume.filename
    env = {**os.environ, "LATEXOPTS": "-interaction=nonstopmode -halt-on-error -file-line-error"}
    command = ["latexmk", "-pdfxe", "-f-", "-silent", f"{name}.tex"]
    try:
        done = subprocess.run(command, cwd=latex, env=env, capture_output=True, text=True, errors="replace",
                              timeout=LATEX_TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise PdfFailed(volume.label, "", [f"latexmk did not finish in {LATEX_TIMEOUT} s"],
                        latex / f"{name}.log") from None
    pdf = latex / f"{name}.pdf"
    if done.returncode or not pdf.is_file():
        docname, lines = latex_failure(latex / f"{name}.tex", latex / f"{name}.log", done.stdout + done.stderr)
        raise PdfFailed(volume.label, docname, lines, latex / f"{name}.log", bulletin_source(volume, docname))
    return pdf


def bulletin_source(volume: Volume, docname: str) -> str:
    """The latest version file of the bulletin whose page is `docname` ('' for another page)."""
    for url, path in zip(volume.bulletins["url"], volume.bulletins["path"]):
        if f"{str(url).rstrip('/')}/index" == docname:
            return str(path)
    return ""


def latex_failure(tex: Path, log: Path, output: str = "") -> tuple[str, list[str]]:
    """The docname whose part of `tex` holds the first error of `log`, and the log's lines around that error."""
    text = _read(log) or output
    lines = text.splitlines()
    first = next((n for n, line in enumerate(lines) if line.startswith("!") or _FILE_LINE_ERROR.match(line)), None)
    if first is None:
        return "", [line for line in lines if line.strip()][-LOG_CONTEXT * 2:]
    excerpt = [line for line in lines[first: first + LOG_CONTEXT * 2] if line.strip()][: LOG_CONTEXT * 2]
    match = _FILE_LINE_ERROR.match(lines[first])
    number = int(match.group(1)) if match else _error_line(lines[first:])
    return document_at(tex, number) if number else "", excerpt


def _error_line(lines: list[str]) -> int:
    """The `l.<N>` line number TeX prints after an error message (0 when there is none)."""
    for line in lines[:40]:
        found = re.match(r"^l\.(\d+)", line)
        if found:
            return int(found.group(1))
    return 0


def document_at(tex: Path, number: int) -> str:
    """The docname of the document whose text is at line `number` of the `.tex` file ('' before the first).

    Sphinx writes a document's `\\label{...::doc}` just after its heading, so a document starts at the
    heading (`\\part`, `\\chapter`, ...) a few lines above its label.
    """
    try:
        lines = tex.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    current = ""
    for index, line in enumerate(lines, start=1):
        for found in _LABEL.finditer(line):
            above = [n for n in range(max(1, index - 4), index + 1) if _HEADING.match(lines[n - 1])]
            if (above[0] if above else index) <= number:
                current = found.group(1)
    return current


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
