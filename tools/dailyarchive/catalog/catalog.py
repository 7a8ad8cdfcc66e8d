"""Turn a loaded archive into a Catalog of pandas DataFrames (no Sphinx here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..model.load import Gazetteer, LoadedArchive, VersionFile
from ..model.schema import Series

DATE_COLUMNS = {
    "bulletins": ["date", "last_revised"],
    "versions": ["date", "revised"],
    "figures": ["bulletin_date", "since", "as_of"],
    "events": ["start", "end", "bulletin_date"],
}


@dataclass(frozen=True)
class Catalog:
    """The archive as tables. Dates are `datetime64`; name lists are tuples of canonical names.

    - `series`: slug, name, publisher, language, description
    - `bulletins`: one row per bulletin (its latest version's fields), id as index, by series, date and slug
    - `versions`: one row per version file, `is_latest` marks the one readers see
    - `figures`, `events`: one row per figure / event of every version, with `is_latest`; a figure
      carries its bulletin's `illustrative` mark (demonstration content, never the record)
    - `links`: see_also links between bulletins (every version), with `is_latest`
    - `sources`: sources cited by every version
    - `places`, `actors`, `tags`: the gazetteers, name as index
    """

    root: Path
    series: pd.DataFrame
    bulletins: pd.DataFrame
    versions: pd.DataFrame
    figures: pd.DataFrame
    events: pd.DataFrame
    links: pd.DataFrame
    sources: pd.DataFrame
    places: pd.DataFrame
    actors: pd.DataFrame
    tags: pd.DataFrame

    def latest(self, table: str) -> pd.DataFrame:
        """Rows of `table` that belong to the latest version of their bulletin."""
        frame: pd.DataFrame = getattr(self, table)
        return frame[frame["is_latest"]]


#: The rows one version gives each table (`version_rows`), keyed by table.
VersionRows = dict[str, list[dict[str, Any]]]
#: A part of the tables as columns, {table: {column: values}} (`table_columns`), without `is_latest`.
TableColumns = dict[str, dict[str, list[Any]]]
TABLES = ("versions", "figures", "events", "links", "sources")


def build_catalog(archive: LoadedArchive) -> Catalog:
    """Tables of every valid version of `archive`; invalid files are left to `check`."""
    names = Resolver(archive.gazetteers)
    return catalog_from_rows(archive.root, archive.series, archive.gazetteers,
                             [version_rows(version, names) for version in archive.valid_versions()])


def catalog_from_rows(root: Path, series: dict[str, Series], gazetteers: dict[str, Gazetteer],
                      versions: list[VersionRows]) -> Catalog:
    """The catalog of the rows of every valid version (`version_rows`, in any order)."""
    return catalog_from_columns(root, series, gazetteers, [table_columns(versions)])


def table_columns(versions: list[VersionRows]) -> TableColumns:
    """The rows of some versions as the columns of each table, in order of bulletin and version."""
    ordered = sorted(versions, key=lambda v: (v["versions"][0]["bulletin_id"], v["versions"][0]["version"]))
    columns: TableColumns = {table: {column: [] for column in part_columns(table)} for table in TABLES}
    for rows in ordered:
        for table, found in columns.items():
            for row in rows.get(table, ()):
                for column, values in found.items():
                    values.append(row[column])
    return columns


def part_columns(table: str) -> list[str]:
    """The columns a part of `table` holds (`TableColumns`): all but `is_latest`, which needs every version."""
    return [column for column in COLUMNS[table] if column != "is_latest"]


def catalog_from_columns(root: Path, series: dict[str, Series], gazetteers: dict[str, Gazetteer],
                         parts: list[TableColumns]) -> Catalog:
    """The catalog of parts of its tables (`table_columns`, each of any valid versions, a bulletin's versions in
    one part): `is_latest` is set here, and see_also targets are resolved here, against every bulletin."""
    frames = {table: _frame(table, _joined([part[table] for part in parts], part_columns(table)))
              for table in TABLES}
    latest = frames["versions"].groupby("bulletin_id", sort=False)["version"].max()
    for table, frame in frames.items():
        frame.insert(COLUMNS[table].index("is_latest"), "is_latest",
                     frame["version"].to_numpy() == frame["bulletin_id"].map(latest).to_numpy())
        frames[table] = _in_version_order(frame)
    index = link_index(set(frames["versions"]["bulletin_id"].tolist()))
    links = frames["links"]
    links["target_id"] = pd.Series([find_bulletin(t, index) for t in links["target_id"].tolist()], index=links.index, dtype=object)
    return Catalog(
        root=root,
        series=pd.DataFrame([s.model_dump() for s in series.values()],
                            columns=["slug", "name", "publisher", "language", "description"]),
        bulletins=_bulletins(frames["versions"]),
        places=_gazetteer_frame(gazetteers["places"]),
        actors=_gazetteer_frame(gazetteers["actors"]),
        tags=_gazetteer_frame(gazetteers["tags"]),
        **frames,
    )


def _joined(parts: list[dict[str, list[Any]]], columns: list[str]) -> dict[str, list[Any]]:
    """The columns of several parts of one table, one after the other."""
    joined: dict[str, list[Any]] = {column: [] for column in columns}
    for part in parts:
        for column, values in joined.items():
            values.extend(part[column])
    return joined


def _in_version_order(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` in order of bulletin and version, a version's rows as they came (parts are in order already,
    unless one bulletin's id is found in two of them)."""
    if pd.MultiIndex.from_arrays([frame["bulletin_id"], frame["version"]]).is_monotonic_increasing:
        return frame
    return frame.sort_values(["bulletin_id", "version"], kind="stable").reset_index(drop=True)


class Resolver:
    """Maps names as written to canonical gazetteer names (unknown names are kept as written)."""

    def __init__(self, gazetteers: dict[str, Gazetteer]) -> None:
        self.gazetteers = gazetteers

    def one(self, kind: str, name: str | None) -> str | None:
        """The canonical name (None stays None)."""
        return None if name is None else self.gazetteers[kind].resolve(name)

    def many(self, kind: str, names: list[str]) -> tuple[str, ...]:
        """Canonical names, each once, in the order written."""
        return tuple(dict.fromkeys(self.gazetteers[kind].resolve(n) for n in names))


def version_rows(version: VersionFile, names: Resolver) -> VersionRows:
    """The rows one valid version gives each table (`is_latest` is set by `catalog_from_columns`)."""
    meta = version.meta
    assert meta is not None
    key = {"bulletin_id": version.bulletin_id, "version": version.number}
    rows: VersionRows = {table: [] for table in TABLES}
    rows["versions"].append({
        **key, "series": meta.series, "date": meta.date, "slug": version.slug, "title": meta.title,
        "revised": meta.revised, "revision_note": meta.revision_note, "summary": meta.summary,
        "caption": meta.caption, "image": meta.image, "illustrative": meta.illustrative,
        "places": names.many("places", meta.places), "actors": names.many("actors", meta.actors),
        "tags": names.many("tags", meta.tags), "path": str(version.path), "sha256": version.sha256,
        "read_as": version.read_as, "body": version.body, "body_line": version.body_line,
    })
    for index, figure in enumerate(meta.figures):
        if figure.review is not None:
            continue  # suggested by an import and not yet reviewed: never charted, never in the data
        rows["figures"].append({
            **key, "figure_index": index, "bulletin_date": meta.date, "illustrative": meta.illustrative,
            **figure.model_dump(mode="python", exclude={"place", "review"}),
            "qualifier": figure.qualifier.value, "kind": figure.kind.value,
            "as_of": figure.as_of or meta.date, "place": names.one("places", figure.place),
            "path": str(version.path), "line": version.line_of("figures", index),
            "end_line": _next_figure_line(version, index),
        })
    for index, event in enumerate(meta.events):
        rows["events"].append({
            **key, "event_index": index, "bulletin_date": meta.date, "date_text": event.date.text,
            "precision": event.date.precision, "start": event.date.start, "end": event.date.end,
            "date_qualifier": event.date.qualifier,
            "place": names.one("places", event.place), "actors": names.many("actors", event.actors),
            "what": event.what, "path": str(version.path), "line": version.line_of("events", index),
        })
    for index, target in enumerate(meta.see_also):
        rows["links"].append({**key, "source_id": version.bulletin_id, "target": target,
                              "target_id": resolve_link(target, meta.series),
                              "line": version.line_of("see_also", index)})
    for index, source in enumerate(meta.sources):
        rows["sources"].append({**key, "source_index": index, **source.model_dump()})
    return rows


#: The columns that hold tuples of names and dates, which JSON gives back as lists and ISO text (`restored_columns`).
TUPLE_COLUMNS = {"versions": ("places", "actors", "tags"), "events": ("actors",)}
ROW_DATE_COLUMNS = {"versions": DATE_COLUMNS["versions"], "figures": DATE_COLUMNS["figures"],
                    "events": DATE_COLUMNS["events"], "sources": ["accessed"]}


def restored_columns(data: Any) -> TableColumns:
    """`table_columns` read back from JSON: name lists are tuples and ISO dates are dates again.

    JSON gives each occurrence of a value its own object; a volume's repeated values (its series, places and
    actors, its bulletins' ids in every table, its dates) are made one object each again, as the loader's
    rows share them, so that a catalog read from the cache takes no more memory than one read from the files.
    Raises ValueError when `data` is not of that shape (another table, column or length).
    """
    if not isinstance(data, dict) or set(data) != set(TABLES):
        raise ValueError("not the catalog's tables")
    shared: dict[Any, Any] = {}
    one = shared.setdefault  # `one(value, value)`: the one object of `value`'s content (`value`, the first time)
    days: dict[str, dt.date] = {}  # one date a day
    for table, columns in data.items():
        lengths = {len(values) for values in columns.values() if isinstance(values, list)}
        if set(columns) != set(part_columns(table)) or len(lengths) > 1 or not all(
                isinstance(values, list) for values in columns.values()):
            raise ValueError(f"not the columns of {table}")
        tuples, dates = TUPLE_COLUMNS.get(table, ()), ROW_DATE_COLUMNS.get(table, ())
        for column, values in columns.items():
            if column in tuples:
                columns[column] = [one(names, names) for names in (tuple(map(one, names, names)) for names in values)]
            elif column in dates:
                columns[column] = [None if day is None else days[day] if day in days else
                                   days.setdefault(day, dt.date.fromisoformat(day)) for day in values]
            else:  # text only: 1 and True are equal keys, and must stay apart
                columns[column] = [one(value, value) if value.__class__ is str else value for value in values]
    return data


def _next_figure_line(version: VersionFile, index: int) -> int:
    """The first line of the figure after figure `index` (pending ones included), or LAST_LINE:
    a problem between the two belongs to figure `index`, one after it never does."""
    assert version.meta is not None
    return version.line_of("figures", index + 1) if index + 1 < len(version.meta.figures) else LAST_LINE


def resolve_link(target: str, series: str) -> str:
    """A see_also target as written → a bulletin id, or a `<series>/<date>` prefix to match.

    `2019-07-05` (same series) and `syria-daily/2019-07-05` give `syria-daily/2019-07-05`;
    a full id `syria-daily/2019-07-05-slug` is returned as it is.
    """
    target = target.strip().strip("/")
    return target if "/" in target else f"{series}/{target}"


def link_index(ids: set[str]) -> dict[str, list[str]]:
    """Bulletin ids by full id and by `<series>/<date>`, for resolving see_also targets."""
    index: dict[str, list[str]] = {}
    for bulletin_id in ids:
        index.setdefault(bulletin_id, []).append(bulletin_id)
        index.setdefault(bulletin_id[: bulletin_id.index("/") + 11], []).append(bulletin_id)
    return index


def find_bulletin(target_id: str, index: dict[str, list[str]]) -> str | None:
    """The one bulletin that `target_id` (an id or a `<series>/<date>`) names, else None."""
    matches = index.get(target_id, [])
    return matches[0] if len(matches) == 1 else None


#: The end of a version's last figure: no problem line reaches it.
LAST_LINE = 2**31 - 1

COLUMNS = {
    "versions": ["bulletin_id", "version", "is_latest", "series", "date", "slug", "title", "revised",
                 "revision_note", "summary", "caption", "image", "illustrative", "places", "actors", "tags",
                 "path", "sha256", "read_as", "body", "body_line"],
    "figures": ["bulletin_id", "version", "is_latest", "figure_index", "bulletin_date", "id", "measure", "group",
                "parent", "value", "qualifier", "low", "high", "text", "kind", "since", "as_of", "place",
                "reported_by", "claimed_by", "illustrative", "path", "line", "end_line"],
    "events": ["bulletin_id", "version", "is_latest", "event_index", "bulletin_date", "date_text", "precision",
               "start", "end", "date_qualifier", "place", "actors", "what", "path", "line"],
    "links": ["bulletin_id", "version", "is_latest", "source_id", "target", "target_id", "line"],
    "sources": ["bulletin_id", "version", "is_latest", "source_index", "title", "publisher", "url", "accessed"],
}


def _frame(table: str, columns: dict[str, list[Any]]) -> pd.DataFrame:
    """A frame of a table's columns but `is_latest` (also when empty) with dates as datetime64."""
    empty = not any(columns.values())  # no rows: every column is of objects, as in a frame of no rows
    frame = pd.DataFrame([] if empty else columns, columns=part_columns(table))
    for column in DATE_COLUMNS.get(table, []) + (["accessed"] if table == "sources" else []):
        frame[column] = pd.to_datetime(frame[column])
    for column in ("value", "low", "high"):
        if column in frame:
            frame[column] = frame[column].astype("float64")
    for column in ("version", "figure_index", "event_index", "source_index", "line", "end_line", "body_line"):
        if column in frame:
            frame[column] = frame[column].astype("int64")
    for column in ("is_latest", "illustrative"):
        if column in frame:
            frame[column] = frame[column].astype(bool)
    return frame


def _bulletins(versions: pd.DataFrame) -> pd.DataFrame:
    """One row per bulletin: the latest version's fields plus version count and last correction."""
    latest = versions[versions["is_latest"]].set_index("bulletin_id")
    counts = versions.groupby("bulletin_id")["version"].count()
    bulletins = latest.drop(columns=["is_latest", "body", "body_line"]).rename(columns={"version": "latest_version"})
    bulletins["n_versions"] = counts.reindex(bulletins.index).astype("int64")
    bulletins["corrected"] = bulletins["n_versions"] > 1
    bulletins["last_revised"] = bulletins["revised"]
    bulletins = bulletins.drop(columns=["revised"])
    bulletins["year"] = bulletins["date"].dt.year.astype("int64")
    bulletins["month"] = bulletins["date"].dt.month.astype("int64")
    bulletins["url"] = pd.Series([bulletin_url(i, d) for i, d in zip(bulletins.index.tolist(), bulletins["date"].tolist())],
                                 index=bulletins.index, dtype=object)
    return bulletins.sort_values(["series", "date", "slug"])


def bulletin_url(bulletin_id: str, date: pd.Timestamp) -> str:
    """The permanent URL path of a bulletin: `<series>/<year>/<date>-<slug>/`."""
    series, name = bulletin_id.split("/", 1)
    return f"{series}/{date.year:04d}/{name}/"


def _gazetteer_frame(gazetteer: Gazetteer) -> pd.DataFrame:
    """A gazetteer as a frame indexed by canonical name."""
    frame = pd.DataFrame([e.model_dump() for e in gazetteer.entries],
                         columns=["name", "aliases", "parent", "kind", "description"])
    frame["aliases"] = frame["aliases"].map(tuple)
    return frame.set_index("name")
