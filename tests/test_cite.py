"""Citations: the formats parse, the pages carry Highwire meta tags and a "Cite this version" box."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from pathlib import Path

from bs4 import BeautifulSoup
from helpers import write_bulletin

from dailyarchive.cite import Citation, bibtex, csl_json, directive, from_json, highwire, plain, ris
from dailyarchive.publish.html import build

ROOT = Path(__file__).resolve().parents[1]
LATAKIA = "syria-daily/2019/2019-07-09-northern-latakia-counter-attack"
HOSTILE = Citation(
    bulletin_id="test-daily/2019-07-09-a-bulletin", version=2,
    title='50% of {Idlib} & "Hama" #1 $x_y ~^ \\end إدلب', series="test-daily", series_name="Test Daily",
    publisher="Tests & Co", date="2019-07-09", revised="2019-07-12", revision_note="Fixed a {figure}.",
    summary="One line\nand another.", language="en", tags=("offensive", "counter-attack"),
    page="test-daily/2019/2019-07-09-a-bulletin/v2", url="https://archive.example.org/x/v2.html")


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
        assert box.find("a", string=re.compile("version"))["href"] == f"v{version}.html"


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
    assert box.find("a", href=url) is not None
    assert box.select_one(".dailyarchive-cite-text").get_text().endswith(f"{url}.")
    assert not box.find("b") and not box.find("i")
    assert (folder / "timemap.link").read_text(encoding="utf-8").startswith(
        "<https://archive.example.org/daily/test-daily/2019/2019-07-09-a-bulletin/index.html>;rel=\"original\"")
