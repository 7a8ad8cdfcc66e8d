"""The chronology: events in date order at their precision, linked, filterable, split when the archive grows."""

from __future__ import annotations

import io
from pathlib import Path

from bs4 import BeautifulSoup
from helpers import write_bulletin

from dailyarchive import load_catalog
from dailyarchive.site.chronology import ChronologySettings, chronology_pages, event_records, parts_list, split
from dailyarchive.publish.html import build
from dailyarchive.sphinxext._chronology import month_title

ROOT = Path(__file__).resolve().parents[1]


def events_archive(archive: Path) -> Path:
    """Three bulletins whose events have day, month and year precision, out of order."""
    write_bulletin(archive, date="2019-07-09", slug="attack", tags=["counter-attack"], events=[
        {"date": "2019-07-09", "place": "Mount Turkmen", "actors": ["HTS"], "what": "Factions attack positions."}])
    write_bulletin(archive, date="2019-05-06", slug="offensive", events=[
        {"date": "2019-05", "place": "Idlib Province", "actors": ["regime"], "what": "An offensive begins."},
        {"date": "2019", "what": "A year of fighting."}])
    write_bulletin(archive, date="2019-05-20", slug="unknown-place", events=[
        {"date": "2019-05-20", "place": "Nowhere Known", "what": "Something happens."}])
    return archive


def test_events_are_in_date_order_at_their_precision_with_links_and_filter_tokens(archive):
    records = event_records(load_catalog(events_archive(archive)))
    assert [(r["when"], r["month"]) for r in records] == [
        ("2019", "2019"), ("May 2019", "2019-05"), ("20 May 2019", "2019-05"), ("9 July 2019", "2019-07")]
    attack = records[-1]
    assert attack["place"] == ["Mount Turkmen", "places/mount-turkmen/index"]
    assert attack["actors"] == [["Hay'at Tahrir al-Sham", "actors/hay-at-tahrir-al-sham/index"]]
    assert attack["bulletin"] == ["Bulletin of 2019-07-09", "test-daily/2019/2019-07-09-attack/index", "9 July 2019"]
    assert attack["filters"] == {
        "places": [("Latakia Province", "latakia-province"), ("Mount Turkmen", "mount-turkmen"), ("Syria", "syria")],
        "actors": [("Hay'at Tahrir al-Sham", "hay-at-tahrir-al-sham")], "tags": [("counter-attack", "counter-attack")],
        "series": [("Test Daily", "test-daily")]}
    assert attack["span"] == ["20190709", "20190709"] and records[0]["span"] == ["20190101", "20191231"]
    assert records[2]["place"] == ["Nowhere Known", None]
    assert records[2]["filters"] == {"places": [], "actors": [], "tags": [], "series": [("Test Daily", "test-daily")]}


def test_an_edtf_date_is_listed_with_its_qualifier(archive):
    write_bulletin(archive, events=[{"date": "2019-07~", "what": "About July."},
                                    {"date": "2019-07-0X", "what": "Early July."}])
    records = event_records(load_catalog(archive))
    assert [(r["when"], r["span"]) for r in records] == [
        ("July 2019 (approximate)", ["20190701", "20190731"]),
        ("between 1 July 2019 and 9 July 2019 (some digits unknown)", ["20190701", "20190709"])]


def test_a_large_archive_gets_year_pages_and_a_crowded_year_month_pages(archive):
    events = [{"month": m} for m in ["2018-03", "2019", "2019-05", "2019-05", "2019-07"]]
    assert {part: len(found) for part, found in split(events, limit=3).items()} == {
        "2018": 1, "2019-00": 1, "2019-05": 2, "2019-07": 1}
    pages = chronology_pages(load_catalog(events_archive(archive)), ChronologySettings(max_events=2))
    assert sorted(pages) == ["chronology/2019-00.md", "chronology/2019-05.md", "chronology/2019-07.md",
                             "chronology/index.md"]
    assert "dailyarchive-events" not in pages["chronology/index.md"]
    index = pages["chronology/index.md"]  # one line a year, its months linked in the chronology's order
    assert ("- 2019: 4 events: [dated to the year only](/chronology/2019-00.md) (1), [May](/chronology/2019-05.md) "
            "(2), [July](/chronology/2019-07.md) (1)") in index
    assert parts_list({"2018": [{}], "2019-05": [{}] * 1200}) == [  # a year of its own; counts in figures
        "- [2018](/chronology/2018.md): 1 event", "- 2019: 1,200 events: [May](/chronology/2019-05.md) (1,200)"]
    assert "dailyarchive-events" in pages["chronology/2019-05.md"]


def test_small_archive_keeps_every_event_on_the_index(archive):
    pages = chronology_pages(load_catalog(events_archive(archive)))
    assert list(pages) == ["chronology/index.md"]
    assert pages["chronology/index.md"].count('"what":') == 4


def test_sample_chronology_page_lists_events_by_month_with_links(sample_build):
    page = sample_build.outdir / "chronology/index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    records = event_records(load_catalog(ROOT / "archive"))  # what the page must list, whatever the archive holds
    months = [h.get_text() for h in soup.select("h3.rubric")]
    assert months == [month_title(month) for month in dict.fromkeys(r["month"] for r in records)]
    assert "September 2018" in months and "July 2019" in months
    items = soup.select("li.dailyarchive-event")
    assert [li.strong.get_text() for li in items] == [r["when"] for r in records]
    latakia = [li for li in items if "Opposition factions attack more than 20 regime positions" in li.get_text()]
    assert len(latakia) == 1
    links = {a.get_text(): a["href"] for a in latakia[0].select("a")}
    assert links["Mount Turkmen"] == "../places/mount-turkmen/index.html"
    assert links["Opposition factions strike regime lines in northern Latakia"] == (
        "../syria-daily/2019/2019-07-09-northern-latakia-counter-attack/index.html")
    assert "p-latakia-province" in latakia[0]["class"]
    assert soup.select_one("form.dailyarchive-events-filter select[data-filter=places]")
    assert "dailyarchive-chronology.js" in page.read_text(encoding="utf-8")
    sections = [h.get_text().rstrip("#¶ ") for h in soup.select("h2")]
    assert sections.index("Events") < sections.index("The toll over time")  # the events first, then the charts
    for href in links.values():
        assert (page.parent / href).resolve().is_file()


def test_hostile_event_text_renders_as_text(archive, tmp_path):
    what = "<script>alert(1)</script> {{x}} ``` :role:`y` ## not a heading"
    write_bulletin(archive, date="2019-07-09", events=[{"date": "2019-07-09", "place": "Idlib Province",
                                                        "what": what}])
    warnings = io.StringIO()
    result = build(archive, tmp_path / "out", ROOT / "docs", status=None, warning=warnings)
    soup = BeautifulSoup((result.outdir / "chronology/index.html").read_text(encoding="utf-8"), "html.parser")
    item = soup.select_one("li.dailyarchive-event")
    assert what in item.get_text()
    assert not item.select("script")
    assert "dailyarchive-events" not in warnings.getvalue()


def test_an_event_list_written_as_html_equals_the_one_sphinx_writes_from_references(archive, tmp_path, monkeypatch):
    from dailyarchive.sphinxext import _chronology
    from dailyarchive.sphinxext._chronology import EventsWrittenAsHtml

    write_bulletin(archive, date="2019-07-09", slug="a", title="عنوان <b>&</b> \"q\" @x", events=[
        {"date": "2019-07-08", "place": "Jabal Turkman", "actors": ["HTS", "Nobody Known"],
         "what": 'قصف على <b>"المدينة"</b> & mail@example.org'},
        {"date": "2019-07", "place": "Nowhere Known", "what": "Shelling \\emph{x} ``` {{y}}."}])
    write_bulletin(archive, date="2019-05-06", slug="b", events=[{"date": "2019", "what": "A year."}])

    def events_html(out: Path) -> str:
        result = build(archive, out, ROOT / "docs", status=None, warning=io.StringIO())
        assert result.status == 0
        page = (result.outdir / "chronology/index.html").read_text(encoding="utf-8")
        return page[page.index('<h3 class="rubric">'):page.rindex("</ul>")]  # the bytes, not a parser's reading

    def no_references(event):
        raise AssertionError("an event made into references on the HTML pages of a site build")

    with monkeypatch.context() as patched:
        patched.setattr(_chronology, "event_item", no_references)
        written = events_html(tmp_path / "html")
    monkeypatch.setattr(EventsWrittenAsHtml, "run", lambda self, **kwargs: None)  # references for Sphinx to resolve
    resolved = events_html(tmp_path / "references")
    assert written == resolved
    assert written.count('<li class="dailyarchive-event') == 3 and 'lang="ar"' in written
    assert '<span class="doc">Mount Turkmen</span>' in written and "&lt;b&gt;" in written


def test_events_kept_by_volume_give_the_same_pages_and_a_change_makes_only_its_volume_again(archive, tmp_path):
    from dailyarchive.build.reading import read_archive
    from dailyarchive.build.stager import chronology_records

    write_bulletin(archive, date="2019-07-09", slug="a", places=["Idleb"],
                   events=[{"date": "2019-07", "what": "Shelling <b>&</b> \\emph{x}."},
                           {"date": "2019-07-08", "place": "Jabal Turkman", "actors": ["HTS"], "what": "قصف."}])
    write_bulletin(archive, date="2020-01-02", slug="b",
                   events=[{"date": "2019-07-08", "what": "Reported late."}, {"date": "2020", "what": "All year."}])
    cache, small = tmp_path / "cache", ChronologySettings(max_events=1)

    def both() -> tuple[dict[str, str], dict[str, str]]:
        reading = read_archive(archive, cache)
        kept = chronology_records(reading.catalog, reading.digests, cache)
        return chronology_pages(reading.catalog, small, kept), chronology_pages(reading.catalog, small)

    kept, fresh = both()
    assert kept == fresh and {"chronology/2019-07.md", "chronology/2020.md"} <= set(kept)
    stamps = {p: p.stat().st_mtime_ns for p in (cache / "chronology").rglob("*.json")}
    write_bulletin(archive, date="2020-01-03", slug="c", events=[{"date": "2019-07-07", "what": "Earlier still."}])
    kept, fresh = both()
    assert kept == fresh and "Earlier still." in kept["chronology/2019-07.md"]
    rewritten = [p for p, t in stamps.items() if p.stat().st_mtime_ns != t]
    assert len(rewritten) == 1  # the 2020 volume's records; 2019's are taken back as they were
