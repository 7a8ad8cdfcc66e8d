"""Charts: valid Vega-Lite with text alternatives, honest notes, offline pages, incremental rebuilds."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import altair as alt
import pandas as pd
from bs4 import BeautifulSoup
from helpers import write_bulletin

from dailyarchive import load_catalog
from dailyarchive.charts import FULL, make_chart, place_key
from dailyarchive.chartset import build_all_charts, chart, chart_data, page_charts
from dailyarchive.load import load_archive
from dailyarchive.publish.html import build
from dailyarchive.rules import check

ROOT = Path(__file__).resolve().parents[1]
BULLETIN_0709 = "syria-daily/2019/2019-07-09-northern-latakia-counter-attack/index.html"
KEY = {"series": "test-daily", "measure": "killed", "place": "Idlib Province", "kind": "running-total",
       "since": "2019-04-26", "until": ""}


def toll(value: float, qualifier: str = "at least", group: str = "civilians", **more) -> dict:
    return {"measure": "killed", "group": group, "value": value, "qualifier": qualifier, "kind": "running-total",
            "since": "2019-04-26", "place": "Idlib Province", **more}


def specs_of(page: Path) -> list[dict]:
    """The Vega-Lite specs embedded in a built page."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return [json.loads(s.string) for s in soup.select("script.dailyarchive-chart-spec")]


def points_of(spec: dict) -> list[dict]:
    return [p for p in spec["datasets"]["points"] if p.get("role") != "earlier"]


def test_chart_is_valid_vega_lite_and_says_what_is_counted_since_when(archive):
    write_bulletin(archive, date="2019-06-01", slug="a", figures=[toll(300), toll(70, group="children")])
    write_bulletin(archive, date="2019-07-09", slug="b", figures=[toll(544), toll(130, group="children")])
    catalog = load_catalog(archive)
    pages = page_charts(catalog, chart_data(catalog))
    killed = pages["chronology"][0]
    spec = json.loads(killed.spec)
    alt.VConcatChart.from_dict(spec)
    assert killed.title == "Civilians and children killed in Idlib Province"
    assert spec["title"]["subtitle"][0].startswith("Running total since 26 April 2019")
    assert "People killed (lowest reported figure)" in killed.spec
    assert {(p["date"], p["group"], p["value"], p["label"]) for p in points_of(spec)} == {
        ("2019-06-01", "civilians", 300, "at least 300"), ("2019-06-01", "children", 70, "at least 70"),
        ("2019-07-09", "civilians", 544, "at least 544"), ("2019-07-09", "children", 130, "at least 130")}
    assert "Civilians: at least 544 killed in Idlib Province since 26 April 2019, as of 9 July 2019" in killed.caption
    assert killed.notes[0].startswith("Source: Test Daily bulletins of 1 June 2019 to 9 July 2019")
    assert [len(c.rows) for c in pages["chronology"]] == [4, 0, 0, 0]
    assert "No figures reported yet." in pages["chronology"][1].spec


def test_a_chart_with_no_data_says_so_instead_of_drawing_an_empty_frame():
    empty = make_chart([], KEY)
    spec = json.loads(empty.spec)
    alt.VConcatChart.from_dict(spec)
    assert spec["vconcat"][0]["data"]["values"] == [{"message": "No figures reported yet."}]
    assert empty.caption == "No figures of people killed in Idlib Province reported yet."
    assert empty.rows == []


def test_an_excluded_figure_is_noted_on_its_chart(archive):
    write_bulletin(archive, date="2019-07-09", figures=[toll(544), toll(50, low=60)])
    catalog = load_catalog(archive)
    data = chart_data(catalog, check(load_archive(archive), dt.date(2020, 1, 1)))
    killed = chart(data, ("test-daily", "killed", "Idlib Province", "running-total", "2019-04-26", ""))
    assert "1 figure excluded, see check." in killed.notes
    assert [p["value"] for p in points_of(json.loads(killed.spec))] == [544]


def test_falls_and_corrections_are_marked(archive):
    write_bulletin(archive, date="2019-06-01", slug="a", figures=[toll(600)])
    write_bulletin(archive, date="2019-07-01", slug="b", figures=[toll(500)])
    write_bulletin(archive, date="2019-07-01", slug="b", version=2, figures=[toll(550)])
    catalog = load_catalog(archive)
    spec = json.loads(page_charts(catalog, chart_data(catalog))["chronology"][0].spec)
    rows = spec["datasets"]["points"]
    assert [(r["date"], r["value"], r.get("fell", False), r.get("role", "point")) for r in rows] == [
        ("2019-06-01", 600, False, "point"), ("2019-07-01", 500, False, "earlier"), ("2019-07-01", 550, True, "point")]
    assert "corrected in version 2" in rows[1]["label"]
    assert "Red triangles" in spec["title"]["subtitle"][1] or "red triangles" in spec["title"]["subtitle"][1]


def test_bulletin_page_chart_holds_only_what_was_published_by_its_date(archive):
    for day, value in (("2019-06-01", 300), ("2019-07-09", 544), ("2019-08-01", 700)):
        write_bulletin(archive, date=day, slug=f"b{value}", figures=[toll(value)])
    catalog = load_catalog(archive)
    pages = page_charts(catalog, chart_data(catalog))
    mid = pages["bulletin/test-daily/2019-07-09-b544"][0]
    assert [p["value"] for p in points_of(json.loads(mid.spec))] == [300, 544]
    assert mid.title.endswith(", as of 9 July 2019")


def test_a_long_series_is_thinned_and_its_spec_stays_under_200_kb():
    figures = [{"bulletin_id": f"t/{d:%Y-%m-%d}-b", "version": 1, "is_latest": True, "figure_index": 0,
                "bulletin_date": d, "measure": "killed", "group": "civilians", "value": 10_000 + i - (i == 2_500) * 50,
                "qualifier": "at least", "kind": "running-total", "since": pd.Timestamp("2000-01-01"), "as_of": d,
                "place": "Idlib Province", "path": "x", "line": 1}
               for i, d in enumerate(pd.date_range("2000-01-02", periods=5_000))]
    from test_series import figures_frame

    frame = figures_frame([{**f, "as_of": f"{f['as_of']:%Y-%m-%d}", "bulletin_date": f"{f['bulletin_date']:%Y-%m-%d}",
                            "since": "2000-01-01"} for f in figures])
    from dailyarchive.charts import point_rows, rows_by_chart
    from dailyarchive.series import build_series

    bulletins = pd.DataFrame({"title": "A bulletin with a long enough title to be realistic, as they are",
                              "url": [f"t/{f['bulletin_id'][2:]}/" for f in figures], "date": frame["as_of"]},
                             index=[f["bulletin_id"] for f in figures])
    rows = next(iter(rows_by_chart(point_rows(build_series(frame), bulletins)).values()))
    long = make_chart(rows, {**KEY, "since": "2000-01-01"})
    spec = json.loads(long.spec)
    assert len(long.spec.encode("utf-8")) < 200_000
    assert f"{FULL['max_points']} of 5000 reports shown; every report is in series.csv (downloads)." in long.notes
    values = [p["value"] for p in points_of(spec)]
    assert values[-1] == 14_999 and any(p.get("fell") for p in points_of(spec))


def test_benchmark_entry_point_builds_every_page_of_charts(archive):
    write_bulletin(archive, date="2019-07-09", figures=[toll(544)])
    charts = build_all_charts(load_catalog(archive))
    assert {"chronology", "series/test-daily", place_key("Idlib Province"),
            "bulletin/test-daily/2019-07-09-a-bulletin"} <= set(charts)


def test_hostile_titles_cannot_break_out_of_the_spec(archive, tmp_path):
    write_bulletin(archive, date="2019-07-09", title="</script><script>alert(1)</script> {{x}} `y`",
                   figures=[toll(544)])
    result = build(archive, tmp_path / "out", ROOT / "docs", status=None, warning=io.StringIO())
    page = (result.outdir / "test-daily/2019/2019-07-09-a-bulletin/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page
    spec = specs_of(result.outdir / "test-daily/2019/2019-07-09-a-bulletin/index.html")[0]
    assert spec["datasets"]["points"][0]["bulletin"].endswith("</script><script>alert(1)</script> {{x}} `y`")


# --- the sample archive, built once per session --------------------------------------------------


def test_killed_chart_of_9_july_shows_544_civilians_and_130_children_at_least(sample_build):
    page = sample_build.outdir / BULLETIN_0709
    killed = specs_of(page)[0]
    latest = [p for p in points_of(killed) if p["date"] == "2019-07-09"]
    assert {(p["group"], p["value"], p["label"]) for p in latest} == {
        ("civilians", 544, "at least 544"), ("children", 130, "at least 130")}
    tooltip = [t["field"] for t in killed["vconcat"][0]["encoding"]["tooltip"]]
    assert tooltip == ["when", "group", "label", "baseline", "bulletin"]
    assert {p["baseline"] for p in latest} == {"since 26 April 2019"}
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    cells = [[td.get_text() for td in tr.select("td")] for tr in soup.select("details.dailyarchive-chart-data tr")]
    assert ["9 July 2019", "civilians", "at least 544"] in [c[:3] for c in cells]
    assert ["9 July 2019", "children", "at least 130"] in [c[:3] for c in cells]
    figcaption = soup.select_one("figure.dailyarchive-chart figcaption").get_text()
    assert "Civilians: at least 544 killed in Idlib Province since 26 April 2019, as of 9 July 2019" in figcaption


def test_no_built_page_loads_anything_from_the_network(sample_build):
    remote = re.compile(r"<(?:script|link|img|iframe|source|audio|video|embed)\b[^>]*\b(?:src|href)=[\"']?(?:https?:)?//",
                        re.IGNORECASE)
    offenders = [str(p) for p in sample_build.outdir.rglob("*.html") if remote.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_vega_bundle_ships_once_wrapped_and_only_chart_pages_load_it(sample_build):
    html = sample_build.outdir
    bundles = list(html.rglob("dailyarchive-vega.js"))
    assert bundles == [html / "_static" / "dailyarchive-vega.js"]
    text = bundles[0].read_text(encoding="utf-8")
    assert text.splitlines()[1] == "(function () {" and text.rstrip().endswith("})();")
    assert "window.vegaEmbed=" in text
    assert "dailyarchive-vega.js" in (html / "chronology/index.html").read_text(encoding="utf-8")
    assert "dailyarchive-vega.js" not in (html / "format.html").read_text(encoding="utf-8")


def test_archive_charts_have_a_static_svg_fallback(sample_build):
    page = sample_build.outdir / "chronology/index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    figures = soup.select("figure.dailyarchive-chart")
    assert len(figures) == 4
    for figure in figures:
        noscript = figure.select_one("noscript")
        source = re.search(r'src="([^"]+)"', str(noscript)).group(1)
        svg = (page.parent / source).resolve()
        assert svg.is_file() and svg.read_text(encoding="utf-8").lstrip().startswith("<svg")
        assert figure.select_one("details table")


def test_a_new_bulletin_rebuilds_the_charts_that_change_and_not_earlier_bulletins(archive, tmp_path):
    write_bulletin(archive, date="2019-06-01", slug="a", figures=[toll(300)])
    write_bulletin(archive, date="2019-07-09", slug="b", figures=[toll(544)])
    out = tmp_path / "out"
    first = build(archive, out, ROOT / "docs", status=None, warning=io.StringIO()).outdir
    earlier = first / "test-daily/2019/2019-06-01-a/index.html"  # not a neighbour of the new bulletin
    chronology = first / "chronology/index.html"
    before = {p: p.stat().st_mtime_ns for p in (earlier, chronology)}
    write_bulletin(archive, date="2019-08-01", slug="c", figures=[toll(700)])
    build(archive, out, ROOT / "docs", status=None, warning=io.StringIO())
    assert earlier.stat().st_mtime_ns == before[earlier]
    assert chronology.stat().st_mtime_ns != before[chronology]
    assert [p["value"] for p in points_of(specs_of(chronology)[0])] == [300, 544, 700]


def test_staged_chart_files_are_the_same_whether_reused_or_drawn_again(archive, tmp_path):
    from dailyarchive.stager import chart_files

    for day, value in (("2019-06-01", 300), ("2019-07-09", 544)):
        write_bulletin(archive, date=day, slug=f"b{value}", figures=[toll(value)])
    catalog = load_catalog(archive)
    data = chart_data(catalog)
    cache = tmp_path / "cache"
    drawn = chart_files(catalog, data, cache=cache)
    assert chart_files(catalog, data, cache=cache) == drawn  # every chart read back from the cache
    for record in (cache / "charts").rglob("*.json"):
        record.write_text("stale", encoding="utf-8")  # a damaged cache entry is drawn again
    assert chart_files(catalog, data, cache=cache) == drawn
    assert chart_files(catalog, data) == drawn  # and without a cache
