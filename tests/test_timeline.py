"""The timeline's data files: a small manifest, one file per year, every event of the latest versions
placed by its first and last day, names as indices, untrusted text kept inside JSON strings."""

from __future__ import annotations

import json
import re
from pathlib import Path

from helpers import write_archive, write_bulletin

from dailyarchive.catalog.catalog import build_catalog
from dailyarchive.model.load import load_archive
from dailyarchive.site.timeline import EPOCH, timeline_files


def data_of(text: str) -> list:
    """The arguments of the one call a timeline file makes."""
    call = re.search(r"\}\)\((.*)\);\n$", text, re.S)
    assert call, text[:200]
    return json.loads(f"[{call.group(1)}]")


def files_of(root: Path) -> dict[str, str]:
    return timeline_files(build_catalog(load_archive(root)))


def day(text: str) -> int:
    import datetime as dt

    return (dt.date.fromisoformat(text) - EPOCH).days


def test_one_file_per_year_of_first_days_and_a_manifest(tmp_path: Path) -> None:
    root = write_archive(tmp_path / "archive")
    write_bulletin(root, events=[{"date": "2018-12", "place": "Mount Turkmen", "actors": ["HTS"], "what": "Old."},
                                 {"date": "2019-07-0X", "place": "Idleb", "what": "Early July."},
                                 {"date": "2019-07-09", "what": "Today."}], tags=["offensive"])
    files = files_of(root)
    assert sorted(files) == ["_timeline/2018.js", "_timeline/2019.js", "_timeline/manifest.js"]
    (manifest,) = data_of(files["_timeline/manifest.js"])
    assert manifest["count"] == 3 and manifest["span"] == [day("2018-12-01"), day("2019-07-09")]
    assert manifest["years"]["2018"] == {"count": 1, "reach": day("2018-12-31")}
    places = {p[0]: p for p in manifest["places"]}
    assert places["Mount Turkmen"][2] == [p[0] for p in manifest["places"]].index("Latakia Province")
    assert places["Idlib Province"][3] == 1  # the alias counted under its canonical name
    assert places["Latakia Province"][3:] == [0, day("2018-12-01"), day("2018-12-31")]  # its sub-place's event
    assert {a[0]: a[2:] for a in manifest["actors"]}["Hay'at Tahrir al-Sham"] == [1, day("2018-12-01"),
                                                                                  day("2018-12-31")]
    year, data = data_of(files["_timeline/2019.js"])
    assert year == "2019"
    early, today = data["events"]
    assert early[:4] == [day("2019-07-01"), day("2019-07-09"), 0, "some digits unknown"]
    assert today[4] == -1 and today[5] == [] and today[8] == "2019-07-09" and today[9] == 2
    bulletin = data["bulletins"][early[7]]
    assert bulletin[:3] == ["test-daily/2019-07-09-a-bulletin", 1, "test-daily/2019/2019-07-09-a-bulletin/v1.html"]
    assert [manifest["tags"][t][0] for t in bulletin[5]] == ["offensive"]


def test_only_the_latest_version_counts(tmp_path: Path) -> None:
    root = write_archive(tmp_path / "archive")
    write_bulletin(root, events=[{"date": "2019-07-08", "what": "First account."}])
    write_bulletin(root, version=2, events=[{"date": "2019-07-07", "what": "Corrected."}])
    _, data = data_of(files_of(root)["_timeline/2019.js"])
    assert [e[6] for e in data["events"]] == ["Corrected."]
    assert data["bulletins"][0][1] == 2 and data["bulletins"][0][2].endswith("/v2.html")


def test_untrusted_text_stays_inside_a_json_string(tmp_path: Path) -> None:
    root = write_archive(tmp_path / "archive")
    hostile = "</script><script>alert(1)</script> `${x}` \"quoted\""
    write_bulletin(root, title=hostile, events=[{"date": "2019-07-08", "what": hostile}])
    text = files_of(root)["_timeline/2019.js"]
    assert "</script>" not in text and "<script>" not in text and "\\u003c/script>" in text
    _, data = data_of(text)
    assert data["events"][0][6] == hostile and data["bulletins"][0][3] == hostile


def test_no_events_gives_a_manifest_without_a_span(tmp_path: Path) -> None:
    root = write_archive(tmp_path / "archive")
    write_bulletin(root)
    files = files_of(root)
    assert list(files) == ["_timeline/manifest.js"]
    assert data_of(files["_timeline/manifest.js"])[0]["span"] is None


def test_year_files_come_back_from_the_memo_until_their_events_bulletins_or_names_change(tmp_path, monkeypatch):
    from dailyarchive.build.stage import FileMemo, content_bytes
    from dailyarchive.site import timeline

    root = write_archive(tmp_path / "archive")
    write_bulletin(root, date="2019-07-09", events=[{"date": "2018-12", "place": "Idleb", "what": "Old."},
                                                    {"date": "2019-07-09", "what": "Today <b>&</b> مرحبا."}])
    made_for: list[int] = []
    making = timeline.year_data

    def year_data(catalog, events, vocabulary):  # the real one, noting which years get made
        made_for.append(int(events["start"].dt.year.iloc[0]))
        return making(catalog, events, vocabulary)

    monkeypatch.setattr(timeline, "year_data", year_data)

    def kept_equals_fresh() -> list[int]:
        """The years a build with a memo made; its files equal a build's without one."""
        made_for.clear()
        kept = timeline_files(build_catalog(load_archive(root)), FileMemo(tmp_path / "memo", salt="s"))
        made = sorted(made_for)
        assert {name: content_bytes(text) for name, text in kept.items()} == {
            name: text.encode("utf-8") for name, text in files_of(root).items()}
        return made

    assert kept_equals_fresh() == [2018, 2019]
    assert kept_equals_fresh() == []
    write_bulletin(root, date="2019-07-10", slug="next", events=[{"date": "2019-07-10", "what": "Later."}])
    assert kept_equals_fresh() == [2019]  # a new event of 2019
    write_bulletin(root, date="2019-07-09", version=2, title="Retitled",
                   events=[{"date": "2018-12", "place": "Idleb", "what": "Old."},
                           {"date": "2019-07-09", "what": "Today <b>&</b> مرحبا."}])
    assert kept_equals_fresh() == [2018, 2019]  # its bulletin's title and version, shown in both years
    places = (root / "places.yml").read_text(encoding="utf-8")
    (root / "places.yml").write_text(places + "- name: Aleppo\n  kind: city\n", encoding="utf-8")
    assert kept_equals_fresh() == [2018, 2019]  # a new place first in the names: every index moves
