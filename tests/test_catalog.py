"""The Catalog's DataFrames: columns, dtypes, latest versions, resolved links and canonical names."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from helpers import line_of, replace_in, write_archive, write_bulletin
from pandas.api.types import is_bool_dtype, is_datetime64_any_dtype, is_float_dtype, is_integer_dtype

from dailyarchive import build_catalog, load_archive
from dailyarchive.catalog.catalog import COLUMNS, Catalog, bulletin_url, find_bulletin, link_index, resolve_link

KILLED = {"measure": "killed", "group": "civilians", "qualifier": "at least", "kind": "running-total",
          "since": "2019-04-26", "place": "Idleb"}

DATES = {
    "bulletins": ["date", "last_revised"], "versions": ["date", "revised"],
    "figures": ["bulletin_date", "since", "as_of"], "events": ["start", "end", "bulletin_date"], "sources": ["accessed"],
}
FLOATS = {"figures": ["value", "low", "high"]}
BOOLS = {"bulletins": ["corrected", "illustrative"], "versions": ["is_latest", "illustrative"],
         "figures": ["is_latest"], "events": ["is_latest"], "links": ["is_latest"], "sources": ["is_latest"]}
INTS = {"bulletins": ["latest_version", "n_versions", "year", "month"], "versions": ["version", "body_line"],
        "figures": ["version", "figure_index", "line"], "events": ["version", "event_index", "line"],
        "links": ["version", "line"], "sources": ["version", "source_index"]}


def catalog_of(root: Path) -> Catalog:
    return build_catalog(load_archive(root))


@pytest.fixture
def corrected(archive: Path) -> Catalog:
    """Two bulletins; the second corrected by a v2 that changes its figure and its link."""
    write_bulletin(archive, date="2019-07-05", slug="earlier", title="Earlier", figures=[{**KILLED, "value": 500}],
                   sources=[{"title": "Report", "accessed": "2019-07-05"}])
    write_bulletin(archive, title="First", places=["Idleb", "Idlib Province"], actors=["HTS"], tags=["offensive"],
                   see_also=["2019-07-05"], figures=[{**KILLED, "value": 540}],
                   events=[{"date": "2019-07", "place": "Jabal Turkman", "actors": ["regime"], "what": "Shelling."}])
    write_bulletin(archive, version=2, revised="2019-07-10", title="Second", illustrative=True,
                   see_also=["test-daily/2019-07-05-earlier"],
                   figures=[{**KILLED, "value": 544, "id": "civ"}, {**KILLED, "group": "children", "value": 130,
                                                                     "parent": "civ", "low": 120, "high": 140}])
    return catalog_of(archive)


@pytest.mark.parametrize("table", ["bulletins", "versions", "figures", "events", "links", "sources"])
@pytest.mark.parametrize("empty", [False, True])
def test_columns_and_dtypes(table: str, empty: bool, corrected: Catalog, archive: Path) -> None:
    catalog = catalog_of(write_archive(archive.parent / "empty")) if empty else corrected
    frame: pd.DataFrame = getattr(catalog, table)
    if table in COLUMNS:
        assert list(frame.columns) == COLUMNS[table]
    assert all(is_datetime64_any_dtype(frame[c]) for c in DATES.get(table, [])), frame.dtypes
    assert all(is_float_dtype(frame[c]) for c in FLOATS.get(table, [])), frame.dtypes
    assert all(is_bool_dtype(frame[c]) for c in BOOLS.get(table, [])), frame.dtypes
    assert all(is_integer_dtype(frame[c]) for c in INTS.get(table, [])), frame.dtypes
    if table != "bulletins":  # frames are joined on their ids, also when one has no rows
        assert not is_float_dtype(frame["bulletin_id"]), frame.dtypes


def test_empty_archive(archive: Path) -> None:
    catalog = catalog_of(archive)
    assert catalog.bulletins.empty and catalog.versions.empty and list(catalog.places.index)[:1] == ["Syria"]


def test_latest_version_is_marked(corrected: Catalog) -> None:
    versions = corrected.versions.set_index(["bulletin_id", "version"])
    assert versions["is_latest"].to_dict() == {
        ("test-daily/2019-07-05-earlier", 1): True,
        ("test-daily/2019-07-09-a-bulletin", 1): False, ("test-daily/2019-07-09-a-bulletin", 2): True}
    latest = corrected.latest("figures")
    assert sorted(latest["value"]) == [130.0, 500.0, 544.0] and len(corrected.figures) == 4


def test_bulletins_carry_the_latest_version(corrected: Catalog) -> None:
    row = corrected.bulletins.loc["test-daily/2019-07-09-a-bulletin"]
    assert (row["title"], row["latest_version"], row["n_versions"], row["corrected"], row["illustrative"]) == (
        "Second", 2, 2, True, True)
    assert row["last_revised"] == pd.Timestamp("2019-07-10") and (row["year"], row["month"]) == (2019, 7)
    assert row["url"] == "test-daily/2019/2019-07-09-a-bulletin/"
    assert list(corrected.bulletins.index) == ["test-daily/2019-07-05-earlier", "test-daily/2019-07-09-a-bulletin"]


def test_links_resolve_by_date_and_by_full_id(corrected: Catalog) -> None:
    links = corrected.links.set_index("version")
    assert links.loc[1, "target"] == "2019-07-05" and links.loc[2, "target"] == "test-daily/2019-07-05-earlier"
    assert set(links["target_id"]) == {"test-daily/2019-07-05-earlier"}
    assert list(corrected.latest("links")["version"]) == [2]


def test_unresolved_link_keeps_no_target(archive: Path) -> None:
    path = write_bulletin(archive, see_also=["2019-01-01"])
    (link,) = catalog_of(archive).links.itertuples()
    assert link.target_id is None and link.line == line_of(path, "- '2019-01-01'")


def test_names_are_canonical(corrected: Catalog) -> None:
    first = corrected.versions.set_index(["bulletin_id", "version"]).loc[("test-daily/2019-07-09-a-bulletin", 1)]
    assert first["places"] == ("Idlib Province",)  # alias and name collapse to one canonical name
    assert first["actors"] == ("Hay'at Tahrir al-Sham",) and first["tags"] == ("offensive",)
    (event,) = corrected.events.itertuples()
    assert (event.place, event.actors, event.precision) == ("Mount Turkmen", ("Syrian regime forces",), "month")
    assert (event.start, event.end) == (pd.Timestamp("2019-07-01"), pd.Timestamp("2019-07-31"))
    assert set(corrected.figures["place"]) == {"Idlib Province"}


def test_figure_fields(corrected: Catalog) -> None:
    child = corrected.figures[corrected.figures["group"] == "children"].iloc[0]
    assert (child["parent"], child["low"], child["value"], child["high"]) == ("civ", 120.0, 130.0, 140.0)
    assert child["as_of"] == child["bulletin_date"] == pd.Timestamp("2019-07-09")
    assert child["since"] == pd.Timestamp("2019-04-26") and child["kind"] == "running-total"
    assert child["line"] == line_of(Path(child["path"]), "- measure: killed", 2)


def test_gazetteer_frames(corrected: Catalog) -> None:
    assert corrected.places.loc["Idlib Province", "aliases"] == ("Idleb", "محافظة إدلب")
    assert corrected.places.loc["Mount Turkmen", "parent"] == "Latakia Province"
    assert list(corrected.series["slug"]) == ["test-daily"]


def test_invalid_versions_stay_out(archive: Path) -> None:
    write_bulletin(archive, version=1)
    replace_in(write_bulletin(archive, version=2), "version: 2", "version: two")
    catalog = catalog_of(archive)
    assert list(catalog.versions["version"]) == [1] and bool(catalog.versions["is_latest"].iloc[0])


@pytest.mark.parametrize("target, series, wanted", [
    ("2019-07-05", "syria-daily", "syria-daily/2019-07-05"),
    ("other/2019-07-05", "syria-daily", "other/2019-07-05"),
    (" /syria-daily/2019-07-05-slug/ ", "x", "syria-daily/2019-07-05-slug"),
])
def test_resolve_link(target: str, series: str, wanted: str) -> None:
    assert resolve_link(target, series) == wanted


def test_find_bulletin_needs_exactly_one_match() -> None:
    index = link_index({"s/2019-07-05-a", "s/2019-07-05-b", "s/2019-07-06-c"})
    assert find_bulletin("s/2019-07-06", index) == "s/2019-07-06-c"
    assert find_bulletin("s/2019-07-05", index) is None and find_bulletin("s/2019-07-05-b", index) == "s/2019-07-05-b"


def test_bulletin_url() -> None:
    assert bulletin_url("syria-daily/2019-07-09-slug", pd.Timestamp("2019-07-09")) == "syria-daily/2019/2019-07-09-slug/"


def test_sample_archive_catalog() -> None:
    catalog = catalog_of(Path(__file__).resolve().parents[1] / "archive")
    assert catalog.bulletins["corrected"].sum() >= 2
    assert "syria-daily/2019-07-09-northern-latakia-counter-attack" in catalog.bulletins.index
    assert catalog.links["target_id"].notna().all()
