"""Charts: valid Vega-Lite with text alternatives, honest notes, offline pages, incremental rebuilds."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import json
import math
import re
import tempfile
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
from bs4 import BeautifulSoup
from helpers import write_bulletin
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dailyarchive import load_catalog
from dailyarchive.site.charts import FULL, make_chart, place_key
from dailyarchive.site.chartset import (ChartData, RowsMemo, build_all_charts, chart, chart_data, chart_rows_group,
                                        page_charts)
from dailyarchive.build.stage import FileMemo, GroupedMemo
from dailyarchive.harness.generate import generate_archive
from dailyarchive.model.load import load_archive
from dailyarchive.publish.html import build
from dailyarchive.catalog.rules import check

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
    return [p for p in spec["datasets"]["points"] if p.get("role") not in ("earlier", "dropped")]


def assert_valid(spec: dict) -> None:
    """The spec passes Vega-Lite's schema (Altair validates it while reading it)."""
    (alt.LayerChart if "layer" in spec else alt.Chart).from_dict(spec)


def test_chart_is_valid_vega_lite_and_says_what_is_counted_since_when(archive):
    write_bulletin(archive, date="2019-06-01", slug="a", figures=[toll(300), toll(70, group="children")])
    write_bulletin(archive, date="2019-07-09", slug="b", figures=[toll(544), toll(130, group="children")])
    catalog = load_catalog(archive)
    pages = page_charts(catalog, chart_data(catalog))
    killed = pages["chronology"][0]
    spec = json.loads(killed.spec)
    assert_valid(spec)
    assert killed.title == "Civilians and children killed in Idlib Province"
    assert " ".join(spec["title"]["subtitle"]).startswith("Running total since 26 April 2019")
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
    assert_valid(spec)
    assert spec["data"]["values"] == [{"message": "No figures reported yet."}]
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
    assert "red triangles" in " ".join(spec["title"]["subtitle"]).casefold()


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
    from dailyarchive.site.charts import point_rows, rows_by_chart
    from dailyarchive.catalog.series import build_series

    bulletins = pd.DataFrame({"title": "A bulletin with a long enough title to be realistic, as they are",
                              "url": [f"t/{f['bulletin_id'][2:]}/" for f in figures], "date": frame["as_of"]},
                             index=[f["bulletin_id"] for f in figures])
    rows = next(iter(rows_by_chart(point_rows(build_series(frame), bulletins)).values()))
    long = make_chart(rows, {**KEY, "since": "2000-01-01"})
    spec = json.loads(long.spec)
    assert len(long.spec.encode("utf-8")) < 200_000
    assert f"{FULL['max_points']} of 5000 reports shown; the shaded bands hold the others' range; every report " \
           "is in series.csv (downloads)." in long.notes
    values = [p["value"] for p in points_of(spec)]
    assert values[-1] == 14_999 and any(p.get("fell") for p in points_of(spec))


def test_illustrative_reports_are_drawn_apart_and_left_out_of_the_summary_sentence(archive):
    write_bulletin(archive, date="2019-06-01", slug="a", figures=[toll(300)])
    write_bulletin(archive, date="2019-07-01", slug="b", illustrative=True, figures=[toll(930)])
    write_bulletin(archive, date="2019-07-09", slug="c", illustrative=True, figures=[toll(990)])
    catalog = load_catalog(archive)
    killed = page_charts(catalog, chart_data(catalog))["chronology"][0]
    spec = json.loads(killed.spec)
    assert [(p["value"], p.get("illustrative", False)) for p in points_of(spec)] == [
        (300, False), (930, True), (990, True)]
    assert all("illustrative: not the record" in p["label"] for p in points_of(spec)[1:])
    hollow = next(layer for layer in spec["layer"] if layer.get("name") == "illustrative")
    assert hollow["mark"]["filled"] is False and hollow["encoding"]["shape"]["legend"]["values"] == [
        "illustrative (not the record)"]
    assert "at least 300 killed" in killed.caption and "930" not in killed.caption and "990" not in killed.caption
    assert "2 of its 3 reports come from illustrative bulletins and are left out of this sentence" in killed.caption
    assert [row["cells"][-1] for row in killed.rows][1:] == ["illustrative: not the record, not to be cited"] * 2
    assert [row["cells"][2] for row in killed.rows] == ["at least 300", "at least 930", "at least 990"]  # said once


def test_a_chart_of_illustrative_reports_alone_says_there_is_no_figure_of_the_record(archive):
    for day, value in (("2019-06-01", 300), ("2019-07-01", 930)):
        write_bulletin(archive, date=day, slug=f"b{value}", illustrative=True, figures=[toll(value)])
    catalog = load_catalog(archive)
    caption = page_charts(catalog, chart_data(catalog))["chronology"][0].caption
    assert caption.startswith("Latest figures. Civilians: no figure of the record; all 2 of its reports come from "
                              "illustrative bulletins. The latest, not to be cited, gives at least 930 killed")


def test_reports_of_one_date_are_a_sentence_and_the_axis_names_the_bound_drawn(archive):
    write_bulletin(archive, date="2019-08-22", slug="one", figures=[toll(590_000, qualifier="about")])
    catalog = load_catalog(archive)
    one = page_charts(catalog, chart_data(catalog))["chronology"][0]
    spec = json.loads(one.spec)
    assert_valid(spec)
    assert "layer" not in spec and " ".join(spec["datasets"]["lines"][0]["lines"]) == one.caption
    assert "about 590,000 killed" in one.caption and "line:" not in " ".join(spec["title"]["subtitle"])
    write_bulletin(archive, date="2019-08-29", slug="two", figures=[toll(600_000, qualifier="about")])
    catalog = load_catalog(archive)
    two = json.loads(page_charts(catalog, chart_data(catalog))["chronology"][0].spec)
    assert two["layer"][0]["encoding"]["y"]["title"] == "People killed (best reported figure)"
    assert "line: the best reported figure" in " ".join(two["title"]["subtitle"])
    assert two["encoding"]["y"]["axis"]["tickMinStep"] == 1 and two["encoding"]["y"]["scale"]["zero"] is True


def test_a_bulletin_page_draws_a_small_series_whole_and_bands_what_a_long_one_leaves_out(archive):
    days = pd.date_range("2019-05-01", periods=15, freq="2D")
    for i, day in enumerate(days):
        write_bulletin(archive, date=f"{day:%Y-%m-%d}", slug=f"b{i}", figures=[toll(100 + 10 * i),
                                                                                toll(20 + i, group="children")])
    catalog = load_catalog(archive)
    data = chart_data(catalog)
    last = page_charts(catalog, data)[f"bulletin/test-daily/{days[-1]:%Y-%m-%d}-b14"][0]
    assert len(points_of(json.loads(last.spec))) == 30 and not any("shown" in n for n in last.notes)
    thinned = chart(data, ("test-daily", "killed", "Idlib Province", "running-total", "2019-04-26", ""),
                    {**FULL, "max_points": 10})
    rows = json.loads(thinned.spec)["datasets"]["points"]
    bands = [r for r in rows if r.get("role") == "dropped"]
    civilians = [r["value"] for r in points_of({"datasets": {"points": rows}}) if r["group"] == "civilians"]
    assert civilians[0] == 100 and civilians[-1] == 240 and bands
    assert all(b["low"] <= b["high"] and b["n"] >= 1 for b in bands)
    assert sum(b["n"] for b in bands) + len(points_of({"datasets": {"points": rows}})) == 30
    band_cells = [row["cells"] for row in thinned.rows if "not drawn here" in row["cells"][2]]
    assert band_cells and all(cells[-1] == "" for cells in band_cells)  # its figure cell says it; no note repeats it
    assert any(b["group"] == "civilians" and b["low"] == 110 for b in bands)  # the first gap: 110, 120 ...
    assert "of 30 reports shown; the shaded bands hold the others' range" in " ".join(thinned.notes)


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
    tooltip = [t["field"] for t in killed["encoding"]["tooltip"]]
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
    first = (page.parent / re.search(r'src="([^"]+)"', str(figures[0].select_one("noscript"))).group(1)).resolve()
    assert "Source: Syria Daily bulletins of" in first.read_text(encoding="utf-8")  # the notes travel with the image


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
    from dailyarchive.build.stage import content_bytes
    from dailyarchive.build.stager import chart_files

    for day, value in (("2019-06-01", 300), ("2019-07-09", 544)):
        write_bulletin(archive, date=day, slug=f"b{value}", figures=[toll(value)])
    catalog = load_catalog(archive)
    data = chart_data(catalog)
    cache = tmp_path / "cache"

    def staged(**where):
        files, drawings = chart_files(catalog, data, **where)
        return {path: content_bytes(content) for path, content in {**files, **drawings.files()}.items()}

    drawn = staged(cache=cache)
    assert any(path.endswith(".svg") for path in drawn)
    assert staged(cache=cache) == drawn  # every chart read back from the cache
    for record in (cache / "charts").rglob("*.json"):
        record.write_text("stale", encoding="utf-8")  # a damaged cache entry is drawn again
    assert staged(cache=cache) == drawn
    assert staged() == drawn  # and without a cache


# --- properties over every chart of generated archives ----------------------------------------------


@functools.cache
def generated(seed: int, bulletins: int) -> tuple:
    """A generated archive (every bulletin illustrative), its catalog and the problems `check` finds."""
    root = Path(tempfile.mkdtemp(prefix="generated-")) / "archive"
    generate_archive(root, bulletins, 2, seed=seed)
    return load_catalog(root), check(load_archive(root), dt.date(2030, 1, 1))


@st.composite
def generated_catalogs(draw) -> tuple:
    """A generated archive's catalog with some figures made "up to" and some bulletins made the record."""
    catalog, problems = generated(draw(st.integers(0, 3)), draw(st.sampled_from([20, 45])))
    figures = catalog.figures.copy()
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    up_to = rng.random(len(figures)) < draw(st.sampled_from([0.0, 0.1, 0.3]))
    figures.loc[up_to, "qualifier"] = "up to"
    record = figures["bulletin_id"].isin(set(rng.choice(figures["bulletin_id"].unique(), size=5)))
    figures.loc[record, "illustrative"] = False
    return dataclasses.replace(catalog, figures=figures), problems


def layers_of(spec: dict) -> list[dict]:
    return [spec, *spec.get("layer", [])]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated_catalogs())
def test_property_every_chart_starts_at_zero_keeps_its_bounds_and_never_draws_an_up_to(generated_catalog):
    catalog, problems = generated_catalog
    data = chart_data(catalog, problems)
    shapes = set()
    for page, charts in page_charts(catalog, data).items():
        for drawn in charts:
            spec = json.loads(drawn.spec)
            shape = (spec.get("data", {}).get("name"), tuple(layer.get("name") for layer in spec.get("layer", [])))
            if shape not in shapes:  # the schema check is slow: once per kind of chart
                assert_valid(spec)
                shapes.add(shape)
            for layer in layers_of(spec):
                y = layer.get("encoding", {}).get("y", {})
                if y.get("type") == "quantitative":
                    assert y["scale"]["zero"] is True and y["axis"]["tickMinStep"] == 1, (page, layer)
            for point in spec["datasets"]["points"]:
                if point.get("role") == "dropped":
                    assert point.get("low", 0) <= point.get("high", 0) and point["date"] <= point["end"], point
                    continue
                value = point.get("value")
                if value is not None:
                    assert point.get("low", value) <= value <= point.get("high", value), point
                if point["label"].startswith("up to"):
                    assert value is None, point
                if point.get("illustrative"):
                    assert "illustrative" in point["label"], point
            if "layer" not in spec and spec.get("data", {}).get("name") == "lines":
                assert len({p["date"] for p in points_of(spec)}) <= 1 or "window" in drawn.chart_id


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated_catalogs(), st.integers(3, 25))
def test_property_a_thinned_chart_keeps_first_last_highest_and_corrected_and_bands_the_rest(generated_catalog,
                                                                                              limit):
    catalog, problems = generated_catalog
    data = chart_data(catalog, problems)
    for key, found in data.rows.items():
        rows = found.rows
        shown, total, _ = found.up_to("9999-12-31", limit)
        assert total == len(rows)
        kept = {id(r) for r in shown}
        dropped = [r for r in shown if r.role == "dropped"]
        if total <= limit:
            assert not dropped and len(shown) == total
            continue
        assert sum(r.role != "dropped" for r in shown) <= max(limit, sum(r.fell or r.corrected or r.role == "earlier"
                                                                          for r in rows) + 3 * len(found.rows))
        for line in {(r.group, r.illustrative) for r in rows if r.role == "point"}:
            mine = [r for r in rows if r.role == "point" and (r.group, r.illustrative) == line]
            drawn = [r for r in mine if not math.isnan(r.headline)]
            must = [mine[0], mine[-1], *(r for r in mine if r.fell or r.corrected)]
            if drawn:
                highest = max(r.headline for r in drawn)
                assert any(id(r) in kept and r.headline == highest for r in drawn), (key, line)
            assert all(id(r) in kept for r in must), (key, line)
            for report in (r for r in mine if id(r) not in kept):  # each report not drawn lies in a band of its line
                assert any(b.group == report.group and b.illustrative == report.illustrative
                           and b.day <= report.day <= json.loads(b.data)["end"]
                           and (math.isnan(report.headline) or json.loads(b.data)["low"] <= report.headline
                                <= json.loads(b.data)["high"]) for b in dropped), (key, report.label)
        everyone = {id(x) for x in rows}
        assert all(r.role == "dropped" or id(r) in everyone for r in shown)
        assert [r.day for r in shown] == sorted(r.day for r in shown)


class CountingRowsMemo(GroupedMemo):
    """The memo of the charts' indexes a build uses, noting the charts whose rows it made again."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder, "s", chart_rows_group)
        self.made: list[str] = []

    def keep(self, key, digest, value):
        self.made.append(key.split("\x1f")[1])  # the chart's measure
        super().keep(key, digest, value)


def charts_of(data: ChartData) -> dict[tuple[str, ...], tuple[list[list[object]], tuple[str, ...]]]:
    """Each chart's rows (as JSON) and prefixes: equal values, equal charts."""
    return {key: (rows.row_records(), rows.prefixes) for key, rows in data.rows.items()}


def rows_memo(folder: Path) -> RowsMemo:
    """The memo of chart rows a build uses, in `folder`, counting the charts made again (`index.made`)."""
    return RowsMemo(CountingRowsMemo(folder / "index"), FileMemo(folder / "rows", "s"))


def test_remembered_chart_rows_equal_fresh_ones_and_a_new_report_makes_only_its_chart_again(archive, tmp_path):
    write_bulletin(archive, date="2019-06-01", slug="a", title="First", figures=[toll(600), toll(9, measure="injured")])
    write_bulletin(archive, date="2019-07-01", slug="b", figures=[toll(700), toll(30, group="children")])

    def rows_made_again() -> list[str]:
        memo = rows_memo(tmp_path)
        catalog = load_catalog(archive)
        kept = charts_of(chart_data(catalog, memo=memo))  # the rows read back
        memo.index.save()
        assert kept == charts_of(chart_data(catalog))
        return sorted(memo.index.made)

    assert rows_made_again() == ["injured", "killed"]
    assert rows_made_again() == []
    write_bulletin(archive, date="2019-08-01", slug="c", figures=[toll(800)])  # a later report
    assert rows_made_again() == ["killed"]
    write_bulletin(archive, date="2019-06-20", slug="d", figures=[toll(750)])  # the report of 1 July now falls
    assert rows_made_again() == ["killed"]
    write_bulletin(archive, date="2019-07-01", slug="b", version=2, figures=[toll(720), toll(30, group="children")])
    assert rows_made_again() == ["killed"]  # a correction: its earlier value stays as a row of its own
    write_bulletin(archive, date="2019-06-01", slug="a", title="First, retitled",
                   figures=[toll(600), toll(9, measure="injured")])
    assert rows_made_again() == ["injured", "killed"]  # each row names its bulletin
    falls = [r for r in chart_data(load_catalog(archive), memo=rows_memo(tmp_path)).rows[tuple(KEY.values())].rows
             if r.fell]
    assert [r.day for r in falls] == ["2019-07-01"]


def test_damaged_chart_rows_in_the_memo_are_made_again(archive, tmp_path):
    write_bulletin(archive, date="2019-06-01", slug="a", figures=[toll(600)])
    catalog = load_catalog(archive)
    fresh = charts_of(chart_data(catalog))

    def made_again() -> list[str]:
        memo = rows_memo(tmp_path)
        assert charts_of(chart_data(catalog, memo=memo)) == fresh
        memo.index.save()
        return memo.index.made

    assert made_again() == ["killed"]
    [group] = (tmp_path / "index").rglob("*.json")
    record = json.loads(group.read_text(encoding="utf-8"))
    [(name, (digest, kept))] = record["value"].items()
    for damage in ({"days": "not a list", "reported": [], "prefixes": []}, {**kept, "prefixes": ["", "x", "y"]},
                   {**kept, "days": ["not a day"] * len(kept["days"])}, {**kept, "reported": None}):
        group.write_text(json.dumps({**record, "value": {name: [digest, damage]}}), encoding="utf-8")
        assert made_again() == ["killed"]  # the index does not read back: the rows are made again
    [rows] = (tmp_path / "rows").rglob("*.json")
    whole = json.loads(rows.read_text(encoding="utf-8"))
    for damage in ("{", json.dumps({**whole, "value": [[1, 2]]}), json.dumps({**whole, "value": "rows"})):
        rows.write_text(damage, encoding="utf-8")
        assert made_again() == []  # the index reads back; the chart's rows are made again when it is cut
        assert json.loads(rows.read_text(encoding="utf-8")) == whole  # and kept again
