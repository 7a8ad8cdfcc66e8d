"""Series: bounds from qualifiers and vague words, cumulative increments, falls, corrections, exclusions."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from helpers import write_archive, write_bulletin
from hypothesis import given, settings
from hypothesis import strategies as st

from dailyarchive import load_catalog
from dailyarchive.catalog.catalog import COLUMNS
from dailyarchive.site.chartset import CHART_KEY, chart_data
from dailyarchive.model.load import load_archive
from dailyarchive.catalog.rules import check
from dailyarchive.catalog.series import (VAGUE_WORDS, bounds, build_series, corrections, excluded_figures, falls,
                                 iso_days, series_table, up_to, vague_number)


def figures_frame(rows: list[dict]) -> pd.DataFrame:
    """A frame shaped like Catalog.figures from a few fields per figure (the rest defaulted)."""
    full = []
    for index, row in enumerate(rows):
        as_of = row.get("as_of", "2019-07-09")
        full.append({
            "bulletin_id": row.get("bulletin_id", f"test-daily/{as_of}-b{index}"), "version": row.get("version", 1),
            "is_latest": row.get("is_latest", True), "figure_index": row.get("figure_index", 0),
            "bulletin_date": row.get("bulletin_date", as_of), "measure": row.get("measure", "killed"),
            "group": row.get("group", "civilians"), "value": row.get("value"), "qualifier": row.get("qualifier", "exact"),
            "low": row.get("low"), "high": row.get("high"), "text": row.get("text"),
            "kind": row.get("kind", "running-total"), "since": row.get("since", "2019-04-26"), "as_of": as_of,
            "place": row.get("place", "Idlib Province"), "path": f"/a/{index}.md", "line": 1,
            "illustrative": row.get("illustrative", False),
        })
    frame = pd.DataFrame(full, columns=COLUMNS["figures"])
    for column in ("bulletin_date", "since", "as_of"):
        frame[column] = pd.to_datetime(frame[column])
    for column in ("value", "low", "high"):
        frame[column] = frame[column].astype("float64")
    frame["is_latest"] = frame["is_latest"].astype(bool)
    return frame


def one(**figure) -> dict[str, float]:
    """The bounds of one figure as a dict, NaN as None."""
    row = bounds(figures_frame([figure])).iloc[0]
    return {k: None if pd.isna(v) else v for k, v in row.items()}


@pytest.mark.parametrize(("words", "number"), [
    ("scores", 20), ("Dozens", 12), ("dozens of families", 12), ("tens of thousands", 10_000),
    ("hundreds  of thousands", 100_000), ("several", 3), ("thousands", 1_000)])
def test_vague_words_map_by_the_one_table(words, number):
    assert vague_number(words) == number


def test_a_word_not_in_the_table_has_no_number():
    assert math.isnan(vague_number("many")) and math.isnan(vague_number(None))
    assert one(qualifier="vague", text="many")["headline"] is None


@pytest.mark.parametrize(("qualifier", "expected"), [
    ("exact", {"low": 544, "best": 544, "high": 544, "headline": 544}),
    ("at least", {"low": 544, "best": 544, "high": None, "headline": 544}),
    ("more than", {"low": 544, "best": 544, "high": None, "headline": 544}),
    ("about", {"low": None, "best": 544, "high": None, "headline": 544}),
    ("up to", {"low": None, "best": None, "high": 544, "headline": None}),
])
def test_qualifiers_give_bounds(qualifier, expected):
    assert one(value=544, qualifier=qualifier) == expected


def test_stated_bounds_replace_derived_ones_and_vague_words_keep_an_open_high():
    assert one(value=50, qualifier="about", low=40, high=60) == {"low": 40, "best": 50, "high": 60, "headline": 40}
    assert one(qualifier="vague", text="scores") == {"low": 20, "best": 20, "high": None, "headline": 20}
    assert one(qualifier="vague", text="dozens", high=10)["low"] == 10


def test_running_totals_stay_as_reported_and_a_fall_is_flagged():
    frame = figures_frame([{"value": 100, "as_of": "2019-05-01"}, {"value": 150, "as_of": "2019-06-01"},
                           {"value": 120, "as_of": "2019-07-01"}, {"value": 140, "as_of": "2019-08-01"}])
    points = build_series(frame)
    assert list(points["headline"]) == [100, 150, 120, 140]
    assert list(points["fell"]) == [False, False, True, True]
    assert series_table(points)["falls"].tolist() == [2]


def test_increments_are_summed_with_each_bound_and_an_open_high_stays_open():
    frame = figures_frame([
        {"kind": "increment", "value": 10, "qualifier": "exact", "as_of": "2019-07-01"},
        {"kind": "increment", "value": 5, "qualifier": "at least", "as_of": "2019-07-02"},
        {"kind": "increment", "qualifier": "vague", "text": "dozens", "as_of": "2019-07-03"},
    ])
    points = build_series(frame)
    assert points["headline"].tolist() == [10, 15, 27]
    assert points["increment"].tolist() == [10, 5, 12]
    assert points["high"].iloc[0] == 10 and points["high"].iloc[1:].isna().all()
    assert (points["baseline"] == pd.Timestamp("2019-07-01")).all()


def test_stocks_are_never_summed_and_never_flagged_and_windows_stand_alone():
    frame = figures_frame([
        {"kind": "stock", "measure": "displaced", "value": 300, "as_of": "2019-06-01", "since": None},
        {"kind": "stock", "measure": "displaced", "value": 200, "as_of": "2019-07-01", "since": None},
        {"kind": "window", "measure": "displaced", "value": 50, "since": "2019-04-01", "as_of": "2019-05-16"},
        {"kind": "window", "measure": "displaced", "value": 70, "since": "2019-04-01", "as_of": "2019-05-30"},
    ])
    points = build_series(frame)
    stocks = points[points["kind"] == "stock"]
    assert stocks["headline"].tolist() == [300, 200] and not stocks["fell"].any()
    windows = points[points["kind"] == "window"]
    assert windows["series_id"].nunique() == 2 and windows["headline"].tolist() == [50, 70]


def test_only_latest_versions_are_charted_and_a_changed_value_is_kept_as_a_correction():
    frame = figures_frame([
        {"bulletin_id": "test-daily/2019-06-21-b", "version": 1, "is_latest": False, "value": 1650},
        {"bulletin_id": "test-daily/2019-06-21-b", "version": 2, "is_latest": True, "value": 1700},
    ])
    points = build_series(frame)
    assert points["headline"].tolist() == [1700] and points["version"].tolist() == [2]
    earlier = corrections(frame, points)
    assert earlier[["version", "latest_version", "headline", "latest_headline", "y", "change"]].values.tolist() == [
        [1, 2, 1650.0, 1700.0, 1650.0, "revised"]]


def test_an_earlier_increment_is_placed_on_the_cumulative_line():
    frame = figures_frame([
        {"kind": "increment", "value": 10, "as_of": "2019-07-01", "bulletin_id": "t/2019-07-01-a"},
        {"kind": "increment", "value": 4, "as_of": "2019-07-02", "bulletin_id": "t/2019-07-02-b", "version": 1,
         "is_latest": False},
        {"kind": "increment", "value": 6, "as_of": "2019-07-02", "bulletin_id": "t/2019-07-02-b", "version": 2},
    ])
    points = build_series(frame)
    assert points["headline"].tolist() == [10, 16]
    assert corrections(frame, points)["y"].tolist() == [14]


def test_up_to_keeps_what_was_published_by_a_day():
    frame = figures_frame([{"value": 100, "as_of": "2019-05-01"}, {"value": 150, "as_of": "2019-06-01"}])
    assert up_to(build_series(frame), pd.Timestamp("2019-05-15"))["headline"].tolist() == [100]


def test_a_figure_breaking_a_rule_is_excluded_and_named(archive):
    good = {"measure": "killed", "group": "civilians", "value": 544, "qualifier": "at least",
            "kind": "running-total", "since": "2019-04-26", "place": "Idlib Province"}
    bad = {**good, "value": 50, "low": 60}
    write_bulletin(archive, date="2019-07-09", figures=[good, bad])
    loaded = load_archive(archive)
    catalog = load_catalog(archive)
    excluded = excluded_figures(catalog.figures, check(loaded, dt.date(2020, 1, 1)))
    assert excluded[["figure_index", "rule"]].values.tolist() == [[1, "figure-bounds"]]
    points = build_series(catalog.figures, excluded)
    assert points["headline"].tolist() == [544]


def test_no_figures_give_an_empty_series_frame():
    points = build_series(figures_frame([]))
    assert points.empty and "headline" in points and series_table(points).empty


# --- properties --------------------------------------------------------------------------------------

QUALIFIERS = ["exact", "at least", "more than", "about", "up to", "vague"]
figure_rows = st.lists(st.fixed_dictionaries({
    "day": st.integers(0, 120),
    "kind": st.sampled_from(["running-total", "increment", "stock"]),
    "since": st.sampled_from(["2019-04-01", "2019-04-26"]),
    "place": st.sampled_from(["Idlib Province", "Mount Turkmen"]),
    "group": st.sampled_from(["civilians", "children"]),
    "value": st.integers(0, 5_000),
    "qualifier": st.sampled_from(QUALIFIERS),
    "word": st.sampled_from([*VAGUE_WORDS, "many"]),
    "spread": st.one_of(st.none(), st.integers(0, 500)),
}), max_size=40)


def _frame(rows: list[dict]) -> pd.DataFrame:
    figures = []
    for index, row in enumerate(rows):
        as_of = (dt.date(2019, 5, 1) + dt.timedelta(days=row["day"])).isoformat()
        vague = row["qualifier"] == "vague"
        figures.append({
            "bulletin_id": f"t/{as_of}-b{index}", "as_of": as_of, "kind": row["kind"], "place": row["place"],
            "since": row["since"] if row["kind"] == "running-total" else None, "group": row["group"],
            "qualifier": row["qualifier"], "value": None if vague else row["value"],
            "text": row["word"] if vague else None,
            "high": None if row["spread"] is None or vague else row["value"] + row["spread"]})
    return figures_frame(figures)


@settings(max_examples=60, deadline=None)
@given(figure_rows)
def test_property_cumulative_series_never_decrease_unless_flagged(rows):
    points = build_series(_frame(rows))
    for _, series in points[points["kind"].isin(["running-total", "increment"])].groupby("series_id"):
        headline, fell = series["headline"].to_numpy(), series["fell"].to_numpy()
        earlier_peak, peak, day = -np.inf, -np.inf, None  # reports of one day are never compared
        for value, flagged, as_of in zip(headline, fell, series["as_of"]):
            if as_of != day:
                earlier_peak, day = peak, as_of
            if np.isnan(value):
                continue
            assert value >= earlier_peak or flagged
            peak = max(peak, value)
        if series["kind"].iloc[0] == "increment":
            assert not fell.any()


@settings(max_examples=60, deadline=None)
@given(figure_rows)
def test_property_low_best_high_stay_ordered_after_every_step(rows):
    frame = _frame(rows)
    for table in (bounds(frame), build_series(frame)):
        low, best, high = table["low"], table["best"], table["high"]
        assert not (low > best).any() and not (best > high).any() and not (low > high).any()
        assert not (table["headline"] < low).any() and not (table["headline"] > high).any()


@settings(max_examples=60, deadline=None)
@given(figure_rows)
def test_property_series_are_never_summed_across_baselines_places_or_groups(rows):
    frame = _frame(rows)
    points = build_series(frame)
    own = bounds(frame)["headline"]
    keyed = frame.assign(headline=own, place=frame["place"], since=frame["since"].dt.strftime("%Y-%m-%d"))
    for _, series in points.groupby("series_id"):
        first = series.iloc[0]
        assert series[["measure", "group", "place", "kind", "since"]].nunique().max() == 1
        mine = keyed[(keyed["kind"] == first["kind"]) & (keyed["place"] == first["place"])
                     & (keyed["group"] == first["group"])]
        if first["kind"] == "increment":
            assert series["headline"].iloc[-1] == pytest.approx(mine["headline"].fillna(0).sum())
        else:
            if first["kind"] == "running-total":
                mine = mine[mine["since"] == first["since"]]
            assert sorted(series["headline"].dropna()) == sorted(mine["headline"].dropna())


# --- one rule: the falls `check` warns of are the falls the charts mark ------------------------------

TODAY = dt.date(2020, 1, 1)
TOTAL = {"measure": "killed", "group": "civilians", "kind": "running-total", "since": "2019-04-26",
         "place": "Idlib Province"}


def check_falls(root) -> set[tuple[str, int]]:
    """(path, figure index) of every `running-total-fell` warning of `check` on the archive at `root`."""
    archive = load_archive(root)
    lines = {(v.path, v.line_of("figures", i, "value")): (str(v.path), i)
             for v in archive.valid_versions() for i in range(len(v.meta.figures))}
    return {lines[(p.path, p.line)] for p in check(archive, TODAY) if p.rule == "running-total-fell"}


def chart_falls(root) -> set[tuple[str, int]]:
    """(path, figure index) of every point the charts mark as a fall, read where the charts read it
    (`chartset.chart_data`, as the build calls it); each marked point is one marked row of its chart."""
    data = chart_data(load_catalog(root), check(load_archive(root), TODAY))
    fell = data.points[data.points["fell"]]
    marked = Counter(key for key, rows in data.rows.items() for row in rows.rows if row.fell)
    assert marked == Counter(tuple(key) for key in fell[list(CHART_KEY)].itertuples(index=False))
    return set(zip(fell["path"], fell["figure_index"].astype(int)))


def test_a_fall_from_a_vague_word_is_warned_of_and_marked(archive):
    """"hundreds" counts as 100 (ACLED's codebook) for `check` as for the charts: 60 after it is a fall."""
    write_bulletin(archive, date="2019-07-05", slug="earlier", figures=[{**TOTAL, "qualifier": "vague",
                                                                         "text": "hundreds"}])
    later = write_bulletin(archive, figures=[{**TOTAL, "value": 60}])
    assert check_falls(archive) == chart_falls(archive) == {(str(later), 0)}


def test_two_reports_of_one_day_are_not_a_fall_and_the_higher_one_is_the_level(archive):
    """544 and 520 as of one day are two sources, not a fall; 530 on a later day is below 544."""
    write_bulletin(archive, date="2019-07-05", slug="earlier",
                   figures=[{**TOTAL, "value": 544}, {**TOTAL, "value": 520, "reported_by": "Another monitor"}])
    write_bulletin(archive, date="2019-07-05", slug="second", figures=[{**TOTAL, "value": 500}])
    later = write_bulletin(archive, figures=[{**TOTAL, "value": 530}])
    assert check_falls(archive) == chart_falls(archive) == {(str(later), 0)}


def test_a_figure_kept_off_the_charts_is_no_level_for_check_either(archive):
    """A figure with a bounds error is not drawn, so it cannot make a later report a fall."""
    write_bulletin(archive, date="2019-07-05", slug="earlier", figures=[{**TOTAL, "value": 900, "low": 950}])
    write_bulletin(archive, figures=[{**TOTAL, "value": 544}])
    assert check_falls(archive) == chart_falls(archive) == set()


def test_an_error_of_a_pending_figure_keeps_no_other_figure_off_the_charts(archive):
    write_bulletin(archive, date="2019-07-05", slug="earlier",
                   figures=[{**TOTAL, "value": 544}, {**TOTAL, "value": 600, "since": None, "review": "pending"}])
    later = write_bulletin(archive, figures=[{**TOTAL, "value": 500}])
    assert check_falls(archive) == chart_falls(archive) == {(str(later), 0)}


def test_falls_compares_each_report_with_the_highest_of_earlier_days():
    assert falls(["a"] * 5, [1, 1, 2, 3, 3], [544, 520, 530, math.nan, 600]) == [None, None, 0, None, None]
    assert falls(["a", "b"], [1, 2], [100, 50]) == [None, None]


def test_parallel_check_warns_of_the_same_falls(archive, monkeypatch):
    """Summaries made in worker processes carry the headline and the exclusions the charts use."""
    import dailyarchive.catalog.rules as rules

    write_bulletin(archive, date="2019-07-01", slug="word", figures=[{**TOTAL, "qualifier": "vague", "text": "dozens"}])
    write_bulletin(archive, date="2019-07-02", slug="bad", figures=[{**TOTAL, "value": 900, "low": 950}])
    write_bulletin(archive, date="2019-07-03", slug="fell", figures=[{**TOTAL, "value": 10}])
    monkeypatch.setattr(rules, "PARALLEL_FROM", 2)
    found = [p for p in rules.check_folder(archive, TODAY, workers=2) if p.rule == "running-total-fell"]
    assert [(p.path.parent.name, p.message.split(":")[1]) for p in found] == [
        ("2019-07-03-fell",
         " 10 as of 2019-07-03 is below 12 as of 2019-07-01 in test-daily/2019/2019-07-01-word/v1.md")]


def _figure(draw) -> dict:
    """One generated figure: qualifiers, vague words, stated bounds (some broken), places by alias."""
    qualifier = draw(st.sampled_from(QUALIFIERS))
    figure = {**TOTAL, "qualifier": qualifier, "kind": draw(st.sampled_from(["running-total"] * 4 + ["stock"])),
              "group": draw(st.sampled_from(["civilians"] * 3 + ["children"])),
              "place": draw(st.sampled_from(["Idlib Province"] * 2 + ["Idleb", None])),
              "since": draw(st.sampled_from(["2019-04-26"] * 4 + ["2019-07-01", None]))}
    if qualifier == "vague":
        figure["text"] = draw(st.sampled_from(["dozens", "hundreds", "scores", "several", "many"]))
    else:
        figure["value"] = draw(st.integers(0, 30)) * 10
    if draw(st.booleans()):
        figure["low"] = draw(st.integers(0, 30)) * 10
    if draw(st.integers(0, 3)) == 0:
        figure["as_of"] = draw(st.sampled_from(["2019-07-01", "2019-07-02", "2019-07-08"]))
    return {k: v for k, v in figure.items() if v is not None}


@st.composite
def small_archives(draw) -> list[dict]:
    """A few bulletins of July 2019 (some on one day, some corrected), each with a few figures."""
    bulletins = []
    for n in range(draw(st.integers(1, 7))):
        day = draw(st.integers(2, 9))
        versions = [[_figure(draw) for _ in range(draw(st.integers(1, 3)))] for _ in range(draw(st.integers(1, 2)))]
        bulletins.append({"date": f"2019-07-{day:02d}", "slug": f"b{n}", "versions": versions,
                          "illustrative": draw(st.sampled_from([None, None, True]))})
    return bulletins


@settings(max_examples=40, deadline=None)
@given(small_archives())
def test_property_every_fall_a_chart_marks_is_a_warning_of_check_and_back(tmp_path_factory, bulletins):
    root = write_archive(tmp_path_factory.mktemp("archive"))
    for bulletin in bulletins:
        for number, figures in enumerate(bulletin["versions"], start=1):
            write_bulletin(root, date=bulletin["date"], slug=bulletin["slug"], version=number, figures=figures,
                           illustrative=bulletin["illustrative"])
    assert check_falls(root) == chart_falls(root)


def test_a_report_of_the_record_is_never_compared_with_an_illustrative_one(archive):
    write_bulletin(archive, date="2019-07-01", slug="made-up", illustrative=True, figures=[{**TOTAL, "value": 900}])
    write_bulletin(archive, date="2019-07-02", slug="real", figures=[{**TOTAL, "value": 544}])
    write_bulletin(archive, date="2019-07-03", slug="made-up-too", illustrative=True,
                   figures=[{**TOTAL, "value": 500}])
    write_bulletin(archive, date="2019-07-04", slug="real-too", figures=[{**TOTAL, "value": 520}])
    points = chart_data(load_catalog(archive)).points.set_index("bulletin_id")
    assert points["illustrative"].to_dict() == {
        "test-daily/2019-07-01-made-up": True, "test-daily/2019-07-02-real": False,
        "test-daily/2019-07-03-made-up-too": True, "test-daily/2019-07-04-real-too": False}
    assert points["fell"].to_dict() == {  # each strand falls within itself only
        "test-daily/2019-07-01-made-up": False, "test-daily/2019-07-02-real": False,
        "test-daily/2019-07-03-made-up-too": True, "test-daily/2019-07-04-real-too": True}
    warned = {p.path.parent.name for p in check(load_archive(archive), TODAY) if p.rule == "running-total-fell"}
    assert warned == {"2019-07-03-made-up-too", "2019-07-04-real-too"}
    assert check_falls(archive) == chart_falls(archive)


def test_increments_of_illustrative_bulletins_are_never_added_to_the_record():
    day = {"kind": "increment", "qualifier": "exact", "since": None}
    points = build_series(figures_frame([
        {**day, "as_of": "2019-07-01", "value": 10},
        {**day, "as_of": "2019-07-02", "value": 100, "illustrative": True},
        {**day, "as_of": "2019-07-03", "value": 5},
        {**day, "as_of": "2019-07-04", "value": 7, "illustrative": True}]))
    assert list(zip(points["as_of"].dt.day, points["illustrative"], points["headline"])) == [
        (1, False, 10.0), (2, True, 100.0), (3, False, 15.0), (4, True, 107.0)]


def test_iso_days_writes_dates_of_any_unit_and_blanks_missing_ones() -> None:
    days = pd.Series(pd.to_datetime(["1994-11-04", None, "2262-05-01", "1600-01-02"], format="ISO8601"),
                     index=[5, 6, 7, 8]).astype("datetime64[s]")  # past the range of nanoseconds
    assert iso_days(days).to_dict() == {5: "1994-11-04", 6: "", 7: "2262-05-01", 8: "1600-01-02"}
