"""Catalog and series → the data downloads' tables (their CSV files and SQLite database: `datafiles`).

Every column is described in the data dictionary (docs/data.md); a test keeps the two
in step. Figures of every version are kept (with `is_latest`), so a historian can see
what a correction changed; `excluded_by` names the rule that kept a figure off the
charts, and `series.csv` holds the charted points, so every chart can be recomputed.
Every table has an `illustrative` column: 1 for an illustrative bulletin's rows, never the record.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from ..catalog.catalog import Catalog
from ..catalog.series import POINT_COLUMNS

DOWNLOAD_DIR = "downloads"
TABLES: dict[str, list[str]] = {
    "bulletins": ["bulletin_id", "series", "date", "slug", "title", "latest_version", "n_versions", "corrected",
                  "last_revised", "summary", "caption", "illustrative", "places", "actors", "tags", "url"],
    "versions": ["bulletin_id", "version", "is_latest", "date", "revised", "revision_note", "title", "summary",
                 "illustrative", "sha256", "path"],
    "figures": ["bulletin_id", "version", "is_latest", "figure_index", "bulletin_date", "id", "measure", "group",
                "parent", "value", "qualifier", "low", "high", "text", "kind", "since", "as_of", "place",
                "reported_by", "claimed_by", "illustrative", "excluded_by", "path", "line"],
    "events": ["bulletin_id", "version", "is_latest", "event_index", "bulletin_date", "date_text", "precision",
               "start", "end", "place", "actors", "what", "illustrative"],
    "series": POINT_COLUMNS,
}
KEYS: dict[str, tuple[list[str], list[tuple[list[str], str, list[str]]]]] = {
    "bulletins": (["bulletin_id"], []),
    "versions": (["bulletin_id", "version"], [(["bulletin_id"], "bulletins", ["bulletin_id"])]),
    "figures": (["bulletin_id", "version", "figure_index"],
                [(["bulletin_id", "version"], "versions", ["bulletin_id", "version"])]),
    "events": (["bulletin_id", "version", "event_index"],
               [(["bulletin_id", "version"], "versions", ["bulletin_id", "version"])]),
    "series": (["series_id", "bulletin_id", "version", "figure_index"],
               [(["bulletin_id", "version", "figure_index"], "figures", ["bulletin_id", "version", "figure_index"])]),
}
LIST_SEPARATOR = "; "
#: The columns that hold days, written YYYY-MM-DD (empty when missing): the data package declares them dates
#: whatever rows an archive has, so that a column's type does not change when its first value appears (a
#: first correction fills `revised`).
DAY_COLUMNS = frozenset({"date", "revised", "last_revised", "bulletin_date", "since", "as_of", "start", "end",
                         "baseline"})


def data_tables(catalog: Catalog, points: pd.DataFrame, excluded: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The download tables, with plain values: dates as YYYY-MM-DD, name lists joined by "; ",
    paths relative to the archive folder."""
    bulletins = catalog.bulletins.reset_index()
    figures = catalog.figures.copy()
    rules = excluded.groupby(["bulletin_id", "version", "figure_index"])["rule"].agg(
        lambda r: LIST_SEPARATOR.join(sorted(set(r)))).to_dict() if not excluded.empty else {}
    keys = list(zip(figures["bulletin_id"].tolist(), figures["version"].tolist(), figures["figure_index"].tolist()))
    figures["excluded_by"] = [rules.get(k, "") for k in keys]
    events = catalog.events.merge(catalog.versions[["bulletin_id", "version", "illustrative"]],
                                  on=["bulletin_id", "version"], how="left")
    tables = {"bulletins": bulletins, "versions": catalog.versions, "figures": figures, "events": events,
              "series": points}
    return {name: _plain(frame.reindex(columns=TABLES[name]), catalog.root) for name, frame in tables.items()}


LIST_COLUMNS = ("places", "actors", "tags")


def _plain(frame: pd.DataFrame, root: Path) -> pd.DataFrame:
    """Dates as text, name lists as joined text, paths relative to the archive, booleans as 0/1."""
    frame = frame.copy()
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            frame[column] = values.dt.strftime("%Y-%m-%d").astype(object).where(values.notna(), None)
        elif pd.api.types.is_bool_dtype(values):
            frame[column] = values.astype("int64")
        elif column in LIST_COLUMNS:
            frame[column] = [LIST_SEPARATOR.join(v) if isinstance(v, tuple) else v for v in values]
    if "path" in frame:
        prefix = str(root).rstrip("/") + "/"
        frame["path"] = [_relative(p, root, prefix) for p in frame["path"].tolist()]
    return frame


def _relative(path: object, root: Path, prefix: str) -> object:
    """A version file's path relative to the archive folder (as it was given, else resolved)."""
    if not isinstance(path, str):
        return path
    if path.startswith(prefix):
        return path[len(prefix):]
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def read_figures_csv(source: Path | str | io.IOBase) -> pd.DataFrame:
    """figures.csv as a frame shaped like the Catalog's figures (what `series.build_series` takes)."""
    frame = pd.read_csv(source, dtype={"id": object, "parent": object, "text": object, "place": object,
                                       "excluded_by": object, "reported_by": object, "claimed_by": object},
                        keep_default_na=False, na_values=[""])
    for column in ("bulletin_date", "since", "as_of"):
        frame[column] = pd.to_datetime(frame[column])
    for column in ("is_latest", "illustrative"):
        frame[column] = frame[column].astype(bool)
    return frame
