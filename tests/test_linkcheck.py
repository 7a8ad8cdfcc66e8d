"""The link checker: small hand-written folders show what it catches; the sample build has no broken link."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dailyarchive.harness.linkcheck import check_links, parse_page

LATAKIA = "syria-daily/2019/2019-07-09-northern-latakia-counter-attack/index.html"


def write_site(root: Path, pages: dict[str, str]) -> Path:
    """Write {relative path: body HTML} as small HTML files under `root`."""
    for relative, body in pages.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<!DOCTYPE html>\n<html><head><title>t</title></head>\n<body>\n{body}\n</body></html>\n",
                        encoding="utf-8")
    return root


def reasons(root: Path) -> list[tuple[str, str, str]]:
    """(page, url, reason) of every problem, pages relative to `root`."""
    return [(p.page.relative_to(root.resolve()).as_posix(), p.url, p.reason) for p in check_links(root)]


def test_links_that_resolve_are_not_reported(tmp_path):
    site = write_site(tmp_path, {
        "index.html": '<a href="a/">folder</a> <a href="a/b%20c.html#x">encoded</a> <a href="#top">top</a>'
                      '<p id="top"></p> <a href="https://example.org/">a source</a> <a href="mailto:x@y">m</a>'
                      '<a href="a/index.html?highlight=x">query</a> <img src="data:image/png;base64,AA" alt="">',
        "a/index.html": '<a href="../index.html#top">back</a> <a name="old"></a> <a href="#old">named</a>',
        "a/b c.html": '<h2 id="x">X</h2>',
    })
    assert reasons(site) == []


def test_missing_file_anchor_and_remote_resource_are_reported_with_line(tmp_path):
    site = write_site(tmp_path, {
        "index.html": '<a href="gone.html">gone</a>\n<a href="a.html#nope">anchor</a>\n<a href="#also-nope">x</a>\n'
                      '<script src="https://cdn.example.org/vega.js"></script>\n'
                      '<link rel="stylesheet" href="//fonts.example.org/f.css">\n'
                      '<img srcset="small.png 1x, https://example.org/big.png 2x" alt="">',
        "a.html": '<p id="yes"></p>',
        "small.png": "",
    })
    found = reasons(site)
    assert ("index.html", "gone.html", "no such file") in found
    assert ("index.html", "a.html#nope", "no anchor #nope in a.html") in found
    assert ("index.html", "#also-nope", "no anchor #also-nope in index.html") in found
    remote = {url for _, url, reason in found if "network" in reason}
    assert remote == {"https://cdn.example.org/vega.js", "//fonts.example.org/f.css", "https://example.org/big.png"}
    assert len(found) == 6
    lines = {p.url: p.line for p in check_links(site)}
    assert lines["gone.html"] == 4 and lines["a.html#nope"] == 5


def test_links_that_break_offline_are_reported(tmp_path):
    site = write_site(tmp_path, {
        "index.html": '<a href="/a.html">root-relative</a> <a href="../outside.html">out</a>'
                      f'<a href="file://{tmp_path}/a.html">absolute</a>',
        "a.html": "",
    })
    (tmp_path.parent / "outside.html").write_text("x", encoding="utf-8")
    found = {url: reason for _, url, reason in reasons(site)}
    assert "root-relative" in found["/a.html"]
    assert found["../outside.html"] == "points outside the build folder"
    assert "absolute file://" in found[f"file://{tmp_path}/a.html"]


def test_sample_build_has_no_broken_link_or_anchor(sample_build):
    problems = check_links(sample_build.outdir)
    assert not problems, "\n".join(p.format(sample_build.outdir) for p in problems)
    assert len(list(sample_build.outdir.rglob("*.html"))) > 30


@pytest.fixture
def broken_build(sample_build, tmp_path) -> tuple[Path, str]:
    """A copy of the sample build with one bulletin page removed and the target of one in-page anchor renamed."""
    copy = shutil.copytree(sample_build.outdir, tmp_path / "html")
    (copy / LATAKIA).unlink()
    home = copy / "index.html"
    anchors, links = parse_page(home)
    fragment = next(url[1:] for url, _, _ in links if url.startswith("#") and url[1:] in anchors)
    home.write_text(home.read_text(encoding="utf-8").replace(f'id="{fragment}"', 'id="renamed"'), encoding="utf-8")
    return copy, fragment


def test_checker_catches_a_broken_copy_of_the_sample_build(broken_build):
    root, fragment = broken_build
    problems = check_links(root)
    missing = [p for p in problems if p.reason == "no such file"]
    assert missing, "a removed bulletin page must be reported by the pages that link to it"
    assert {(p.page.parent / p.url.split("#")[0]).resolve() for p in missing} == {(root / LATAKIA).resolve()}
    assert any(p.reason == f"no anchor #{fragment} in index.html" for p in problems)
