"""The JSON Schema: `invoke schema` writes it, it accepts the sample's front matter, rejects bad
front matter, and the committed copy never goes stale."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from dailyarchive.model.load import split_front_matter
from dailyarchive.model.schema import PartialDate, Version, json_schema, json_schema_text, parse_day
from dailyarchive.model.yamlmarks import parse

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "docs" / "schema" / "bulletin.schema.json"
SAMPLES = sorted((ROOT / "archive").glob("*/*/*/v*.md"))


def front_matter(path: Path) -> dict:
    """The front matter as an editor's validator sees it: plain YAML, dates as text."""
    front, _, _ = split_front_matter(path.read_text(encoding="utf-8"))
    assert front is not None
    return parse(front).data


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("schema") / "bulletin.schema.json"
    subprocess.run([sys.executable, "-m", "invoke", "schema", "--out", str(out)], cwd=ROOT, check=True,
                   capture_output=True)
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(written: dict) -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(written)
    return jsonschema.Draft202012Validator(written)


def test_the_committed_schema_is_current(written: dict) -> None:
    assert COMMITTED.read_text(encoding="utf-8") == json_schema_text(), "run `invoke schema` and commit the file"
    assert written == json_schema()


def test_samples_exist() -> None:
    assert len(SAMPLES) >= 20


@pytest.mark.parametrize("path", SAMPLES, ids=[p.parent.name + "/" + p.name for p in SAMPLES])
def test_sample_front_matter_is_valid(path: Path, validator: jsonschema.Draft202012Validator) -> None:
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(front_matter(path))]
    assert errors == []


@pytest.mark.parametrize("change, where", [
    ({"date": "2019-7-9"}, "date"),
    ({"version": "two"}, "version"),
    ({"titel": "typo"}, ""),
    ({"series": "Syria Daily"}, "series"),
    ({"figures": [{"measure": "killed", "value": 5, "kind": "daily"}]}, "figures/0/kind"),
    ({"figures": [{"measure": "killed", "value": -1, "kind": "stock"}]}, "figures/0/value"),
    ({"events": [{"date": "July 2019", "what": "x"}]}, "events/0/date"),
    ({"sources": [{"title": "x", "url": "ftp://example.org"}]}, "sources/0/url"),
])
def test_bad_front_matter_is_rejected(change: dict, where: str, validator: jsonschema.Draft202012Validator) -> None:
    data = {**front_matter(SAMPLES[0]), **change}
    paths = ["/".join(map(str, e.absolute_path)) for e in validator.iter_errors(data)]
    assert where in paths


def test_missing_required_field_is_rejected(validator: jsonschema.Draft202012Validator) -> None:
    data = front_matter(SAMPLES[0])
    del data["title"]
    assert any("'title' is a required property" in e.message for e in validator.iter_errors(data))


def test_schema_and_pydantic_agree_on_the_samples() -> None:
    for path in SAMPLES:
        Version.model_validate(front_matter(path))


@pytest.mark.parametrize("text, start, end, precision", [
    ("2019", "2019-01-01", "2019-12-31", "year"),
    ("2019-02", "2019-02-01", "2019-02-28", "month"),
    ("2020-02", "2020-02-01", "2020-02-29", "month"),
    ("2019-12", "2019-12-01", "2019-12-31", "month"),
    ("2019-07-09", "2019-07-09", "2019-07-09", "day"),
])
def test_partial_dates(text: str, start: str, end: str, precision: str) -> None:
    date = PartialDate.parse(text)
    assert (date.start.isoformat(), date.end.isoformat(), date.precision, date.text) == (start, end, precision, text)


@pytest.mark.parametrize("text", ["2019-02-30", "2019-13", "19-07-09", "2019/07/09", "٢٠١٩-٠٧-٠٩", "2019-07-09T10:00"])
def test_bad_dates(text: str) -> None:
    with pytest.raises(ValueError):
        PartialDate.parse(text)
    with pytest.raises(ValueError):
        parse_day(text)


BASE = {"series": "test-daily", "date": "2019-07-09", "title": "T", "version": 1}


@pytest.mark.parametrize("field, given, kept", [
    ("places", None, []), ("places", "Idlib Province", ["Idlib Province"]), ("see_also", None, []),
    ("see_also", "2019-07-08", ["2019-07-08"]), ("see_also", [20190708], ["20190708"]),
])
def test_lists_accept_one_name_or_none(field: str, given: object, kept: list) -> None:
    assert getattr(Version.model_validate({**BASE, field: given}), field) == kept


@pytest.mark.parametrize("field, given", [("see_also", {"a": 1}), ("places", 5), ("see_also", [True])])
def test_lists_refuse_other_shapes(field: str, given: object) -> None:
    with pytest.raises(ValueError):
        Version.model_validate({**BASE, field: given})


def test_the_limits_are_in_the_json_schema_and_the_format_page(written: dict) -> None:
    from dailyarchive.model import schema

    properties = written["properties"]
    assert properties["title"]["maxLength"] == schema.TITLE_MAX and properties["figures"]["maxItems"] == schema.ROWS_MAX
    limits = (ROOT / "docs" / "format.md").read_text(encoding="utf-8").split("## Limits", 1)[1]
    for limit in (schema.NAME_MAX, schema.TITLE_MAX, schema.SUMMARY_MAX, schema.TEXT_MAX, schema.ITEMS_MAX,
                  schema.ROWS_MAX):
        assert f"{limit:,}" in limits
