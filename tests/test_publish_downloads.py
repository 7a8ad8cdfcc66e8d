"""`invoke build` with every format: the books, the zip and SHA256SUMS in html/downloads/, and the downloads page."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from helpers import write_archive, write_bulletin

from dailyarchive.publish.downloads import UnknownFormat, build_formats, parse_formats

ROOT = Path(__file__).resolve().parents[1]
EPUBCHECK = Path("/usr/share/java/epubcheck.jar")
pytestmark = pytest.mark.skipif(shutil.which("xelatex") is None or not EPUBCHECK.is_file(),
                                reason="TeX Live or epubcheck is not installed: invoke setup-system")
FIGURES = [{"measure": "killed", "group": "civilians", "value": 544, "qualifier": "at least", "kind": "running-total",
            "since": "2019-04-26", "place": "Idlib Province"}]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small archive (two bulletins, one chart) built with every format, once for this module."""
    root = tmp_path_factory.mktemp("formats")
    archive = write_archive(root / "archive")
    write_bulletin(archive, title="The toll passes 544", figures=FIGURES, places=["Idlib Province"])
    write_bulletin(archive, date="2019-08-01", slug="later", title="A later bulletin", see_also=["2019-07-09"])
    out = root / "out"
    result = build_formats(archive, out, ROOT / "docs", status=None, warning=io.StringIO())
    assert result.html is not None and result.html.status == 0
    return out


def test_sha256sums_lists_every_download_and_sha256sum_checks_them(built):
    folder = built / "html" / "downloads"
    listed = {line.split("  ", 1)[1] for line in (folder / "SHA256SUMS").read_text().splitlines()}
    assert {"test-daily-2019.pdf", "test-daily.epub", "test-daily-offline.zip", "figures.csv", "archive.sqlite",
            "datapackage.json"} <= listed
    assert listed == {p.name for p in folder.iterdir() if p.name != "SHA256SUMS"}
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_downloads_page_gives_size_date_and_sha256_and_is_linked_from_home_and_menu(built):
    html = built / "html"
    page = (html / "downloads.html").read_text(encoding="utf-8")
    sums = dict(reversed(line.split("  ", 1)) for line in (html / "downloads" / "SHA256SUMS").read_text().splitlines())
    for name in ("test-daily-2019.pdf", "test-daily.epub", "figures.csv", "datapackage.json"):
        assert f'href="downloads/{name}"' in page and sums[name] in page, name
    assert "in downloads/SHA256SUMS" in page  # the zip holds this page: its checksum is in SHA256SUMS only
    assert re.search(r"\d+ KB", page) and "2 bulletins" in page
    assert 'href="downloads.html"' in (html / "index.html").read_text(encoding="utf-8")
    bulletin = next(html.glob("test-daily/2019/2019-07-09-*/index.html")).read_text(encoding="utf-8")
    assert re.search(r'<nav class="site-nav".*?href="\.\./\.\./\.\./downloads\.html">Downloads</a>', bulletin, re.S)


def test_epub_passes_epubcheck_without_scripts_and_its_doctrees_stay_outside(built):
    epub = built / "html" / "downloads" / "test-daily.epub"
    check = subprocess.run(["java", "-jar", str(EPUBCHECK), str(epub)], capture_output=True, text=True)
    assert check.returncode == 0 and "0 errors" in check.stdout + check.stderr, check.stdout + check.stderr
    with zipfile.ZipFile(epub) as book:
        names = book.namelist()
        pages = [book.read(n).decode("utf-8") for n in names if n.endswith(".xhtml")]
    assert not [n for n in names if n.endswith((".js", ".pickle", ".doctree"))]
    assert pages and not any("<script" in p for p in pages)
    assert any("dailyarchive-charts/" in p and "<img" in p for p in pages)  # the chart as a static image
    assert not list((built / "epub" / "work" / "test-daily" / "epub").rglob("*.doctree"))


def test_zip_holds_the_site_in_one_folder_without_the_books(built):
    with zipfile.ZipFile(built / "html" / "downloads" / "test-daily-offline.zip") as offline:
        names = offline.namelist()
    assert all(n.startswith("test-daily-offline/") for n in names)
    assert {"test-daily-offline/index.html", "test-daily-offline/search.html",
            "test-daily-offline/downloads/figures.csv"} <= set(names)
    assert not [n for n in names if n.endswith((".pdf", ".epub", ".zip", "SHA256SUMS"))]


def test_a_second_build_rebuilds_no_book(built):
    pdf = built / "html" / "downloads" / "test-daily-2019.pdf"
    before = pdf.stat().st_mtime_ns, pdf.read_bytes()
    archive = built.parent / "archive"
    result = build_formats(archive, built, ROOT / "docs", ("pdf", "epub"), status=None, warning=io.StringIO())
    assert (pdf.stat().st_mtime_ns, pdf.read_bytes()) == before
    assert result.sums is not None
    check = subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=pdf.parent, capture_output=True)
    assert check.returncode == 0


def test_formats_are_checked():
    assert parse_formats("pdf, html") == ("pdf", "html")
    assert parse_formats("") == ("html", "pdf", "epub", "zip")
    with pytest.raises(UnknownFormat, match="docx"):
        parse_formats("html,docx")
