"""Query the data with Datasette: `archive.sqlite` served on 127.0.0.1, described by the data dictionary.

`metadata` turns the data dictionary (`docs/data.md`, the same descriptions as the data
package) into Datasette's metadata: a description per table and column, the source and the
licence, and facets on measure, group, place and qualifier, so a historian can filter the
figures without writing code. `command` is the server's command line (loopback only,
the database opened read-only).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .data import TABLES
from .datapackage import dictionary

#: The columns offered as facets, where a table has them.
FACETS = ("measure", "group", "place", "qualifier")
TABLE_DESCRIPTIONS = {
    "bulletins": "One row per bulletin (its latest version).",
    "versions": "One row per version, corrections included.",
    "figures": "One row per reported figure of every version (is_latest = 1 for the latest version's).",
    "events": "One row per reported event of every version.",
    "series": "The charted series, one row per point: what every chart shows.",
}
HOST = "127.0.0.1"


def metadata(dictionary_md: str, title: str, source: str = "", source_url: str = "", license: str = "",
             license_url: str = "", database: str = "archive") -> dict[str, object]:
    """Datasette's metadata for the download database (`database` is its file's stem)."""
    described = dictionary(dictionary_md)
    tables: dict[str, object] = {}
    for name, columns in TABLES.items():
        table: dict[str, object] = {"description": TABLE_DESCRIPTIONS.get(name, ""),
                                    "columns": {c: d for c, d in described.get(name, {}).items() if c in columns}}
        facets = [f for f in FACETS if f in columns]
        if facets:
            table["facets"] = facets
        tables[name] = table
    top: dict[str, object] = {"title": title, "description": "The figures, events, versions and bulletins of the "
                              "archive; every column is described (click a column's name).",
                              "databases": {database: {"tables": tables}}}
    for key, value in (("source", source), ("source_url", source_url), ("license", license),
                       ("license_url", license_url)):
        if value:
            top[key] = value
    return top


def write_metadata(path: Path, data: dict[str, object]) -> Path:
    """Write the metadata as JSON (the server reads it at start)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def command(database: Path, metadata_path: Path, port: int) -> list[str]:
    """The Datasette server's command line: loopback only, the database immutable (read-only)."""
    return [sys.executable, "-m", "datasette", "serve", "--immutable", str(database), "--host", HOST,
            "--port", str(port), "--metadata", str(metadata_path), "--setting", "default_facet_size", "50"]
