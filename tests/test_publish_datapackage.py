"""The data package: datapackage.json describes the CSV downloads, and frictionless validates them against it."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from frictionless import validate
from helpers import write_bulletin

from dailyarchive.build.stager import stage

ROOT = Path(__file__).resolve().parents[1]
FIGURES = [{"measure": "killed", "group": "civilians", "value": 544, "qualifier": "at least", "kind": "running-total",
            "since": "2019-04-26", "place": "Idlib Province"}]


def downloads(archive: Path, folder: Path) -> Path:
    """Stage the archive with the docs (data dictionary) and write its data downloads into `folder`."""
    site = stage(archive, ROOT / "docs")
    folder.mkdir()
    for path, content in site.outputs.items():
        if path.startswith("downloads/"):
            (folder / path.removeprefix("downloads/")).write_bytes(content)
    return folder / "datapackage.json"


def test_datapackage_describes_every_csv_with_types_descriptions_and_keys(archive, tmp_path):
    write_bulletin(archive, figures=FIGURES, places=["Idlib Province"])
    write_bulletin(archive, date="2019-07-10", slug="second", version=1, figures=FIGURES)
    package = downloads(archive, tmp_path / "downloads")
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in descriptor["resources"]}
    assert set(resources) == {"bulletins", "versions", "figures", "events", "series"}
    fields = {f["name"]: f for f in resources["figures"]["schema"]["fields"]}
    assert fields["value"]["type"] == "number" and fields["bulletin_date"]["type"] == "date"
    assert fields["version"]["type"] == "integer"
    assert fields["qualifier"]["description"].startswith("exact, at least")
    assert resources["figures"]["schema"]["primaryKey"] == ["bulletin_id", "version", "figure_index"]
    assert resources["versions"]["schema"]["foreignKeys"][0]["reference"]["resource"] == "bulletins"
    report = validate(str(package))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_a_bad_cell_or_a_dangling_key_fails_validation(archive, tmp_path):
    write_bulletin(archive, figures=FIGURES)
    package = downloads(archive, tmp_path / "downloads")
    figures = package.parent / "figures.csv"
    lines = figures.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("test-daily/2019-07-09-a-bulletin,1,", "test-daily/2019-07-09-nowhere,one,", 1)
    figures.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = validate(str(package))
    assert not report.valid
    assert {"type-error", "foreign-key"} <= {row[0] for row in report.flatten(["type"])}


def test_a_column_has_its_type_before_its_first_value(archive, tmp_path):
    write_bulletin(archive, figures=FIGURES)  # no correction yet: `revised` is empty in every row
    first = json.loads(downloads(archive, tmp_path / "first").read_text(encoding="utf-8"))
    write_bulletin(archive, version=2, figures=FIGURES)
    second = json.loads(downloads(archive, tmp_path / "second").read_text(encoding="utf-8"))
    assert first == second
    fields = {f["name"]: f["type"] for r in first["resources"] if r["name"] == "versions" for f in r["schema"]["fields"]}
    assert fields["revised"] == "date" and fields["revision_note"] == "string"
    for resource in second["resources"]:  # every column that holds days is declared one (data.DAY_COLUMNS)
        with (tmp_path / "second" / resource["path"]).open(encoding="utf-8", newline="") as stream:
            rows = list(csv.DictReader(stream))
        for field in resource["schema"]["fields"]:
            values = [row[field["name"]] for row in rows if row[field["name"]]]
            if values and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) for value in values):
                assert field["type"] == "date", (resource["name"], field["name"])
    report = validate(str(tmp_path / "first" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
