"""The download tables → their files: a CSV of each table and one SQLite database, made again only where rows changed.

Each table of `data.data_tables` is cut into runs of rows that share its key, the first column of its primary key
(a bulletin's rows; a series' points). A run's digest covers every cell of it (pandas' `hash_pandas_object`).
Given what the last build made (`LastFiles`), a run whose digest is unchanged keeps its CSV lines, cut from the
last file, and its rows in the last database; only the other runs are written again. The database is finished
by `VACUUM`, whose bytes depend on the rows and the schema alone (its tables are `WITHOUT ROWID`, stored in key
order), so files made this way equal files made from nothing, byte for byte.
"""

from __future__ import annotations

import csv
import hashlib
import io
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..catalog.catalog import Catalog
from .data import KEYS, TABLES, data_tables

DATABASE = "archive.sqlite"


@dataclass(frozen=True)
class Runs:
    """A table's runs, in order: the key of each, the digest of its cells and the length of its CSV lines (in
    bytes), under the table's `schema` (its `CREATE TABLE` and column types: a change makes it all again)."""

    schema: str
    keys: list[str]
    digests: list[str]
    lengths: list[int]

    def record(self) -> dict[str, object]:
        """As JSON-ready values (`Runs.restored` reads them back)."""
        return {"schema": self.schema, "keys": self.keys, "digests": self.digests, "lengths": self.lengths}

    @staticmethod
    def restored(record: object) -> Runs | None:
        """The runs of `record`, or None when it is not one (`Runs.record`)."""
        if not isinstance(record, dict):
            return None
        try:
            runs = Runs(str(record["schema"]), [str(k) for k in record["keys"]],
                        [str(d) for d in record["digests"]], [int(n) for n in record["lengths"]])
        except (KeyError, TypeError, ValueError):
            return None
        return runs if len(runs.keys) == len(runs.digests) == len(runs.lengths) else None


@dataclass(frozen=True)
class LastFiles:
    """The files the last build made from its tables: the bytes of each CSV and of the database, by file name, and
    each table's `Runs`."""

    texts: dict[str, bytes]
    database: bytes
    runs: dict[str, Runs]


def download_files(catalog: Catalog, points: pd.DataFrame, excluded: pd.DataFrame) -> dict[str, bytes]:
    """`<table>.csv` for every table and `archive.sqlite`, by file name."""
    return table_files(data_tables(catalog, points, excluded))[0]


def sqlite_bytes(tables: dict[str, pd.DataFrame]) -> bytes:
    """The tables as one SQLite database, with primary and foreign keys, as the bytes of its file."""
    return table_files(tables)[0][DATABASE]


def table_files(tables: dict[str, pd.DataFrame],
                last: LastFiles | None = None) -> tuple[dict[str, bytes], dict[str, Runs]]:
    """`<table>.csv` for every table of `data_tables` and `archive.sqlite`, by file name, with each table's `Runs`
    (for the next build's `last`). With `last`, the runs it holds unchanged are cut from its files, not made; when a
    table's schema changed or its text was not kept whole, everything is made."""
    plans = {name: TablePlan.of(name, tables[name]) for name in TABLES}
    kept = {name: plan.kept(last) for name, plan in plans.items()} if last is not None else {}
    files: dict[str, bytes] = {}
    connection = sqlite3.connect(":memory:")
    try:
        if kept and all(stored is not None for stored in kept.values()):
            connection.deserialize(last.database)  # type: ignore[union-attr]
        else:
            kept = {}
            for plan in plans.values():
                connection.execute(plan.create)
        runs: dict[str, Runs] = {}
        for name, plan in plans.items():
            files[f"{name}.csv"], runs[name] = plan.written(connection, kept.get(name) or {})
        connection.commit()
        broken = connection.execute("PRAGMA foreign_key_check").fetchall()  # once, not at every row
        if broken:
            raise ValueError(f"the data downloads break their foreign keys: {broken[:3]}")
        connection.execute("VACUUM")  # the same pages for the same rows, whatever was deleted before
        files[DATABASE] = settled_header(connection.serialize())
        return files, runs
    finally:
        connection.close()


def settled_header(database: bytes) -> bytes:
    """`database` with the header fields that count its past writes set as in a database written once: the change
    counter and the number it is valid for (1), the schema cookie (1) and the SQLite version that wrote it
    (https://www.sqlite.org/fileformat.html, 1.3). The rest of a vacuumed file depends on its rows alone."""
    major, minor, patch = sqlite3.sqlite_version_info
    header = bytearray(database[:100])
    header[24:28] = header[40:44] = header[92:96] = (1).to_bytes(4, "big")
    header[96:100] = (major * 1_000_000 + minor * 1_000 + patch).to_bytes(4, "big")
    return b"".join([header, memoryview(database)[100:]])  # one copy of the file, not two


@dataclass(frozen=True)
class TablePlan:
    """One table's rows cut into runs (key, first position, end) with a digest each, under its `schema`: its
    `CREATE TABLE` (`create`) and column types, or '' when its rows are out of key order (one run, made whole)."""

    name: str
    frame: pd.DataFrame
    create: str
    schema: str
    cuts: list[tuple[str, int, int]]
    digests: list[str]

    @staticmethod
    def of(name: str, frame: pd.DataFrame) -> TablePlan:
        """The plan of table `name` (`frame`, from `data_tables`)."""
        create, cuts = _create(name, frame), _runs(frame, KEYS[name][0][0])
        schema = create + "\n-- " + " ".join(str(dtype) for dtype in frame.dtypes)
        if cuts is None:
            schema, cuts = "", [("", 0, len(frame))] if len(frame) else []
        hashes = row_hashes(frame)
        digests = [hashlib.sha256(hashes[start:end].tobytes()).hexdigest()[:32] for _, start, end in cuts]
        return TablePlan(name, frame, create, schema, cuts, digests)

    def kept(self, last: LastFiles) -> dict[str, tuple[str, memoryview]] | None:
        """The digest and CSV lines of each run `last` holds of this table, by key (cut from its file, not
        copied); None when it cannot be used (another schema, or a file not the length its runs say)."""
        runs, text = last.runs.get(self.name), last.texts.get(f"{self.name}.csv")
        if not self.schema or runs is None or runs.schema != self.schema or text is None:
            return None
        at, whole = len(csv_header(self.frame)), memoryview(text)
        if len(text) != at + sum(runs.lengths):
            return None
        stored = {}
        for key, digest, length in zip(runs.keys, runs.digests, runs.lengths):
            stored[key] = (digest, whole[at:at + length])
            at += length
        return stored

    def written(self, connection: sqlite3.Connection,
                stored: dict[str, tuple[str, memoryview]]) -> tuple[bytes, Runs]:
        """The CSV file of the table and its runs; its rows in `connection` (which holds those of `stored`) made to
        match."""
        remade = [cut for cut, digest in zip(self.cuts, self.digests) if stored.get(cut[0], ("",))[0] != digest]
        keys = [key for key, _, _ in self.cuts]
        stale = set(stored).difference(keys) | {key for key, _, _ in remade if key in stored}
        texts = _remade_rows(connection, self.name, self.frame, remade, stale)
        pieces = [texts.pop(key) if key in texts else stored[key][1] for key in keys]
        return (b"".join([csv_header(self.frame), *pieces]),
                Runs(self.schema, keys, self.digests, [len(piece) for piece in pieces]))


def _runs(frame: pd.DataFrame, column: str) -> list[tuple[str, int, int]] | None:
    """Each run of rows that share `column`'s value: its key, first position and end; None when a key has rows
    in two runs (rows out of key order)."""
    values = frame[column].astype(str).to_numpy()
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]]).tolist() if len(values) else []
    keys = values[starts].tolist() if starts else []
    if len(set(keys)) != len(keys):
        return None
    return list(zip(keys, starts, [*starts[1:], len(values)]))


def row_hashes(frame: pd.DataFrame) -> np.ndarray:
    """A 64-bit hash of each row's cells. Cells that print alike in CSV but differ in type (1, 1.0 and "1" in a
    column of mixed values) hash apart; a missing value is one however it is spelled (None, NaN: an empty cell)."""
    if frame.empty:
        return np.array([], dtype="uint64")
    mixed = [c for c in frame.columns if frame[c].dtype == object
             and pd.api.types.infer_dtype(frame[c], skipna=True) not in ("string", "empty")]
    typed = frame.assign(**{c: [_typed(v) for v in frame[c].tolist()] for c in mixed})
    return pd.util.hash_pandas_object(typed, index=False).to_numpy()


def _typed(value: object) -> str | None:
    """A cell of a column of mixed values as its type and value (`repr`), None when missing."""
    return None if value is None or value is pd.NA or (isinstance(value, float) and value != value) else repr(value)


def _remade_rows(connection: sqlite3.Connection, name: str, frame: pd.DataFrame, runs: list[tuple[str, int, int]],
                 stale: set[str]) -> dict[str, bytes]:
    """Delete the rows of the `stale` keys of table `name` and insert those of `runs`; the CSV lines of each of
    `runs`, by key."""
    column = KEYS[name][0][0]
    connection.executemany(f'DELETE FROM "{name}" WHERE "{column}" = ?', [(key,) for key in sorted(stale)])
    if not runs:
        return {}
    rows = list(plain_rows(frame.iloc[np.concatenate([np.arange(start, end) for _, start, end in runs])]))
    marks = ", ".join("?" for _ in frame.columns)
    connection.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)
    texts, at = {}, 0
    for key, start, end in runs:
        texts[key] = csv_lines(rows[at:at + end - start])
        at += end - start
    return texts


def csv_header(frame: pd.DataFrame) -> bytes:
    """The header line of a table's CSV."""
    return csv_lines([frame.columns.tolist()])


def csv_lines(rows: Iterable[Iterable[object]]) -> bytes:
    """Rows as CSV lines in UTF-8 (empty cells for missing values). The stdlib's writer, as `DataFrame.to_csv`
    uses it, gives the same bytes in two thirds of the time."""
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    return text.getvalue().encode("utf-8")


def plain_rows(frame: pd.DataFrame) -> Iterator[tuple[object, ...]]:
    """The rows of `frame` as tuples of plain Python values (int, float, str, bool), None for a missing one."""
    columns = [frame[name].to_numpy(dtype=object, na_value=None).tolist() if frame[name].hasnans
               else frame[name].tolist() for name in frame.columns]
    return zip(*columns)


def _create(name: str, frame: pd.DataFrame) -> str:
    """`CREATE TABLE` with column types, the primary key and the foreign keys of `name`, stored in key order."""
    columns = [f'"{c}" {_sql_type(frame[c])}' for c in frame.columns]
    primary, foreign = KEYS[name]
    columns.append("PRIMARY KEY (" + ", ".join(f'"{c}"' for c in primary) + ")")
    for mine, table, theirs in foreign:
        columns.append(f"FOREIGN KEY ({', '.join(mine)}) REFERENCES \"{table}\" ({', '.join(theirs)})")
    return f'CREATE TABLE "{name}" (\n  ' + ",\n  ".join(columns) + "\n) WITHOUT ROWID"


def _sql_type(values: pd.Series) -> str:
    if pd.api.types.is_integer_dtype(values):
        return "INTEGER"
    if pd.api.types.is_float_dtype(values):
        return "REAL"
    return "TEXT"
