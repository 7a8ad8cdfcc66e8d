"""Citations: the formats parse, the pages carry Highwire meta tags and a "Cite this version" box."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
from dataclasses import replace
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import write_bulletin
from pybtex.database import parse_string

from dailyarchive import load_catalog
from dailyarchive.site.cite import (ACCESSED, Citation, bibtex, csl_json, directive, from_json, highwire, plain, ris,
                               version_files)
from dailyarchive.model.memo import Kept, KeptFileDamaged
from dailyarchive.publish.html import build

ROOT = Path(__file__).resolve().parents[1]
LATAKIA = "syria-daily/2019/2019-07-09-northern-latakia-counter-attack"
HOSTILE = Citation(
    bulletin_id="test-daily/2019-07-09-a-bulletin", version=2,
    title='50% of {Idlib} & "Hama" #1 $x_y ~^ \\end إدلب', series="test-daily", series_name="Test Daily",
    publisher="Tests & Co", date="2019-07-09", revised="2019-07-12", revision_note="Fixed a {figure}.",
    summary="One line\nand another.", language="en", tags=("offensive", "counter-attack"),
    page="test-daily/2019/2019-07-09-a-bulletin/v2", url="https://archive.example.org/x/v2.html",
    sha256="0bc2d26108dfc761806b65cef71f01fe621468dfceac23de2a710bcf12503813")
#: The sample's base URL (docs/conf.py).
SAMPLE_BASE = "https://syria-daily.example.org/"


def parse_bibtex(text: str) -> tuple[str, str, dict[str, str]]:
    """A small BibTeX reader: entry type, key and brace-delimited fields (braces must balance)."""
    head = re.match(r"\s*@(\w+)\{([^,\s{}]+),", text)
    assert head, text
    fields: dict[str, str] = {}
    position = head.end()
    while True:
        field = re.compile(r"\s*(\w+)\s*=\s*\{").match(text, position)
        if field is None:
            break
        depth, cursor = 1, field.end()
        while depth:
            char = text[cursor]
            if char == "\\":
                cursor += 2
                continue
            depth += {"{": 1, "}": -1}.get(char, 0)
            cursor += 1
        fields[field.group(1)] = text[field.end():cursor - 1]
        position = cursor + (1 if text[cursor:cursor + 1] == "," else 0)
    assert text[position:].strip() == "}", text[position:]
    return head.group(1), head.group(2), fields


def unescape_latex(value: str) -> str:
    return re.sub(r"\\text(backslash|asciitilde|asciicircum)\{\}|\\([{}&%$#_])",
                  lambda m: {"backslash": "\\", "asciitilde": "~", "asciicircum": "^"}.get(m.group(1)) or m.group(2),
                  value)


def test_bibtex_parses_and_escapes_latex_specials():
    kind, key, fields = parse_bibtex(bibtex(HOSTILE))
    assert (kind, key) == ("misc", "test-daily:2019-07-09-a-bulletin:v2")
    assert unescape_latex(fields["title"][1:-1]) == HOSTILE.title
    assert not re.search(r"(?<!\\)[&%$#_]", fields["title"])
    assert fields["date"] == "2019-07-09" and fields["year"] == "2019"
    assert fields["url"] == HOSTILE.url
    assert "corrected 12 July 2019" in fields["note"]


def test_csl_json_has_the_required_keys():
    items = json.loads(csl_json(HOSTILE))
    assert len(items) == 1
    item = items[0]
    assert {"id", "type", "title", "issued"} <= set(item)
    assert item["title"] == HOSTILE.title and item["type"] == "article-newspaper"
    assert item["issued"] == {"date-parts": [[2019, 7, 9]]}
    assert item["available-date"] == {"date-parts": [[2019, 7, 12]]}
    assert item["URL"] == HOSTILE.url and item["version"] == "2"


def test_ris_is_one_tagged_line_per_field():
    lines = ris(HOSTILE).splitlines()
    assert lines[0] == "TY  - NEWS" and lines[-1] == "ER  - "
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines)
    assert "AB  - One line and another." in lines
    assert [line for line in lines if line.startswith("KW")] == ["KW  - offensive", "KW  - counter-attack"]


def test_directive_json_round_trips_and_is_one_ascii_line():
    block = directive(HOSTILE)
    first, data, last = block.splitlines()
    assert first == "```{dailyarchive-cite}" and last == "```" and data.isascii()
    assert from_json(data) == HOSTILE


def test_highwire_tags_of_a_first_version_have_no_online_date():
    first = replace(HOSTILE, version=1, revised="", revision_note="")
    names = dict(highwire(first))
    assert "citation_online_date" not in names
    assert names["citation_publication_date"] == "2019/07/09"
    assert names["citation_public_url"] == HOSTILE.url
    assert "Version 1." in plain(first) and "corrected" not in plain(first)


def meta(soup: BeautifulSoup) -> dict[str, str]:
    return {m["name"]: m["content"] for m in soup.find_all("meta") if m.get("name", "").startswith("citation_")}


def test_sample_version_pages_carry_meta_tags_and_the_cite_box(sample_build):
    latest = BeautifulSoup((sample_build.outdir / LATAKIA / "index.html").read_text(encoding="utf-8"), "html.parser")
    first = BeautifulSoup((sample_build.outdir / LATAKIA / "v1.html").read_text(encoding="utf-8"), "html.parser")
    tags = meta(latest)
    assert tags["citation_title"] == "Opposition factions strike regime lines in northern Latakia"
    assert tags["citation_publication_date"] == "2019/07/09"
    assert tags["citation_online_date"] == "2019/07/10"
    assert tags["citation_publisher"] and tags["citation_author"]
    assert "citation_online_date" not in meta(first)
    assert first.find("link", rel="timemap")["href"] == "timemap.link"
    for soup, version in ((latest, 2), (first, 1)):
        box = soup.select_one(".dailyarchive-cite")
        formats = {d.summary.get_text(): d.pre.get_text() for d in box.find_all("details")}
        assert set(formats) == {"BibTeX", "RIS", "CSL-JSON"}
        assert parse_bibtex(formats["BibTeX"])[1].endswith(f":v{version}")
        assert json.loads(formats["CSL-JSON"])[0]["version"] == str(version)
        assert formats["RIS"].startswith("TY  - NEWS")
        permanent = box.find("p", string=re.compile("Permanent link")) or box.find(
            lambda tag: tag.name == "p" and tag.get_text().startswith("Permanent link"))
        assert permanent.a["href"] == f"v{version}.html"  # opens this copy of the site
        assert permanent.a.get_text() == f"{SAMPLE_BASE}{LATAKIA}/v{version}.html"  # names the permanent URL


def test_base_url_gives_absolute_permanent_urls_and_hostile_titles_stay_text(archive, tmp_path):
    title = '"Quoted" <b>bold</b> & {{x}} إدلب'
    write_bulletin(archive, title=title)
    write_bulletin(archive, title=title, version=2, revision_note='A "note" with <i>markup</i>.')
    warnings = io.StringIO()
    result = build(archive, tmp_path / "out", ROOT / "docs", warnings_as_errors=True, status=None, warning=warnings,
                   overrides={"dailyarchive_baseurl": "https://archive.example.org/daily"})
    assert result.status == 0, warnings.getvalue()
    folder = result.outdir / "test-daily/2019/2019-07-09-a-bulletin"
    soup = BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"), "html.parser")
    url = "https://archive.example.org/daily/test-daily/2019/2019-07-09-a-bulletin/v2.html"
    assert meta(soup)["citation_title"] == title
    assert meta(soup)["citation_public_url"] == url
    box = soup.select_one(".dailyarchive-cite")
    assert box.find("a", href="v2.html").get_text() == url
    assert f" {url}. Accessed {ACCESSED['text']}." in box.select_one(".dailyarchive-cite-text").get_text()
    assert not box.find("b") and not box.find("i")
    assert (folder / "timemap.link").read_text(encoding="utf-8").startswith(
        "<https://archive.example.org/daily/test-daily/2019/2019-07-09-a-bulletin/index.html>;rel=\"original\"")


def test_every_format_carries_the_url_an_access_date_and_the_source_digest():
    entry = parse_string(bibtex(HOSTILE), "bibtex").entries[HOSTILE.key]
    assert entry.fields["url"] == HOSTILE.url and entry.fields["urldate"] == ACCESSED["iso"]
    assert HOSTILE.sha256 in entry.fields["note"] and "v2.md" in entry.fields["note"]
    lines = ris(HOSTILE).splitlines()
    assert f"UR  - {HOSTILE.url}" in lines and f"Y2  - {ACCESSED['ris']}" in lines
    assert any(line.startswith("N1  - ") and HOSTILE.sha256 in line for line in lines)
    (item,) = json.loads(csl_json(HOSTILE))
    assert item["URL"] == HOSTILE.url and item["accessed"] == {"raw": ACCESSED["iso"]}
    assert item["note"].endswith(f"Source file v2.md, SHA-256 {HOSTILE.sha256}")
    text = plain(HOSTILE)
    assert f"{HOSTILE.url}. Accessed {ACCESSED['text']}." in text and text.endswith(f"SHA-256 {HOSTILE.sha256}.")


def test_sample_citations_have_absolute_urls_files_and_the_sealed_digest(sample_build):
    folder = sample_build.outdir / LATAKIA
    url = f"{SAMPLE_BASE}{LATAKIA}/v2.html"
    box = BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"), "html.parser").select_one(
        ".dailyarchive-cite")
    formats = {d.summary.get_text(): d.pre.get_text() for d in box.find_all("details")}
    (key, entry), = parse_string(formats["BibTeX"], "bibtex").entries.items()
    assert entry.fields["url"] == url and key.endswith(":v2")
    assert f"UR  - {url}" in formats["RIS"].splitlines()
    assert json.loads(formats["CSL-JSON"])[0]["URL"] == url
    assert url in box.select_one(".dailyarchive-cite-text").get_text()
    manifest = (ROOT / "archive" / "MANIFEST-sha256.txt").read_text(encoding="utf-8")
    sealed = dict(line.split("  ", 1)[::-1] for line in manifest.splitlines() if line and not line.startswith("#"))
    digest = box.select_one(".dailyarchive-sha256").get_text()
    assert digest == sealed[f"{LATAKIA}/v2.md"] == hashlib.sha256((folder / "v2.md").read_bytes()).hexdigest()
    assert box.find("a", string="v2.md")["href"] == "v2.md" and digest in entry.fields["note"]
    assert (folder / "v2.md").read_bytes() == (ROOT / "archive" / LATAKIA / "v2.md").read_bytes()
    assert (folder / "v2.bib").read_text(encoding="utf-8") == formats["BibTeX"]
    assert (folder / "v1.ris").read_text(encoding="utf-8").startswith("TY  - NEWS")
    assert {a["href"] for a in box.select("a.dailyarchive-download")} == {"v2.bib", "v2.ris"}
    assert [b.get_text() for b in box.select("button.dailyarchive-copy")] == [
        "Copy plain text", "Copy BibTeX", "Copy RIS", "Copy CSL-JSON"]
    scripts = [s["src"] for s in BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"),
                                               "html.parser").find_all("script", src=True)]
    assert any(src.split("?")[0].endswith("_static/dailyarchive-cite.js") for src in scripts)


def test_a_build_without_base_url_warns_once_and_keeps_relative_links(archive, tmp_path):
    write_bulletin(archive)
    write_bulletin(archive, slug="another")
    warnings = io.StringIO()
    result = build(archive, tmp_path / "out", ROOT / "docs", status=None, warning=warnings,
                   overrides={"dailyarchive_baseurl": ""})
    assert result.status == 0, warnings.getvalue()
    assert warnings.getvalue().count("no base URL is set") == 1, warnings.getvalue()
    assert "[dailyarchive.baseurl]" in warnings.getvalue()
    folder = result.outdir / "test-daily/2019/2019-07-09-a-bulletin"
    box = BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"), "html.parser").select_one(
        ".dailyarchive-cite")
    assert "URL" not in json.loads(box.find("pre", id="cite-csljson").get_text())[0]
    assert (folder / "v1.md").read_bytes() == (archive / "test-daily/2019/2019-07-09-a-bulletin/v1.md").read_bytes()


def test_a_source_file_changed_during_the_build_is_not_published(archive):
    path = write_bulletin(archive)
    catalog = load_catalog(archive)
    path.write_text(path.read_text(encoding="utf-8") + "A late edit.\n", encoding="utf-8")
    problems = []
    files = version_files(catalog, lambda docname: f"https://archive.example.org/{docname}.html", problems)
    assert "test-daily/2019/2019-07-09-a-bulletin/v1.md" not in files
    assert "UR  - https://archive.example.org/test-daily/2019/2019-07-09-a-bulletin/v1.html" in \
        files["test-daily/2019/2019-07-09-a-bulletin/v1.ris"]
    assert [(p.path, p.rule) for p in problems] == [(path, "fixity-altered")]


def test_an_unchanged_source_is_published_without_being_read_again_and_a_disguised_change_is_caught(archive):
    path = write_bulletin(archive)
    catalog = load_catalog(archive)
    problems = []
    source = version_files(catalog, lambda docname: "", problems)["test-daily/2019/2019-07-09-a-bulletin/v1.md"]
    assert isinstance(source, Kept) and source.path == str(path) and not problems
    assert source.read() == path.read_bytes()
    stamp = path.stat()
    original = path.read_bytes()
    path.write_bytes(original.replace(b"Bulletin", b"Bullet1n", 1))  # same size, then the same time again
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    with pytest.raises(KeptFileDamaged, match="changed while the site was built: build again"):
        source.read()


def test_a_source_swapped_for_a_link_after_loading_is_not_published(archive, tmp_path):
    path = write_bulletin(archive)
    catalog = load_catalog(archive)
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"not for the web\n" * 40)
    path.unlink()
    path.symlink_to(secret)  # the link's target has another size and time than the file that was read
    problems = []
    files = version_files(catalog, lambda docname: "", problems)
    assert "test-daily/2019/2019-07-09-a-bulletin/v1.md" not in files
    assert all(b"not for the web" not in (c if isinstance(c, bytes) else str(c).encode()) for c in files.values())
    assert problems and all(p.path == path for p in problems)


def test_the_source_of_a_withheld_body_is_not_published(archive, tmp_path):
    write_bulletin(archive, body="Safe text.\n\n```{raw} html\n<script>alert(1)</script>\n```\n")
    result = build(archive, tmp_path / "out", ROOT / "docs", status=None, warning=io.StringIO())
    assert result.status != 0  # the body is withheld, and the build says so
    folder = result.outdir / "test-daily/2019/2019-07-09-a-bulletin"
    assert not (folder / "v1.md").exists() and (folder / "v1.bib").is_file()
    box = BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"), "html.parser").select_one(
        ".dailyarchive-cite")
    assert box.find("a", string="v1.md") is None and len(box.select_one(".dailyarchive-sha256").get_text()) == 64


def test_citation_files_kept_in_a_memo_equal_fresh_ones_and_a_new_title_makes_them_again(archive, tmp_path):
    from dailyarchive.build.stage import FileMemo, content_bytes

    path = write_bulletin(archive, title="Shelling near Idleb & {x}")
    memo = FileMemo(tmp_path / "memo", salt="s")
    bib = "test-daily/2019/2019-07-09-a-bulletin/v1.bib"

    def made(with_memo: bool) -> dict[str, bytes]:
        files = version_files(load_catalog(archive), lambda docname: "", [], memo=memo if with_memo else None)
        return {name: content_bytes(content) for name, content in files.items()}

    fresh = made(False)
    assert made(True) == fresh
    kept = version_files(load_catalog(archive), lambda docname: "", [], memo=memo)[bib]
    assert isinstance(kept, Kept) and kept.read() == fresh[bib]
    path.write_text(path.read_text(encoding="utf-8").replace("Shelling", "Airstrikes"), encoding="utf-8")
    again = made(True)
    assert b"Airstrikes near Idleb" in again[bib] and again == made(False)


def test_a_volume_read_from_the_same_files_gets_its_citation_files_back_whole(archive, tmp_path, monkeypatch):
    from dailyarchive.build.reading import read_archive
    from dailyarchive.build.stage import FileMemo, content_bytes
    from dailyarchive.site import cite

    write_bulletin(archive, date="2019-07-09", title="Shelling near Idleb & {x}")
    later = write_bulletin(archive, date="2020-01-02", slug="next", title="A new year")
    cited: list[str] = []
    making = cite.citations

    def citations(catalog, versions=None):  # the real one, noting which versions get a citation made
        cited.extend(catalog.versions["bulletin_id"] if versions is None else versions["bulletin_id"])
        return making(catalog, versions)

    monkeypatch.setattr(cite, "citations", citations)

    def made(base: str = "", whole: bool = True) -> dict[str, bytes]:
        reading = read_archive(archive, tmp_path / "cache")
        url_of = (lambda docname: f"{base}{docname}.html") if base else (lambda docname: "")
        memo, records = FileMemo(tmp_path / "texts", salt="s"), FileMemo(tmp_path / "volumes", salt="s")  # a build's
        volumes = cite.VolumeCitations(records, reading.digests, base) if whole else None
        cited.clear()
        files = version_files(reading.catalog, url_of, [], memo=memo if whole else None, volumes=volumes)
        return {name: content_bytes(content) for name, content in files.items()}

    def kept_equals_fresh(base: str = "") -> list[str]:
        """The bulletins whose citations the kept build made; its files equal a fresh build's."""
        kept = made(base)
        making_kept = sorted(set(cited))
        assert kept == made(base, whole=False)
        return making_kept

    both = ["test-daily/2019-07-09-a-bulletin", "test-daily/2020-01-02-next"]
    assert kept_equals_fresh() == both
    assert kept_equals_fresh() == []  # nothing changed: every volume came back whole
    later.write_text(later.read_text(encoding="utf-8").replace("A new year", "Another year"), encoding="utf-8")
    assert kept_equals_fresh() == ["test-daily/2020-01-02-next"]  # the 2019 volume came back whole
    assert b"Another year" in made()["test-daily/2020/2020-01-02-next/v1.bib"]
    assert kept_equals_fresh("https://archive.example.org/") == both  # another base URL: made again
    for text in (tmp_path / "texts" / "texts").rglob("*"):
        if text.is_file():
            text.unlink()
    assert kept_equals_fresh() == both  # their texts gone: made again
