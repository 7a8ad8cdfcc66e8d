"""Importing a WordPress export (WXR): one bulletin per published post, nothing else; the XML read with defusedxml."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from helpers import write_archive, write_bulletin, write_raw

from dailyarchive import check_archive
from dailyarchive.archivist.importer import import_path
from dailyarchive.model.load import split_front_matter

TODAY = dt.date(2019, 9, 1)


def item(post_id: int, title: str, date: str, content: str, *, kind: str = "post", status: str = "publish",
         terms: str = "") -> str:
    return f"""
  <item>
    <title>{title}</title>
    <link>https://syriadaily.example/{post_id}/</link>
    <pubDate>Tue, 09 Jul 2019 10:00:00 +0000</pubDate>
    <dc:creator><![CDATA[desk]]></dc:creator>
    <content:encoded><![CDATA[{content}]]></content:encoded>
    <excerpt:encoded><![CDATA[]]></excerpt:encoded>
    <wp:post_id>{post_id}</wp:post_id>
    <wp:post_date><![CDATA[{date}]]></wp:post_date>
    <wp:post_date_gmt><![CDATA[{date}]]></wp:post_date_gmt>
    <wp:post_name><![CDATA[post-{post_id}]]></wp:post_name>
    <wp:status><![CDATA[{status}]]></wp:status>
    <wp:post_type><![CDATA[{kind}]]></wp:post_type>
    {terms}
  </item>"""


LATAKIA = """[caption id="attachment_88" align="aligncenter" width="640"]<img class="size-full" src="https://syriadaily.example/wp-content/uploads/2019/07/latakia.jpg" alt="" width="640" height="400" /> Opposition fighters in Latakia Province get ready to strike regime lines[/caption]

Opposition factions, with the Islamist bloc <strong>Hay'at Tahrir al-Sham</strong>, attacked more than 20 regime positions on Mount Turkmen and held ground for some hours.

<span style="color:red" onmouseover="steal()">At least 544 civilians have been killed in Idlib Province since late April.</span><script>alert(document.cookie)</script>

[embed]https://video.example/watch?v=1[/embed]
See also Syria Daily, July 5: Have 1,000 regime soldiers died in the stalled offensive?"""
TOLL = "<p>The toll of the bombardment of Idlib passed <em>544</em> civilians.</p><iframe src='https://evil.example'></iframe>"
EXPORT = f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Syria Daily</title>
  <link>https://syriadaily.example</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  {item(10, "Have 1,000 regime soldiers died in the stalled offensive?", "2019-07-05 18:20:00",
        "<p>Losses mount on the Hama front.</p>")}
  {item(11, "544 civilians of Idlib killed in two months", "2019-07-08 09:00:00", TOLL,
        terms='<category domain="category" nicename="uncategorized"><![CDATA[Uncategorized]]></category>'
              '<category domain="post_tag" nicename="civilian-toll"><![CDATA[civilian toll]]></category>')}
  {item(12, "Opposition factions strike regime lines in northern Latakia", "2019-07-09 21:05:00", LATAKIA,
        terms='<category domain="category" nicename="offensive"><![CDATA[Offensive]]></category>'
              '<category domain="post_tag" nicename="latakia-front"><![CDATA[Latakia front]]></category>')}
  {item(13, "Draft: what the ceasefire means", "0000-00-00 00:00:00", "<p>Notes.</p>", status="draft")}
  {item(14, "About Syria Daily", "2019-01-01 00:00:00", "<p>Who we are.</p>", kind="page")}
  {item(88, "latakia.jpg", "2019-07-09 20:00:00", "", kind="attachment", status="inherit")}
  {item(90, "Menu", "2019-01-01 00:00:00", "", kind="nav_menu_item")}
</channel>
</rss>
"""


def front(path: Path) -> dict:
    return yaml.safe_load(split_front_matter(path.read_text(encoding="utf-8"))[0])


def test_each_published_post_becomes_a_bulletin_and_the_rest_is_skipped(tmp_path: Path) -> None:
    archive = write_archive(tmp_path / "archive", tags=[{"name": "offensive"}, {"name": "civilian-casualties"}])
    export = write_raw(tmp_path, "syriadaily.WordPress.2019-09-01.xml", EXPORT)
    report = import_path(archive, "test-daily", export, today=TODAY)
    written = {Path(o.detail).parent.name: o for o in report.outcomes if o.status == "written"}
    assert sorted(written) == ["2019-07-05-have-1000-regime-soldiers-died-in-the-stalled-offensive",
                               "2019-07-08-544-civilians-of-idlib-killed-in-two-months",
                               "2019-07-09-opposition-factions-strike-regime-lines-in-northern-latakia"]
    skipped = [o.detail for o in report.outcomes if o.status == "skipped"]
    assert skipped == ["skipped, a draft (--drafts imports drafts)", "skipped, a page", "skipped, an attachment",
                       "skipped, a custom post type (nav_menu_item)"]
    latakia = archive / "test-daily/2019/2019-07-09-opposition-factions-strike-regime-lines-in-northern-latakia/v1.md"
    meta = front(latakia)
    assert meta["title"] == "Opposition factions strike regime lines in northern Latakia"
    assert meta["date"] == dt.date(2019, 7, 9)
    assert meta["caption"] == "Opposition fighters in Latakia Province get ready to strike regime lines"
    assert meta["tags"] == ["offensive"] and meta["see_also"] == [dt.date(2019, 7, 5)]
    assert [(f["measure"], f["value"]) for f in meta["figures"]] == [("killed", 544)]
    text = latakia.read_text(encoding="utf-8")
    for markup in ("[caption", "[embed", "<img", "<script", "onmouseover", "<span", "alert(", "wp-content", "<strong>"):
        assert markup not in text, markup
    assert "**Hay'at Tahrir al-Sham**" in text
    assert report.unknown_tags == {"civilian toll": 1, "Latakia front": 1}
    notes = " ".join(n for o in report.outcomes for n in o.notes)
    assert "1 script" in notes and "1 event-handler attribute" in notes and "1 frame" in notes
    assert "shortcode" in notes
    # the photo itself is never fetched: check asks for it beside its caption
    assert {p.rule for p in check_archive(archive, today=TODAY)} == {"figure-pending", "caption-without-image"}


def test_drafts_come_in_with_the_flag(tmp_path: Path) -> None:
    archive = write_archive(tmp_path / "archive")
    export = write_raw(tmp_path, "export.xml", EXPORT)
    report = import_path(archive, "test-daily", export, drafts=True, today=TODAY)
    [draft] = [o for o in report.outcomes if "Draft" in o.label]
    assert draft.status == "refused" and "no date found" in draft.detail  # a draft has no date in WordPress


def test_an_xml_bomb_is_refused_with_a_message_and_the_other_inputs_imported(tmp_path: Path) -> None:
    archive = write_archive(tmp_path / "archive")
    bomb = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><title>&lol9;</title></item></channel></rss>"""
    legacy = tmp_path / "legacy"
    write_raw(legacy, "bomb.xml", bomb)
    write_raw(legacy, "broken.xml", "<rss><channel><item><title>unclosed</channel>")
    write_raw(legacy, "2019-07-03.txt", "Kabani assault fails\n\nThe hilltop held again.\n")
    report = import_path(archive, "test-daily", legacy, today=TODAY)
    by_name = {Path(o.label.split(":")[0]).name: o for o in report.outcomes}
    assert by_name["bomb.xml"].status == "refused" and "XML bomb" in by_name["bomb.xml"].detail
    assert by_name["broken.xml"].status == "refused" and "not well-formed" in by_name["broken.xml"].detail
    assert by_name["2019-07-03.txt"].status == "written"


def test_posts_already_in_the_archive_are_not_overwritten(tmp_path: Path) -> None:
    archive = write_archive(tmp_path / "archive")
    existing = write_bulletin(archive, date="2019-07-05", slug="have-1000-regime-soldiers-died-in-the-stalled-offensive",
                              body="The archive's own text.\n")
    export = write_raw(tmp_path, "export.xml", EXPORT)
    report = import_path(archive, "test-daily", export, today=TODAY)
    assert report.count("written") == 2 and "never overwritten" in " ".join(o.detail for o in report.outcomes)
    assert existing.read_text(encoding="utf-8").endswith("The archive's own text.\n")


def test_titles_lose_markup_entities_and_bidi_overrides(tmp_path: Path) -> None:
    archive = write_archive(tmp_path / "archive")
    title = "<em>Strikes</em> &amp;amp; shelling\u202e in Ariha"
    export = write_raw(tmp_path, "export.xml", EXPORT.replace("Have 1,000 regime soldiers died in the stalled offensive?",
                                                              title.replace("&", "&amp;").replace("<", "&lt;")))
    report = import_path(archive, "test-daily", export, today=TODAY)
    [path] = [Path(o.detail) for o in report.outcomes if o.status == "written" and "2019-07-05" in o.detail]
    assert front(path)["title"] == "Strikes &amp; shelling in Ariha"
    assert "\u202e" not in path.read_text(encoding="utf-8")
