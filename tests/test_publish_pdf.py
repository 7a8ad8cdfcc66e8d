"""The PDF of a volume: the sample archive's 2019 volume (built once), hostile input, and a LaTeX failure."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import write_bulletin, write_raw
from pypdf import PdfReader

from dailyarchive.publish.pdf import PdfFailed, build_pdfs, run_latexmk
from dailyarchive.publish._pdfsources import volume_of
from dailyarchive import load_catalog

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(shutil.which("xelatex") is None, reason="TeX Live is not installed: invoke setup-system")


@pytest.fixture(scope="session")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2019 volume of the sample archive, built once for the tests that only read it."""
    results = build_pdfs(ROOT / "archive", tmp_path_factory.mktemp("pdf"), ROOT / "docs", years={2019},
                         built_on=dt.date(2026, 12, 1))
    assert [r.volume for r in results] == ["syria-daily/2019"]
    return results[0].path


def pdf_text(path: Path) -> str:
    """The PDF's text as poppler's pdftotext reads it."""
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_the_2019_volume_holds_the_9_july_bulletin_its_figures_and_an_arabic_name(sample_pdf):
    text = pdf_text(sample_pdf)
    assert sample_pdf.name == "syria-daily-2019.pdf"
    assert "Opposition factions strike regime lines in northern Latakia" in text
    assert "544" in text and "Mount Turkmen" in text
    assert "خان شيخون" in text  # Khan Shaykhun, set right to left in Amiri
    assert "9 July 2019 · Syria Daily · version 2 of 2" in " ".join(text.split())
    assert "Corrections" in text and "corrected on 10 July 2019" in " ".join(text.split())
    assert "Illustrative: this bulletin is demonstration content" in " ".join(text.split())


def test_outline_lists_the_months_and_metadata_names_the_volume(sample_pdf):
    reader = PdfReader(sample_pdf)
    top = [item.title for item in reader.outline if not isinstance(item, list)]
    for month in ("April 2019", "May 2019", "June 2019", "July 2019", "August 2019"):
        assert month in top
    assert "Corrections" in top
    info = reader.metadata
    assert info.title == "Syria Daily: 2019"
    assert info.author and "Syria Daily" in info.subject and "28 April 2019" in info.subject


def test_every_font_is_embedded_and_arabic_has_its_font(sample_pdf):
    rows = subprocess.run(["pdffonts", str(sample_pdf)], capture_output=True, text=True, check=True).stdout
    fonts = rows.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), rows
    assert any("Amiri" in line for line in fonts)


def test_contents_are_unnumbered_and_see_also_links_inside_the_pdf(sample_pdf):
    text = pdf_text(sample_pdf)
    contents = text.split("Contents", 1)[1][:400]
    assert "\nI\n" not in contents and "Chapter" not in text
    reader = PdfReader(sample_pdf)
    internal = [a for page in reader.pages for a in (page.get("/Annots") or [])
                if a.get_object().get("/Subtype") == "/Link" and _internal(a.get_object())]
    assert internal, "no internal links (table of contents, see also)"
    assert "Index" in text and "Places" in text.split("Index")[-1]


def _internal(link) -> bool:
    action = link.get("/A")
    return "/Dest" in link or (action is not None and action.get_object().get("/S") == "/GoTo")


HOSTILE = "Specials # $ % & ~ _ ^ \\ { } and a " + "very" * 40 + "longword"
LONG_URL = "https://example.org/" + "a-very-long-path-segment/" * 12 + "?q=1&x=2#frag"


def test_hostile_text_arabic_emoji_and_a_corrupt_image_still_make_a_pdf(archive, tmp_path):
    folder = write_bulletin(archive, title="Title with # $ % & ~ _ ^ \\ { } in it", summary=HOSTILE,
                            caption="A caption with {braces} & 50% of it", image="photo.jpg",
                            places=["Mount Turkmen"],
                            sources=[{"title": "Source & co_ #1", "publisher": "P{u}b", "url": LONG_URL}],
                            figures=[{"measure": "killed", "group": "civilians", "value": 5, "qualifier": "at least",
                                      "kind": "increment", "place": "Mount Turkmen", "reported_by": "a_b & c"}],
                            body="Body with \\textbf{not latex} and $x^2$ and 100% & more.\n\n"
                                 f"A link: <{LONG_URL}>\n\nArabic: جبل التركمان في اللاذقية.\n\nEmoji: 🔥🚑 done.\n"
                                 f"\n{'Unbreakable' * 30}\n").parent
    write_raw(archive, f"{folder.relative_to(archive)}/photo.jpg", b"\xff\xd8\xff\xe0 not really a jpeg")
    second = write_bulletin(archive, date="2019-07-10", slug="missing-image", image="gone.jpg", caption="No file")
    assert second.is_file()
    [result] = build_pdfs(archive, tmp_path / "out", ROOT / "docs")
    text = " ".join(pdf_text(result.path).split())
    assert "Title with # $ % & ~ _ ^ \\ { } in it" in text
    assert "Specials # $ % & ~ _ ^ \\ { } and a" in text
    assert "\\textbf{not latex}" in text and "$x^2$" in text and "100% & more" in text
    assert "جبل" in text and "done." in text
    assert "photo.jpg could not be read" in text and "a_b & c" in text


def test_a_latex_failure_names_the_bulletin_and_only_the_relevant_log_lines(archive, tmp_path):
    write_bulletin(archive, slug="first", title="First bulletin")
    write_bulletin(archive, date="2019-07-10", slug="broken", title="Broken bulletin")
    [result] = build_pdfs(archive, tmp_path / "out", ROOT / "docs")
    latex = tmp_path / "out" / "work" / "test-daily-2019" / "latex"
    tex = latex / "test-daily-2019.tex"
    text = tex.read_text(encoding="utf-8")
    tex.write_text(text.replace("Broken bulletin}", "Broken bulletin}\n\\undefinedcommandinabulletin\n", 1),
                   encoding="utf-8")
    catalog = load_catalog(archive)
    with pytest.raises(PdfFailed) as failure:
        run_latexmk(latex, volume_of(catalog, "test-daily", 2019))
    assert failure.value.docname == "test-daily/2019/2019-07-10-broken/index"
    message = str(failure.value)
    assert "Undefined control sequence" in message and "test-daily/2019" in message
    assert failure.value.source.endswith("2019-07-10-broken/v1.md")
    assert len(message.splitlines()) < 20
    assert result.path.is_file()


def test_a_small_series_also_gets_one_pdf_of_all_its_volumes(archive, tmp_path):
    write_bulletin(archive, date="2018-12-30", slug="old", title="An old bulletin")
    write_bulletin(archive, date="2019-01-02", slug="new", title="A new bulletin")
    results = build_pdfs(archive, tmp_path / "out", ROOT / "docs")
    assert [r.path.name for r in results] == ["test-daily-2018.pdf", "test-daily-2019.pdf", "test-daily.pdf"]
    whole = PdfReader(results[-1].path)
    years = [item.title for item in whole.outline if not isinstance(item, list)]
    assert years[:2] == ["Test Daily: 2018", "Test Daily: 2019"]
    text = " ".join(pdf_text(results[-1].path).split())
    assert "An old bulletin" in text and "A new bulletin" in text and "2018–2019" in text
    assert build_pdfs(archive, tmp_path / "other", ROOT / "docs", series_max=1)[-1].path.name == "test-daily-2019.pdf"


def test_charts_are_static_images_once_a_month(sample_pdf):
    listed = subprocess.run(["pdfimages", "-list", str(sample_pdf)], capture_output=True, text=True, check=True).stdout
    images = [line for line in listed.splitlines()[2:] if line.split()[2:3] == ["image"]]  # not their alpha masks
    assert 1 <= len(images) <= 5 + 2  # a chart at the end of each month with figures (and the photos)
    text = " ".join(pdf_text(sample_pdf).split())
    assert "The toll at the end of July 2019" in text and "The toll as of this date" not in text
