"""The extension in real Sphinx builds: incremental rebuilds, hostile text, page frame and the sample pages."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import PLACES, sphinx_build, write_archive, write_bulletin

from dailyarchive.publish.html import BuildResult, build

ROOT = Path(__file__).resolve().parents[1]
#: Written on every build by Sphinx itself, whatever changed.
ALWAYS_WRITTEN = {"genindex.html", "search.html"}
NINTH = "syria-daily/2019/2019-07-09-northern-latakia-counter-attack"


def strict_build(archive: Path, out: Path) -> BuildResult:
    """Build with warnings as errors; fail the test with the warnings if there are any."""
    warnings = io.StringIO()
    result = build(archive, out, ROOT / "docs", "html", warnings_as_errors=True, status=None, warning=warnings)
    assert result.status == 0 and not warnings.getvalue(), warnings.getvalue()
    return result


def html_times(outdir: Path) -> dict[str, int]:
    """Modification time (ns) of every HTML file of a build, by path relative to the output folder."""
    return {p.relative_to(outdir).as_posix(): p.stat().st_mtime_ns for p in outdir.rglob("*.html")}


def written(before: dict[str, int], after: dict[str, int]) -> set[str]:
    """HTML files that are new or were written again."""
    return {path for path, stamp in after.items() if before.get(path) != stamp} - ALWAYS_WRITTEN


def soup(path: Path) -> BeautifulSoup:
    """A built page, parsed."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture
def small_site(archive: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Five bulletins over June to August, built once; returns (archive, output folder)."""
    write_bulletin(archive, date="2019-06-28", slug="june", places=["Idlib Province"], tags=["offensive"])
    write_bulletin(archive, date="2019-07-03", slug="kabani", places=["Mount Turkmen"])
    write_bulletin(archive, date="2019-07-05", slug="fifth", tags=["offensive"])
    write_bulletin(archive, date="2019-07-20", slug="twentieth", places=["Latakia Province"])
    write_bulletin(archive, date="2019-08-02", slug="august", tags=["airstrikes"])
    out = tmp_path / "out"
    strict_build(archive, out)
    return archive, out


def test_unchanged_archive_rebuild_writes_no_page(small_site):
    archive, out = small_site
    before = html_times(out / "html")
    strict_build(archive, out)
    assert written(before, html_times(out / "html")) == set()


def test_compiled_page_templates_are_kept_in_the_cache_and_read_by_the_next_build(small_site):
    archive, out = small_site
    kept = {p.name: p.stat().st_mtime_ns for p in (out / "cache" / "page-templates").glob("*.cache")}
    assert len(kept) >= 5  # the theme's page, layout and macros, Sphinx's basic layout, the search page ...
    write_bulletin(archive, date="2019-08-03", slug="new", title="New")  # pages to render again
    strict_build(archive, out)
    assert {p.name: p.stat().st_mtime_ns for p in (out / "cache" / "page-templates").glob("*.cache")} == kept
    assert "New" in (out / "html" / "test-daily" / "2019" / "2019-08-03-new" / "index.html").read_text("utf-8")


def test_adding_a_bulletin_rewrites_only_its_pages_neighbours_and_indexes(small_site):
    archive, out = small_site
    before = html_times(out / "html")
    write_bulletin(archive, date="2019-07-09", slug="new", places=["Mount Turkmen"], actors=["HTS"],
                   tags=["counter-attack"], see_also=["2019-07-03"])
    strict_build(archive, out)
    day = "test-daily/2019/2019-07"
    assert written(before, html_times(out / "html")) == {
        f"{day}-09-new/index.html", f"{day}-09-new/v1.html",  # the bulletin and its version's permanent URL
        f"{day}-05-fifth/index.html", f"{day}-20-twentieth/index.html",  # previous and next
        f"{day}-03-kabani/index.html",  # its see-also target gains a backlink
        "test-daily/2019/07/index.html", "test-daily/2019/index.html", "test-daily/index.html", "index.html",
        "places/mount-turkmen/index.html", "places/latakia-province/index.html", "places/syria/index.html",
        "actors/hay-at-tahrir-al-sham/index.html", "tags/counter-attack/index.html",
        "downloads.html",  # the downloads page gives each data file's SHA-256
    }


def test_correcting_a_bulletin_rewrites_its_pages_and_the_lists_that_mark_it(small_site):
    archive, out = small_site
    before = html_times(out / "html")
    write_bulletin(archive, date="2019-07-05", slug="fifth", version=2, tags=["offensive"],
                   body="Something else happened.\n")
    strict_build(archive, out)
    page = "test-daily/2019/2019-07-05-fifth"
    assert written(before, html_times(out / "html")) == {
        f"{page}/index.html", f"{page}/v1.html", f"{page}/v2.html", f"{page}/diff-v1-v2.html",
        "test-daily/2019/07/index.html", "index.html",  # lists that mark it "(corrected)"
        "tags/offensive/index.html",
        "downloads.html",  # the downloads page gives each data file's SHA-256
    }
    assert "A newer version exists" in (out / "html" / page / "v1.html").read_text(encoding="utf-8")
    assert 'url=index.html' in (out / "html" / page / "v2.html").read_text(encoding="utf-8")


HOSTILE = '<script>alert(1)</script> " & {{x}} `code` {ref}`y` **b** [l](http://e) :::'


def test_hostile_text_renders_as_text(tmp_path):
    places = [*PLACES, {"name": '<img src=x onerror=alert(2)> "Q" & {{p}}', "aliases": ["قرية", "`{ref}`z``"],
                        "parent": "Mount Turkmen", "kind": "village"}]
    archive = write_archive(tmp_path / "archive", places=places)
    write_bulletin(archive, title=HOSTILE, summary=HOSTILE, caption=HOSTILE, image="p.png",
                   places=[places[-1]["name"]], body="Text with إدلب inside.\n",
                   figures=[{"measure": "killed", "group": "all", "value": 3, "kind": "increment",
                             "reported_by": HOSTILE}])
    (archive / "test-daily/2019/2019-07-09-a-bulletin/p.png").write_bytes(
        bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                      "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"))
    result = strict_build(archive, tmp_path / "out")
    for relative in ("test-daily/2019/2019-07-09-a-bulletin/index.html", "test-daily/2019/07/index.html",
                     "index.html", "places/index.html"):
        page = soup(result.outdir / relative)
        for script in page.find_all("script"):
            if script.get("src"):
                assert not script["src"].startswith(("http:", "https:", "//")), relative
            elif script.get("type") == "application/json":
                json.loads(script.string)  # data, whole: the text did not end the element
            else:
                assert "alert" not in script.string, relative
        assert not [(e.name, a) for e in page.find_all(True) for a in e.attrs if a.startswith("on")], relative
        assert page.find("img", src="x") is None
    page = soup(result.outdir / "test-daily/2019/2019-07-09-a-bulletin/index.html")
    assert page.find("h1").get_text().rstrip("¶") == HOSTILE
    assert page.find("p", class_="summary").get_text() == HOSTILE
    assert page.find("img")["alt"] == HOSTILE
    assert page.find("figcaption").get_text().strip().rstrip("¶") == HOSTILE
    assert page.title.get_text().startswith(HOSTILE)
    assert page.find("span", dir="auto").get_text() == "إدلب" and page.find("span", dir="auto")["lang"] == "ar"
    place = soup(next((result.outdir / "places").glob("img-*/index.html")))
    assert "قرية" in [s.get_text() for s in place.find_all("span", dir="auto")]
    assert "`{ref}`z``" in place.get_text()


def test_page_frame_has_landmarks_a_skip_link_and_no_global_toctree(sample_build):
    page = soup(sample_build.outdir / NINTH / "index.html")
    assert page.find("a", class_="skip-link")["href"] == "#main-content"
    assert page.find(id="main-content")["role"] == "main"
    assert page.find("header") and page.find("footer") and page.find("nav")
    assert not page.select(".sphinxsidebar .toctree-wrapper, .sphinxsidebar li.toctree-l1")
    assert page.find("link", rel="next") is None  # prev/next are in the page text, never stale rel links
    css = (sample_build.outdir / "_static" / "dailyarchive.css").read_text(encoding="utf-8")
    assert "@media print" in css


def test_sample_bulletin_of_9_july_shows_figures_links_backlinks_and_versions(sample_build):
    page = soup(sample_build.outdir / NINTH / "index.html")
    text = page.get_text(" ")
    assert "at least 544" in text and "scores (vague count)" in text and "claimed by" in text
    see_also = page.find("section", id="see-also")
    assert {a["href"] for a in see_also.find_all("a")} == {
        "../2019-07-05-have-1000-regime-soldiers-died/index.html", "../2019-07-08-idlib-civilian-toll/index.html"}
    assert page.find("section", id="later-bulletins-that-point-here").find("a")
    assert "Corrected on 10 July 2019" in text
    for name in ("v1.html", "v2.html", "diff-v1-v2.html"):
        assert (sample_build.outdir / NINTH / name).is_file()
    diff = soup(sample_build.outdir / NINTH / "diff-v1-v2.html")
    assert diff.find("del").get_text() == "June" and diff.find("ins").get_text() == "July"


def test_every_sample_bulletin_has_its_version_pages(sample_build):
    pages = [p.parent for p in (sample_build.outdir / "syria-daily").glob("2019/2019-*/index.html")]
    assert len(pages) >= 15
    for folder in pages:
        versions = sorted(folder.glob("v*.html"))
        assert versions, folder
        assert len(list(folder.glob("diff-*.html"))) == len(versions) - 1, folder


def test_myst_pages_are_rendered_without_a_throwaway_document(tmp_path, monkeypatch):
    from myst_parser.mdit_to_docutils import base

    made = []
    real = base.make_document
    monkeypatch.setattr(base, "make_document", lambda *args, **kwargs: made.append(args) or real(*args, **kwargs))
    (tmp_path / "conf.py").write_text('extensions = ["myst_parser", "dailyarchive.sphinxext._myst"]\n')
    (tmp_path / "index.md").write_text("# Home\n\n```{note}\nA *note*.\n```\n\n```{toctree}\nother\n```\n")
    (tmp_path / "other.md").write_text("---\norphan: false\n---\n# Other\n\nSee [home](index.md).\n")
    app = sphinx_build(tmp_path, tmp_path, status=None)
    assert app.statuscode == 0 and made == []  # without the wrapper, one settings object a page is made in vain
    assert "A <em>note</em>" in (tmp_path / "html" / "index.html").read_text()
    assert soup(tmp_path / "html" / "other.html").find("a", string="home")["href"] == "index.html"


def test_the_myst_wrapper_leaves_an_unknown_myst_version_alone(monkeypatch):
    from myst_parser.mdit_to_docutils import base

    from dailyarchive.sphinxext import _myst

    def other_setup_render(self, options, env):
        self.document = options["document"]

    monkeypatch.setattr(base.DocutilsRenderer, "setup_render", other_setup_render)
    assert _myst.install() is False and base.DocutilsRenderer.setup_render is other_setup_render
    wrapped = _myst.document_given_setup(other_setup_render)
    monkeypatch.setattr(base.DocutilsRenderer, "setup_render", wrapped)
    assert _myst.install() is True and base.DocutilsRenderer.setup_render is wrapped  # installed once
