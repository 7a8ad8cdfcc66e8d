"""Importing plain-text bulletins written the way daily bulletins are: headline, dated photo caption,
paragraphs, "See also" lines; and the bad inputs, each refused while the rest is imported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from helpers import write_bulletin, write_raw

from dailyarchive import check_archive
from dailyarchive.archivist.importer import import_path
from dailyarchive.model.load import split_front_matter

TODAY = dt.date(2019, 8, 1)
LATAKIA = """Opposition factions strike regime lines in northern Latakia

Opposition fighters in Latakia Province get ready to strike regime lines, July 9, 2019

Opposition factions, joined by the Islamist bloc Hay'at Tahrir al-Sham, attacked
more than 20 regime positions on Mount Turkmen and held ground for some hours.

In Idlib province, at least 544 civilians have been killed since late April, and
more than 2,100 injured. Thirty medical facilities have been attacked.

See also Test Daily, July 5: Have 1,000 regime soldiers died in the stalled offensive?
See also Test Daily, July 8: 544 civilians of Idlib killed in two months
See also Test Daily, December 30: A year ends in the camps
"""


def front(path: Path) -> dict:
    yaml_text, _, _ = split_front_matter(path.read_text(encoding="utf-8"))
    return yaml.safe_load(yaml_text)


def only_bulletin(archive: Path) -> Path:
    files = sorted(archive.glob("test-daily/*/*/v1.md"))
    assert len(files) == 1, files
    return files[0]


def test_a_daily_bulletin_gives_date_caption_see_also_and_suggested_figures(archive: Path, tmp_path: Path) -> None:
    write_bulletin(archive, date="2019-07-05", slug="soldiers")
    write_bulletin(archive, date="2019-07-08", slug="toll")
    source = write_raw(tmp_path, "legacy/latakia.txt", LATAKIA)
    report = import_path(archive, "test-daily", source, today=TODAY)
    [outcome] = report.outcomes
    assert outcome.status == "written"
    path = Path(outcome.detail)
    assert path.parent.name == "2019-07-09-opposition-factions-strike-regime-lines-in-northern-latakia"
    meta = front(path)
    assert meta["date"] == dt.date(2019, 7, 9) and "the photo caption" in outcome.notes[-1]
    assert meta["caption"] == "Opposition fighters in Latakia Province get ready to strike regime lines"
    assert meta["see_also"] == [dt.date(2019, 7, 5), dt.date(2019, 7, 8)]
    assert any("2018-12-30" in w and "kept as text" in w for w in outcome.warnings)  # December is last year's
    figures = [(f["measure"], f["group"], f.get("value"), f["qualifier"], f["kind"], str(f.get("since")), f["review"])
               for f in meta["figures"]]
    assert figures == [
        ("killed", "civilians", 544, "at least", "running-total", "2019-04-21", "pending"),
        ("injured", "all", 2100, "more than", "running-total", "2019-04-21", "pending"),
        ("facilities-attacked", "medical-facilities", 30, "exact", "increment", "None", "pending"),
    ]
    text = path.read_text(encoding="utf-8")
    assert "# In Idlib province, at least 544 civilians have been killed since late April" in text
    body = split_front_matter(text)[1]
    assert body.startswith("Opposition factions, joined by") and "held ground for some hours." in body
    assert "See also Test Daily, July 5" not in body and "December 30" in body
    rules = [p.rule for p in check_archive(archive, today=TODAY)]
    # the photo itself is never fetched: check asks for it beside its caption
    assert sorted(rules) == ["caption-without-image"] + ["figure-pending"] * 3


def test_the_file_name_gives_the_date_and_the_first_sentence_the_title(archive: Path, tmp_path: Path) -> None:
    source = write_raw(tmp_path, "2019-07-17.txt", "Russian strikes hit two civil defence centres in Idlib. "
                                                   "The rescuers moved their vehicles out.\n")
    [outcome] = import_path(archive, "test-daily", source, today=TODAY).outcomes
    meta = front(Path(outcome.detail))
    assert meta["date"] == dt.date(2019, 7, 17) and meta["title"] == "Russian strikes hit two civil defence centres in Idlib"
    assert any("first sentence" in w for w in outcome.warnings)
    assert "no photo caption found: `caption` left empty" in outcome.warnings


def test_markup_in_plain_text_stays_text(archive: Path, tmp_path: Path) -> None:
    source = write_raw(tmp_path, "2019-07-17.txt", "A headline\n\nThe page said <script>alert(1)</script> and "
                                                   "```{raw} html\n<b>x</b>\n``` and {eval-rst}`x` *here*.\n")
    [outcome] = import_path(archive, "test-daily", source, today=TODAY).outcomes
    body = split_front_matter(Path(outcome.detail).read_text(encoding="utf-8"))[1]
    assert "<script>" not in body and "```{raw}" not in body and "{eval-rst}`" not in body
    assert check_archive(archive, today=TODAY) == []


def test_bad_inputs_are_refused_one_by_one_and_the_rest_imported(archive: Path, tmp_path: Path) -> None:
    legacy = tmp_path / "legacy"
    write_raw(legacy, "a-good-one.txt", "A quiet day on the front\n\nShelling went on, July 3, 2019\n\nNothing moved.\n")
    write_raw(legacy, "no-date.txt", "A headline without a date\n\nSomething happened somewhere.\n")
    write_raw(legacy, "2019-07-04-first.txt", "Strikes on Kafr Nabudah\n\nThe town was hit again.\n")
    write_raw(legacy, "2019-07-04-second.txt", "Strikes on Kafr Nabudah\n\nThe same story, sent twice.\n")
    write_raw(legacy, "2019-07-05-mixed.txt", "Caf\xe9 hit\n\n".encode("utf-8") + b"Caf\xe9 in Latin-1.\n")
    write_raw(legacy, "2019-07-06-legacy.txt", "Caf\xe9 hit\n\nThe caf\xe9 in Ariha was hit.\n".encode("cp1252"))
    write_raw(legacy, "dateline.txt", "Ariha under fire\n\nARIHA, July 7, 2019 — Shelling hit the market.\n")
    write_raw(legacy, "2099-01-01-future.txt", "A date to come\n\nNot yet.\n")
    huge = legacy / "2019-07-08-huge.txt"
    with open(huge, "wb") as stream:
        stream.truncate(50 * 2**20)
    write_raw(legacy, "notes.docx", b"PK\x03\x04")
    report = import_path(archive, "test-daily", legacy, today=TODAY)
    by_name = {Path(o.label.split(":")[0]).name: o for o in report.outcomes}
    assert by_name["a-good-one.txt"].status == "written"
    assert by_name["2019-07-04-first.txt"].status == "written"
    assert by_name["2019-07-06-legacy.txt"].status == "written"
    assert by_name["dateline.txt"].status == "written" and "from the dateline" in by_name["dateline.txt"].notes[-1]
    assert any("Windows-1252" in n for n in by_name["2019-07-06-legacy.txt"].notes)
    assert "same date and title as" in by_name["2019-07-04-second.txt"].detail
    assert "no date found" in by_name["no-date.txt"].detail
    assert "mixed encodings" in by_name["2019-07-05-mixed.txt"].detail
    assert "in the future" in by_name["2099-01-01-future.txt"].detail
    assert "50.0 MiB is over the 8 MiB limit" in by_name["2019-07-08-huge.txt"].detail
    assert by_name["notes.docx"].status == "skipped"
    assert report.count("written") == 4 and report.count("refused") == 5
    assert len(list(archive.glob("test-daily/*/*/v1.md"))) == 4
    assert "The café in Ariha" in (archive / "test-daily/2019/2019-07-06-cafe-hit/v1.md").read_text(encoding="utf-8")
    assert {p.rule for p in check_archive(archive, today=TODAY)} <= {"figure-pending", "caption-without-image"}


def test_an_existing_bulletin_is_never_overwritten(archive: Path, tmp_path: Path) -> None:
    existing = write_bulletin(archive, date="2019-07-09", slug="opposition-factions-strike-regime-lines-in-northern-latakia")
    before = existing.read_bytes()
    source = write_raw(tmp_path, "latakia.txt", LATAKIA)
    [outcome] = import_path(archive, "test-daily", source, today=TODAY).outcomes
    assert outcome.status == "refused" and "never overwritten" in outcome.detail
    assert existing.read_bytes() == before and sorted(p.name for p in existing.parent.iterdir()) == ["v1.md"]


def test_a_dry_run_writes_nothing(archive: Path, tmp_path: Path) -> None:
    source = write_raw(tmp_path, "latakia.txt", LATAKIA)
    [outcome] = import_path(archive, "test-daily", source, dry_run=True, today=TODAY).outcomes
    assert outcome.status == "would write"
    assert not (archive / "test-daily").exists()


def test_see_also_lines_name_other_series_and_days_with_two_bulletins(tmp_path: Path) -> None:
    from helpers import write_archive

    archive = write_archive(tmp_path / "archive")
    series = archive / "series.yml"
    series.write_text(series.read_text(encoding="utf-8") + "- slug: turkey-daily\n  name: Turkey Daily\n"
                      "  publisher: Tests\n", encoding="utf-8")
    write_bulletin(archive, date="2019-07-05", slug="border", series="turkey-daily")
    write_bulletin(archive, date="2019-07-06", slug="morning")
    write_bulletin(archive, date="2019-07-06", slug="evening")
    source = write_raw(tmp_path, "2019-07-09.txt", "A headline\n\nThe text, with \\*stars\\*.\n\n"
                                                   "See also Turkey Daily, July 5: Troops at the border\n"
                                                   "See also Old Name Daily, July 6: Evening news\n"
                                                   "See also July 7: A *day* with no bulletin\n")
    [outcome] = import_path(archive, "test-daily", source, today=TODAY).outcomes
    meta = front(Path(outcome.detail))
    assert meta["see_also"] == ["turkey-daily/2019-07-05-border", "test-daily/2019-07-06-evening"]
    assert any("2 bulletins that day" in w for w in outcome.warnings)
    assert any("'Old Name Daily' is not in series.yml" in w for w in outcome.warnings)
    body = split_front_matter(Path(outcome.detail).read_text(encoding="utf-8"))[1]
    assert body.endswith("See also July 7: A \\*day\\* with no bulletin\n")
    assert check_archive(archive, today=TODAY) == []
