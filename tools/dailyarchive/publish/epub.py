"""One EPUB per series: its volumes' staged pages as one book (years, months, bulletins), Sphinx's epub builder.

The book has the PDF's structure (`_pdfsources`): a root page per series, a part per year and
month, each bulletin's latest version, the corrections of each year. No JavaScript reaches it
(charts are static images, `sphinxext._epub`); doctrees live outside the EPUB's folder.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import addresses
from ..model.collector import collector_eased
from ..model.errors import DailyArchiveError
from ..site.pages._text import day, myst_escape, page, toctree
from ..build.stage import sync_files, write_if_changed
from ..build.stager import Files, digest_of
from ..build.volumes import code_digest
from ._pdfsources import book_files, toolkit_version, volume_of
from ._stagebooks import stage_books

Say = Callable[[str], None]


class EpubFailed(DailyArchiveError):
    """Sphinx could not make a series' EPUB."""


@dataclass(frozen=True)
class EpubResult:
    """One series' EPUB and what it holds."""

    series: str
    path: Path
    built: bool
    contents: str = ""


def build_epubs(archive: Path, out: Path, docs: Path, say: Say | None = None) -> list[EpubResult]:
    """An EPUB of every series with bulletins, `out/<series>.epub` (sources and work files in `out/work/`)."""
    out.mkdir(parents=True, exist_ok=True)
    catalog, books, conf = stage_books(archive, docs)
    by_series: dict[str, list[str]] = {}
    for name in books:
        by_series.setdefault(name.split("/")[0], []).append(name)
    results = []
    for series, names in sorted(by_series.items()):
        volumes = [volume_of(catalog, series, int(name.split("/")[1])) for name in sorted(names)]
        volumes = [v for v in volumes if not v.bulletins.empty]
        if not volumes:
            continue
        files: Files = {}
        for volume in volumes:
            files.update(book_files(volume, books[f"{volume.series}/{volume.year:04d}"]))
        first, last = volumes[0], volumes[-1]
        count = sum(len(v.bulletins) for v in volumes)
        language = str(catalog.series.set_index("slug").loc[series].get("language", "en") or "en")
        files[f"{series}/index.md"] = page([f"# {myst_escape(first.name)}", "",
                                            f"{count} bulletins from {day(first.first)} to {day(last.last)}.", "",
                                            *toctree([v.root for v in volumes])])
        files["conf.py"] = conf + "\n\n" + epub_conf(series, first.name, first.publisher, language)
        contents = (f"{first.name}: {count} bulletins from {day(first.first)} to {day(last.last)}, for e-readers "
                    "(EPUB, no scripts)")
        results.append(build_book(series, files, out, contents, say))
    return results


def epub_conf(series: str, name: str, publisher: str, language: str) -> str:
    """The EPUB settings appended to the site's `conf.py`."""
    settings = {
        "dailyarchive_archive": "", "dailyarchive_volume": "", "root_doc": f"{series}/index",
        "html_static_path": [], "templates_path": [], "html_css_files": [], "html_js_files": [],
        "epub_basename": series, "epub_title": name, "epub_author": publisher or name,
        "epub_publisher": publisher or name, "epub_copyright": publisher or name, "epub_language": language,
        "epub_identifier": f"dailyarchive-{series}", "epub_scheme": "unknown", "epub_uid": f"dailyarchive-{series}",
        "epub_show_urls": "no", "epub_use_index": False, "epub_description": f"Daily bulletins of {name}",
        "version": toolkit_version(), "release": toolkit_version(),
        "suppress_warnings": ["myst.header", "myst.xref_missing", "toc.not_included", "ref.doc",
                              "epub.unknown_project_files", "epub.duplicated_toc_entry"],
    }
    lines = ["# ---- the EPUB of one series (dailyarchive.publish.epub) ----",
             'extensions = [*extensions, "dailyarchive.sphinxext._epub"]']
    return "\n".join(lines + [f"{key} = {value!r}" for key, value in settings.items()]) + "\n"


def build_book(series: str, files: Files, out: Path, contents: str, say: Say | None) -> EpubResult:
    """Write the sources, run Sphinx's epub builder (doctrees outside its output), install the EPUB."""
    from sphinx.application import Sphinx
    from sphinx.errors import SphinxError
    from sphinx.util.docutils import docutils_namespace

    work = out / "work" / series
    target = out / f"{series}.epub"
    digest = digest_of({"files": digest_of(files), "code": code_digest(), "month": dt.date.today().isoformat()[:7]})
    if target.is_file() and (work / "built.txt").is_file() and \
            (work / "built.txt").read_text(encoding="utf-8").strip() == digest:
        return EpubResult(series, target, False, contents)
    if say:
        say(f"epub: {series}")
    sync_files(work / "src", files, f"{addresses.INCLUDE_DIR}/epub-staged.txt")
    status, warning = io.StringIO(), io.StringIO()
    try:
        with docutils_namespace(), collector_eased():
            app = Sphinx(str(work / "src"), str(work / "src"), str(work / "epub"), str(work / "doctrees"), "epub",
                         status=status, warning=warning, keep_going=True)
            app.build()
    except SphinxError as exc:
        raise EpubFailed(f"the EPUB of {series} failed: {exc}\n{warning.getvalue()[-2000:]}") from None
    built = work / "epub" / f"{series}.epub"
    if app.statuscode or not built.is_file():
        raise EpubFailed(f"the EPUB of {series} failed:\n{warning.getvalue()[-2000:]}")
    temporary = target.with_name(f".{target.name}.tmp")
    shutil.copyfile(built, temporary)
    os.replace(temporary, target)
    write_if_changed(work / "built.txt", digest + "\n")
    return EpubResult(series, target, True, contents)
