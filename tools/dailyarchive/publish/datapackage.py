"""The data downloads as a Frictionless data package: `datapackage.json` beside the CSV files.

One tabular resource per CSV file, with a Table Schema: each column's type (from the table's
column types and `data.DAY_COLUMNS`, the same for every archive), its description (from the data
dictionary, `docs/data.md`), the primary key and the foreign keys of `data.KEYS`.
`frictionless validate datapackage.json` checks every file against it. The same descriptions feed
Datasette's metadata (`publish.datasette`).
"""

from __future__ import annotations

import json
import re

import pandas as pd

from ..catalog.catalog import Catalog
from .data import DAY_COLUMNS, KEYS, TABLES

PROFILE = "tabular-data-package"
_SECTION = re.compile(r"^## (\w+)\.csv\s*$", re.MULTILINE)
_ROW = re.compile(r"^\| `([^`]+)` \| (.+?) \|\s*$", re.MULTILINE)


def dictionary(text: str) -> dict[str, dict[str, str]]:
    """Column descriptions of the data dictionary (`## <table>.csv` then `| \\`column\\` | meaning |` rows)."""
    described: dict[str, dict[str, str]] = {}
    parts = _SECTION.split(text)
    for name, body in zip(parts[1::2], parts[2::2]):
        described[name] = {column: _plain(meaning) for column, meaning in _ROW.findall(body.split("\n## ")[0])}
    return described


def _plain(markdown: str) -> str:
    """A dictionary cell as plain text (backticks and link targets dropped)."""
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown).replace("`", "").strip()


def field_type(column: str, values: pd.Series) -> str:
    """The Table Schema type of a download column: integer, number, date (`data.DAY_COLUMNS`) or string. It
    depends on the column alone, never on which values an archive holds."""
    if pd.api.types.is_integer_dtype(values):
        return "integer"
    if pd.api.types.is_float_dtype(values):
        return "number"
    return "date" if column in DAY_COLUMNS else "string"


def table_schema(name: str, frame: pd.DataFrame, described: dict[str, str]) -> dict[str, object]:
    """The Table Schema of one download table."""
    primary, foreign = KEYS[name]
    fields = []
    for column in TABLES[name]:
        field: dict[str, object] = {"name": column, "type": field_type(column, frame[column])}
        if described.get(column):
            field["description"] = described[column]
        fields.append(field)
    return {"fields": fields, "missingValues": [""], "primaryKey": primary,
            "foreignKeys": [{"fields": mine, "reference": {"resource": table, "fields": theirs}}
                            for mine, table, theirs in foreign]}


def descriptor(tables: dict[str, pd.DataFrame], described: dict[str, dict[str, str]],
               title: str = "Data of the archive") -> dict[str, object]:
    """The data package descriptor of the download tables."""
    resources = []
    for name in TABLES:
        resources.append({"name": name, "path": f"{name}.csv", "profile": "tabular-data-resource", "format": "csv",
                          "mediatype": "text/csv", "encoding": "utf-8",
                          "schema": table_schema(name, tables[name], described.get(name, {}))})
    return {"profile": PROFILE, "name": "dailyarchive-data", "title": title,
            "description": "Bulletins, versions, figures, events and charted series of the archive; "
                           "the columns are described in the site's data dictionary.",
            "resources": resources}


def datapackage_json(catalog: Catalog, tables: dict[str, pd.DataFrame], dictionary_md: str = "") -> bytes:
    """`datapackage.json` for the CSV downloads of `catalog`, made from `tables` (`publish.data.data_tables`),
    with descriptions from the data dictionary's text."""
    names = ", ".join(str(n) for n in catalog.series["name"]) if len(catalog.series) else "the archive"
    text = json.dumps(descriptor(tables, dictionary(dictionary_md), f"Data of {names}"), indent=2, ensure_ascii=False)
    return (text + "\n").encode("utf-8")
