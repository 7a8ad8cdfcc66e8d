"""Discovery files: Atom feeds, sitemap, robots.txt and Memento TimeMaps."""

from __future__ import annotations

import io
import re
from pathlib import Path

from defusedxml import ElementTree
from helpers import write_bulletin

from dailyarchive.catalog.catalog import build_catalog
from dailyarchive.site.feeds import FEED_ENTRIES, SITEMAP_LIMIT, Site, feeds, sitemap, timemaps
from dailyarchive.model.load import load_archive
from dailyarchive.publish.html import build

ROOT = Path(__file__).resolve().parents[1]
A = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
LATAKIA = "syria-daily/2019/2019-07-09-northern-latakia-counter-attack"
#: The sample's base URL (docs/conf.py): every link of its feeds, sitemap and TimeMaps is absolute under it.
BASE = "https://syria-daily.example.org/"


def local(url: str) -> str:
    """The path inside the build of an absolute URL of the sample site (fails on any other URL)."""
    assert url.startswith(BASE), url
    return url.removeprefix(BASE)


def check_atom(text: str) -> list:
    """Parse a feed and check the elements RFC 4287 requires; returns its entries."""
    feed = ElementTree.fromstring(text.encode("utf-8"))
    assert feed.tag == f"{A}feed"
    for name in ("id", "title", "updated"):
        assert len(feed.findall(f"{A}{name}")) == 1, name
    assert RFC3339.fullmatch(feed.findtext(f"{A}updated"))
    entries = feed.findall(f"{A}entry")
    assert feed.find(f"{A}author/{A}name").text or all(e.find(f"{A}author") is not None for e in entries)
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{A}{name}")) == 1, name
        assert RFC3339.fullmatch(entry.findtext(f"{A}updated"))
        assert entry.find(f"{A}link[@rel='alternate']").get("href")
    return entries


def parse_link_format(text: str) -> list[tuple[str, dict[str, str]]]:
    """RFC 6690 link-format: [(target, {param: value})]."""
    links = []
    for item in re.split(r",\n", text.strip()):
        target, *params = item.split(";")
        assert target.startswith("<") and target.endswith(">"), item
        values = dict(p.split("=", 1) for p in params)
        links.append((target[1:-1], {k: v.strip('"') for k, v in values.items()}))
    return links


def test_sample_series_and_tag_feeds_are_valid_atom(sample_build):
    folder = sample_build.outdir / "feeds"
    entries = check_atom((folder / "syria-daily.atom").read_text(encoding="utf-8"))
    catalog = build_catalog(load_archive(ROOT / "archive"))
    assert len(entries) == min(FEED_ENTRIES, len(catalog.bulletins))
    for entry in entries:
        href = entry.find(f"{A}link[@rel='alternate']").get("href")
        assert (sample_build.outdir / local(href)).is_file()
    feed = ElementTree.fromstring((folder / "syria-daily.atom").read_bytes())
    assert feed.find(f"{A}link[@rel='self']").get("href") == f"{BASE}feeds/syria-daily.atom"
    corrected = [e for e in entries if e.findtext(f"{A}title") == "Opposition factions strike regime lines in northern Latakia"]
    assert corrected[0].findtext(f"{A}updated") == "2019-07-10T00:00:00Z"
    assert corrected[0].findtext(f"{A}published") == "2019-07-09T00:00:00Z"
    assert corrected[0].findtext(f"{A}summary").startswith("Corrected on 10 July 2019 (version 2): ")
    tags = sorted(p.stem for p in (folder / "tags").glob("*.atom"))
    assert "counter-attack" in tags
    for path in (folder / "tags").glob("*.atom"):
        assert check_atom(path.read_text(encoding="utf-8"))
        page = ElementTree.fromstring(path.read_bytes()).find(f"{A}link[@rel='alternate']").get("href")
        assert local(page) == f"tags/{path.stem}/index.html"
        assert (sample_build.outdir / local(page)).is_file()
    tag_page = (sample_build.outdir / "tags" / "counter-attack" / "index.html").read_text(encoding="utf-8")
    assert 'type="application/atom+xml" title="Tag: counter-attack" href="../../feeds/tags/counter-attack.atom"' in tag_page


def test_sample_sitemap_and_robots(sample_build):
    html = sample_build.outdir
    sitemap = ElementTree.fromstring((html / "sitemap.xml").read_bytes())
    urls = {local(u.findtext(f"{SM}loc")): u.findtext(f"{SM}lastmod") for u in sitemap.findall(f"{SM}url")}
    assert urls[f"{LATAKIA}/index.html"] == "2019-07-10"
    assert urls[f"{LATAKIA}/v1.html"] == "2019-07-09"
    assert "index.html" in urls and "search.html" not in urls
    assert all((html / loc).is_file() for loc in urls)
    robots = (html / "robots.txt").read_text(encoding="utf-8")
    assert robots.startswith("User-agent: *\n") and f"Sitemap: {BASE}sitemap.xml" in robots.splitlines()
    for path in (html / "robots.txt", html / "sitemap.xml", html / "feeds" / "syria-daily.atom"):
        assert path.stat().st_mode & 0o444 == 0o444, f"{path} must be readable by a web server"


def test_a_sitemap_escapes_every_path_and_splits_past_its_limit():
    hostile = [("a&b/<x>/\u0625\u062f\u0644\u0628/index", "2019-07-05"), ("q\"'/index", "")]
    urls = hostile + [(f"p/{n}/index", "2020-01-01") for n in range(SITEMAP_LIMIT)]
    files = sitemap(urls, Site(baseurl=BASE))
    assert sorted(files) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap.xml"]
    first = ElementTree.fromstring(files["sitemap-1.xml"].encode("utf-8"))
    found = [(u.findtext(f"{SM}loc"), u.findtext(f"{SM}lastmod")) for u in first.findall(f"{SM}url")]
    assert found[:2] == [(f"{BASE}{hostile[0][0]}", "2019-07-05"), (f"{BASE}{hostile[1][0]}", None)]
    assert len(found) + len(ElementTree.fromstring(files["sitemap-2.xml"].encode()).findall(f"{SM}url")) == len(urls)
    assert ElementTree.fromstring(sitemap([], Site()).pop("sitemap.xml").encode()).tag == f"{SM}urlset"


def test_sample_timemap_lists_every_version_with_its_date(sample_build):
    folder = sample_build.outdir / LATAKIA
    links = parse_link_format((folder / "timemap.link").read_text(encoding="utf-8"))
    by_rel = {params["rel"]: (target, params) for target, params in links}
    assert by_rel["original"][0] == f"{BASE}{LATAKIA}/index.html"
    assert by_rel["self"][1]["type"] == "application/link-format"
    assert by_rel["first memento"] == (f"{BASE}{LATAKIA}/v1.html",
                                       {"rel": "first memento", "datetime": "Tue, 09 Jul 2019 00:00:00 GMT"})
    assert by_rel["last memento"][0] == f"{BASE}{LATAKIA}/v2.html"
    assert by_rel["last memento"][1]["datetime"] == "Wed, 10 Jul 2019 00:00:00 GMT"
    assert all((sample_build.outdir / local(target)).is_file() for target, _ in links)


def test_without_a_base_url_links_are_relative_to_the_file_that_holds_them(archive):
    write_bulletin(archive, tags=["offensive"])
    write_bulletin(archive, version=2, tags=["offensive"])
    catalog = build_catalog(load_archive(archive))
    feed = ElementTree.fromstring(feeds(catalog, Site())["feeds/tags/offensive.atom"].encode("utf-8"))
    assert feed.find(f"{A}entry/{A}link").get("href") == "../../test-daily/2019/2019-07-09-a-bulletin/index.html"
    links = parse_link_format(timemaps(catalog, Site())["test-daily/2019/2019-07-09-a-bulletin/timemap.link"])
    assert [target for target, _ in links] == ["index.html", "timemap.link", "v1.html", "v2.html"]


def test_a_corrected_old_bulletin_comes_back_as_an_updated_entry(archive):
    for day in range(1, 61):
        write_bulletin(archive, date=f"2019-{1 + (day - 1) // 28:02d}-{1 + (day - 1) % 28:02d}", slug=f"b{day}",
                       title=f"Bulletin {day}", tags=["offensive"])
    write_bulletin(archive, date="2019-01-01", slug="b1", title="Bulletin 1", version=2, revised="2019-06-01",
                   revision_note="Corrected the toll.", tags=["offensive"])
    catalog = build_catalog(load_archive(archive))
    files = feeds(catalog, Site(baseurl="https://archive.example.org/"))
    assert set(files) == {"feeds/test-daily.atom", "feeds/tags/offensive.atom"}
    entries = check_atom(files["feeds/test-daily.atom"])
    assert len(entries) == FEED_ENTRIES
    assert entries[0].findtext(f"{A}title") == "Bulletin 1"
    assert entries[0].findtext(f"{A}summary").startswith("Corrected on 1 June 2019 (version 2): Corrected the toll.")
    assert entries[0].find(f"{A}link").get("href").startswith("https://archive.example.org/test-daily/2019/")
    assert entries[1].findtext(f"{A}title") == "Bulletin 60"
    maps = timemaps(catalog, Site(baseurl="https://archive.example.org/"))
    assert "<https://archive.example.org/test-daily/2019/2019-01-01-b1/v2.html>;rel=\"last memento\"" in \
        maps["test-daily/2019/2019-01-01-b1/timemap.link"]


def test_hostile_titles_stay_text_and_files_are_written_only_when_changed(archive, tmp_path):
    write_bulletin(archive, title="<entry>&amp; \"x\" \x0b إدلب", tags=["offensive"])
    out = tmp_path / "out"
    warnings = io.StringIO()
    first = build(archive, out, ROOT / "docs", warnings_as_errors=True, status=None, warning=warnings)
    assert first.status == 0, warnings.getvalue()
    feed = first.outdir / "feeds" / "test-daily.atom"
    entries = check_atom(feed.read_text(encoding="utf-8"))
    assert entries[0].findtext(f"{A}title") == "<entry>&amp; \"x\" إدلب"
    stamps = {p: p.stat().st_mtime_ns for p in (feed, first.outdir / "sitemap.xml", first.outdir / "robots.txt")}
    build(archive, out, ROOT / "docs", status=None, warning=io.StringIO())
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps
    write_bulletin(archive, slug="a-bulletin", version=2, title="Renamed", tags=["airstrikes"])
    build(archive, out, ROOT / "docs", status=None, warning=io.StringIO())
    assert not (first.outdir / "feeds" / "tags" / "offensive.atom").exists()
    assert (first.outdir / "feeds" / "tags" / "airstrikes.atom").is_file()


def test_timemaps_of_a_volume_read_from_the_same_files_come_back_from_the_memo(archive, tmp_path, monkeypatch):
    from dailyarchive.build.reading import read_archive
    from dailyarchive.build.stage import FileMemo, content_bytes
    from dailyarchive.site import feeds as module

    write_bulletin(archive, date="2019-07-09")
    later = write_bulletin(archive, date="2020-01-02", slug="next")
    drawn: list[str] = []
    making = module.timemap

    def timemap(bulletin_url, versions, site):  # the real one, noting which bulletins get a TimeMap made
        drawn.append(bulletin_url)
        return making(bulletin_url, versions, site)

    monkeypatch.setattr(module, "timemap", timemap)

    def kept_equals_fresh(site: Site = Site()) -> list[str]:
        """The bulletins whose TimeMaps a build with a memo made; its files equal a build's without one."""
        reading = read_archive(archive, tmp_path / "cache")
        drawn.clear()
        kept = timemaps(reading.catalog, site, FileMemo(tmp_path / "timemaps", salt="s"), reading.digests)
        made = sorted(drawn)
        assert {name: content_bytes(text) for name, text in kept.items()} == {
            name: text.encode() for name, text in timemaps(reading.catalog, site).items()}
        return made

    both = ["test-daily/2019/2019-07-09-a-bulletin/", "test-daily/2020/2020-01-02-next/"]
    assert kept_equals_fresh() == both
    assert kept_equals_fresh() == []
    write_bulletin(archive, date="2020-01-02", slug="next", version=2, revised="2020-01-05")
    assert kept_equals_fresh() == ["test-daily/2020/2020-01-02-next/"]  # a correction: its volume only
    later.unlink()  # the first version gone: the TimeMap lists the second alone
    assert kept_equals_fresh() == ["test-daily/2020/2020-01-02-next/"]
    assert kept_equals_fresh(Site(baseurl="https://archive.example.org/")) == both  # other addresses
