"""The sources of a book (one volume's PDF, a series' EPUB): the volume's staged pages, with a book's structure.

The volume's bulletin pages, bodies, images and charts come from the stager as they are; the
year page becomes the root of a book (title page data, a toctree of months and the
corrections), each month page a part holding its bulletins, each bulletin page gets index
entries for its places, actors and tags, and `conf.py` is the site's with the PDF settings
appended. Pages the book does not hold (earlier versions, diffs) are left out.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from ..addresses import CHART_DIR
from ..catalog.catalog import Catalog
from ..site.charts import chart_directive
from ..site.pages._context import docname, month_docname
from ..site.pages._latex import ARABIC_COMMAND, tex
from ..site.pages._text import day, link, myst_escape, page, present, toctree

Files = dict[str, str | bytes]
#: The Arabic font of the PDF (fonts-hosny-amiri); Noto Naskh Arabic (fonts-noto-core) would do as well.
ARABIC_FONT = "Amiri"
#: The heading `slots.bulletin_chart` puts above a bulletin's chart.
BULLETIN_CHART_HEADING = "## The toll as of this date"
_INDEX_UNSAFE = re.compile(r"[;!`\n\r]")


def toolkit_version() -> str:
    """The installed toolkit's version ('unknown' when it runs from a checkout that is not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("dailyarchive")
    except PackageNotFoundError:
        return "unknown"


__version__ = toolkit_version()


@dataclass(frozen=True)
class Volume:
    """What the title page and the structure of one volume's PDF need."""

    series: str
    year: int
    name: str
    publisher: str
    first: dt.date
    last: dt.date
    bulletins: pd.DataFrame
    #: The book of a whole series (years as parts, months as chapters), not of one year.
    whole_series: bool = False

    @property
    def root(self) -> str:
        """The docname of the book's root (the volume's year page, or the series' page)."""
        return f"{self.series}/index" if self.whole_series else f"{self.series}/{self.year:04d}/index"

    @property
    def filename(self) -> str:
        """`<series>-<year>` or `<series>` (the `.tex` and `.pdf` names)."""
        return self.series if self.whole_series else f"{self.series}-{self.year:04d}"

    @property
    def label(self) -> str:
        """`<series>/<year>` or `<series>`, as messages name the book."""
        return self.series if self.whole_series else f"{self.series}/{self.year:04d}"

    @property
    def span_text(self) -> str:
        """`2019`, or `2019–2021` for a series."""
        return f"{self.first.year}–{self.last.year}" if self.whole_series else str(self.year)


def volume_of(catalog: Catalog, series: str, year: int) -> Volume:
    """The bulletins of a series-year and the facts of its title page."""
    bulletins = catalog.bulletins[(catalog.bulletins["series"] == series) & (catalog.bulletins["year"] == year)]
    rows = catalog.series.set_index("slug")
    info = rows.loc[series] if series in rows.index else {}
    dates = pd.to_datetime(bulletins["date"])
    return Volume(series, year, str(info.get("name", series)), str(info.get("publisher", "")),
                  dates.min().date(), dates.max().date(), bulletins.sort_values(["date", "slug"]))


def series_volume(volumes: list[Volume]) -> Volume:
    """The book of a whole series from its volumes (in year order)."""
    first, last = volumes[0], volumes[-1]
    return Volume(first.series, first.year, first.name, first.publisher, first.first, last.last,
                  pd.concat([v.bulletins for v in volumes]), whole_series=True)


def series_files(book: Volume, volumes: list[Volume], staged: dict[str, Files]) -> Files:
    """The files of a whole series' book: every volume's book files and a root page listing the years."""
    files: Files = {}
    for volume in volumes:
        files.update(book_files(volume, staged[volume.label]))
    files[f"{book.root}.md"] = page([f"# {myst_escape(book.name)}", "", *toctree([v.root for v in volumes])])
    return files


def book_files(volume: Volume, staged: Files) -> Files:
    """A book's files (PDF or EPUB) of one volume: the staged files kept for the book and its own pages.

    A bulletin page's chart (the toll as of its date) is left out: a book shows that chart once a
    month, at the end of the month's part (`month_chart`): drawing one image per bulletin would
    cost more than the rest of the book, for a chart that barely changes from one day to the next.
    """
    keep = {f"{docname(url)}.md" for url in volume.bulletins["url"]}
    files: Files = {path: content for path, content in staged.items()
                    if not path.endswith(".md") or path in keep or path.startswith("_dailyarchive/")}
    for bulletin_id, row in zip(volume.bulletins.index, volume.bulletins.to_dict("records")):
        path = f"{docname(row['url'])}.md"
        if isinstance(files.get(path), str):
            files[path] = with_index_entries(without_chart(str(files[path]), str(bulletin_id)), row)
    files.update(book_pages(volume, staged))
    return files


def without_chart(text: str, bulletin_id: str) -> str:
    """A bulletin page without its chart section (`slots.bulletin_chart`)."""
    return text.replace("\n".join([BULLETIN_CHART_HEADING, "", *chart_directive(f"bulletin/{bulletin_id}")]), "")


def month_chart(in_month: pd.DataFrame, staged: Files, title: str) -> list[str]:
    """The chart of the month's last bulletin that has one (the toll at the end of the month), as MyST lines."""
    for bulletin_id in reversed(list(in_month.index)):
        spec = staged.get(f"{CHART_DIR}/bulletin/{bulletin_id}.json")
        if spec and '"digest"' in (spec if isinstance(spec, str) else spec.decode("utf-8", "replace")):
            return [f"## The toll at the end of {title}", "", *chart_directive(f"bulletin/{bulletin_id}")]
    return []


def book_pages(volume: Volume, staged: Files) -> dict[str, str]:
    """The root page (months, corrections), one page per month, and the corrections page."""
    months = sorted({int(m) for m in volume.bulletins["month"]})
    base = f"{volume.series}/{volume.year:04d}"
    pages = {f"{volume.root}.md": page([f"# {myst_escape(volume.name)}: {volume.year}", "",
                                        *toctree([month_docname(volume.series, volume.year, m) for m in months]
                                                 + [f"{base}/corrections"])])}
    for month in months:
        in_month = volume.bulletins[volume.bulletins["month"] == month]
        title = f"{calendar.month_name[month]} {volume.year}"
        pages[month_docname(volume.series, volume.year, month) + ".md"] = page(
            [f"# {title}", "", *toctree([docname(u) for u in in_month["url"]]), *month_chart(in_month, staged, title)])
    pages[f"{base}/corrections.md"] = corrections_page(volume)
    return pages


def corrections_page(volume: Volume) -> str:
    """Every corrected bulletin of the volume: its date, title, latest version, date and note of the correction."""
    corrected = volume.bulletins[volume.bulletins["corrected"].astype(bool)]
    lines = ["# Corrections", ""]
    if corrected.empty:
        return page(lines + ["No bulletin of this volume has been corrected.", ""])
    lines += [f"{len(corrected)} bulletin(s) of this volume were corrected after publication; "
              "each page above shows its latest version.", ""]
    for row in corrected.to_dict("records"):
        note = f": {myst_escape(row['revision_note'])}" if present(row["revision_note"]) else ""
        lines.append(f"- {day(row['date'])}, {link(row['title'], docname(row['url']))}: version "
                     f"{int(row['latest_version'])}, corrected on {day(row['last_revised'])}{note}")
    return page(lines + [""])


def with_index_entries(text: str, bulletin: dict[str, object]) -> str:
    """The bulletin page with an index entry for each of its places, actors and tags, after its title."""
    entries = [f"```{{index}} single: {group}; {_INDEX_UNSAFE.sub(' ', str(name)).strip()}\n```"
               for group, column in (("Places", "places"), ("Actors", "actors"), ("Tags", "tags"))
               for name in (bulletin.get(column) or ()) if str(name).strip()]
    lines = text.split("\n")
    title = next((n for n, line in enumerate(lines) if line.startswith("# ")), None)
    if title is None or not entries:
        return text
    return "\n".join([*lines[: title + 1], "", *entries, *lines[title + 1:]])


def title_page(volume: Volume, built: dt.date) -> str:
    """The LaTeX of the title page: series, dates covered, number of bulletins, build date, toolkit version."""
    count = len(volume.bulletins)
    return "\n".join([
        r"\begin{titlepage}\centering\vspace*{5em}",
        rf"{{\Huge\sffamily\bfseries {tex(volume.name)}\par}}\vspace{{1.5em}}",
        rf"{{\LARGE {volume.span_text}\par}}\vspace{{1em}}",
        rf"{{\large {tex(f'{day(volume.first)} to {day(volume.last)}')}\par}}\vspace{{0.5em}}",
        rf"{{\large {count} bulletin{'s' if count != 1 else ''}\par}}\vspace{{2em}}",
        rf"{tex(f'Published by {volume.publisher}') if volume.publisher else ''}\par\vfill",
        rf"{{\small {tex(f'Built on {day(built)} with dailyarchive {__version__}.')}\par",
        r"The latest version of each bulletin; the corrections are listed at the end.\par}",
        r"\end{titlepage}"])


def preamble(volume: Volume) -> str:
    """Arabic through an explicit font, unnumbered headings, the PDF's metadata, and room for long words."""
    subject = f"Daily bulletins of {volume.name}, {day(volume.first)} to {day(volume.last)}"
    keywords = ", ".join([volume.name, volume.span_text, "daily bulletins", "archive"])
    return "\n".join([
        rf"\newfontfamily\dailyarabicfont[Script=Arabic]{{{ARABIC_FONT}}}",
        r"\TeXXeTstate=1",
        rf"\DeclareRobustCommand\{ARABIC_COMMAND}[1]{{{{\dailyarabicfont\beginR#1\endR}}}}",
        r"\setlength{\emergencystretch}{3em}\sloppy",
        r"\AtBeginDocument{\hypersetup{pdftitle={" + _pdf_string(f"{volume.name}: {volume.span_text}") + "}, pdfauthor={"
        + _pdf_string(volume.publisher or volume.name) + "}, pdfsubject={" + _pdf_string(subject)
        + "}, pdfkeywords={" + _pdf_string(keywords) + "}, pdfcreator={dailyarchive " + __version__ + "}}}",
    ])


def _pdf_string(text: str) -> str:
    """Text for a hyperref metadata field: escaped, Arabic left plain (no font commands in metadata)."""
    from sphinx.util import texescape

    return texescape.escape(" ".join(text.split()))


def pdf_conf(volume: Volume, built: dt.date) -> str:
    """The PDF settings appended to the site's `conf.py` (values written as Python literals)."""
    settings = {
        "dailyarchive_archive": "", "dailyarchive_volume": "", "root_doc": volume.root,
        "latex_engine": "xelatex", "latex_use_xindy": False, "latex_toplevel_sectioning": "part",
        "latex_show_urls": "no", "html_static_path": [], "templates_path": [], "latex_show_pagerefs": False,
        "latex_domain_indices": False,
        "latex_documents": [(volume.root, f"{volume.filename}.tex", f"{volume.name}: {volume.span_text}",
                             volume.publisher or volume.name, "manual", False)],
        "latex_elements": {
            "papersize": "a4paper", "pointsize": "10pt", "extraclassoptions": "openany,oneside",
            "fncychap": "",
            # months and bulletins in the contents (a series: years, months and bulletins)
            "tocdepth": rf"\setcounter{{tocdepth}}{{{1 if volume.whole_series else 0}}}", # -1 numbers no chapter; -2 numbers no part either (the months)
            "secnumdepth": r"\setcounter{secnumdepth}{-2}",
            "preamble": preamble(volume), "maketitle": title_page(volume, built),
            "printindex": r"\footnotesize\raggedright\printindex",
        },
        "today": day(built), "release": __version__, "version": __version__,
        "suppress_warnings": ["myst.header", "myst.xref_missing", "toc.not_included", "ref.doc",
                              "misc.highlighting_failure"],
    }
    lines = ["# ---- the PDF of one volume (dailyarchive.publish.pdf) ----",
             'extensions = [*extensions, "dailyarchive.sphinxext._pdf"]']
    lines += [f"{key} = {value!r}" for key, value in settings.items()]
    return "\n".join(lines) + "\n"
