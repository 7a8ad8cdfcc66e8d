"""The HTML build: permanent paths and escaping of front-matter text."""

from __future__ import annotations

import io
from pathlib import Path

from helpers import write_bulletin

from dailyarchive.publish.html import build

ROOT = Path(__file__).resolve().parents[1]


def test_sample_archive_has_home_and_bulletin_pages(sample_build):
    html = sample_build.outdir
    assert (html / "index.html").is_file()
    page = html / "syria-daily" / "2019" / "2019-07-09-northern-latakia-counter-attack" / "index.html"
    assert page.is_file()
    assert "Latakia" in page.read_text(encoding="utf-8")


def test_title_with_markup_renders_as_text(archive, tmp_path):
    write_bulletin(archive, title="<script>alert(1)</script> & {{x}} `code` **bold**")
    warnings = io.StringIO()
    result = build(archive, tmp_path / "out", ROOT / "docs", status=None, warning=warnings)
    html = (result.outdir / "test-daily/2019/2019-07-09-a-bulletin/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; {{x}} `code` **bold**" in html


def test_texts_of_replaced_pages_leave_the_cache_after_a_build(archive, tmp_path):
    write_bulletin(archive, date="2019-07-09", slug="a", title="First title")
    out = tmp_path / "out"
    build(archive, out, ROOT / "docs", status=None, warning=io.StringIO())
    texts = out / "cache" / "pages" / "texts"

    def holding(words: str) -> list[Path]:
        return [p for p in texts.rglob("*") if p.is_file() and words in p.read_text(encoding="utf-8")]

    assert holding("First title")
    write_bulletin(archive, date="2019-07-09", slug="a", title="Second title")
    result = build(archive, out, ROOT / "docs", status=None, warning=io.StringIO())
    assert result.status == 0 and holding("Second title")
    assert not holding("First title")  # the old page's text is gone with the page
    page = result.outdir / "test-daily/2019/2019-07-09-a/index.html"
    assert "Second title" in page.read_text(encoding="utf-8")
