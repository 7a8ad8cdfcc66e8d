"""The download tables → their files: a CSV of each table and one SQLite database, made again only where rows changed.

Each table of `data.data_tables` is cut into runs of rows that share its key, the first column of its primary key
(a bulletin's rows; a series' points). A run's digest covers every cell of it (pandas' `hash_pandas_object`).
Given the runs of the files the last build wrote into the same folder, a run whose digest is unchanged keeps its
CSV lines, copied from the last file, and its rows in a copy of the last database; only the other runs are made
again. The files are streamed to disk, never held whole. The database is finished by `VACUUM INTO`, whose bytes
depend on the rows and the schema alone (its tables are `WITHOUT ROWID`, stored in key order), so files made this
way equal files made from nothing, byte for byte.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from ..build.stage import write_all, written_by
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


def download_files(catalog: Catalog, points: pd.DataFrame, excluded: pd.DataFrame) -> dict[str, bytes]:
    """`<table>.csv` for every table and `archive.sqlite`, by file name."""
    return table_files(data_tables(catalog, points, excluded))


def sqlite_bytes(tables: dict[str, pd.DataFrame]) -> bytes:
    """The tables as one SQLite database, with primary and foreign keys, as the bytes of its file."""
    return table_files(tables)[DATABASE]


def table_files(tables: dict[str, pd.DataFrame]) -> dict[str, bytes]:
    """The files of `write_table_files`, made from nothing, as bytes by file name (for a build without a cache)."""
    with tempfile.TemporaryDirectory(prefix="dailyarchive-downloads-") as folder:
        write_table_files(tables, Path(folder))
        return {name: (Path(folder) / name).read_bytes() for name in file_names(TABLES)}


def file_names(tables: Iterable[str]) -> list[str]:
    """The names of the files of the download `tables`: a CSV each, then the database."""
    return [*(f"{name}.csv" for name in tables), DATABASE]


def write_table_files(tables: dict[str, pd.DataFrame], folder: Path,
                      last: dict[str, Runs] | None = None) -> tuple[set[str], dict[str, Runs]]:
    """Write `<table>.csv` for every table of `data_tables` and `archive.sqlite` into `folder`; the names of the
    files written (the others hold what they held) and each table's `Runs`, the next build's `last`.

    With `last`, the runs of the files `folder` holds now, the runs whose digests are unchanged are copied from
    those files and kept in that database, not made again; when a table's schema changed or its file is not what
    its runs say, everything is made. The files go to disk as they are made, never whole in memory (80 MB at
    10,000 bulletins), and each replaces the last one whole (written beside it, then renamed)."""
    plans = {name: TablePlan.of(name, tables[name]) for name in TABLES}
    kept = {name: plan.kept(last.get(name), folder / f"{name}.csv") for name, plan in plans.items()} if last else {}
    if not all(stored is not None for stored in kept.values()) or not (folder / DATABASE).is_file():
        kept = {}
    written: set[str] = set()
    runs: dict[str, Runs] = {}
    with _database_copy(folder / DATABASE, whole=not kept) as connection:
        for name, plan in plans.items():
            changed, runs[name] = plan.written(connection, kept.get(name), folder / f"{name}.csv")
            if changed:
                written.add(f"{name}.csv")
        if written:
            finish_database(connection, folder / DATABASE)
            written.add(DATABASE)
    return written, runs


@contextmanager
def _database_copy(database: Path, whole: bool) -> Iterator[sqlite3.Connection]:
    """A connection to a working copy of `database` beside it (an empty database when `whole`: its tables are all
    made again), removed afterwards. It is written without a journal or syncs: it is never the file read."""
    database.parent.mkdir(parents=True, exist_ok=True)
    handle, work = tempfile.mkstemp(prefix=f".{database.name}.", suffix=".work", dir=database.parent)
    os.close(handle)
    connection = None
    try:
        if not whole:
            shutil.copyfile(database, work)
        connection = sqlite3.connect(work)
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        yield connection
    finally:
        if connection is not None:
            connection.close()
        os.unlink(work)


def finish_database(connection: sqlite3.Connection, database: Path) -> None:
    """Check the foreign keys of `connection`'s database, and write it, vacuumed, as `database` (through a
    temporary file beside it, `stage.written_by`). `VACUUM INTO` makes the same pages for the same rows, whatever
    was deleted before; `settled_header` does the same for the header."""
    connection.commit()
    broken = connection.execute("PRAGMA foreign_key_check").fetchall()  # once, not at every row
    if broken:
        raise ValueError(f"the data downloads break their foreign keys: {broken[:3]}")
    written_by(str(database), lambda _, temporary: _vacuumed_into(connection, temporary))


def _vacuumed_into(connection: sqlite3.Connection, path: str) -> None:
    """Write `connection`'s database, vacuumed, into the empty file `path`, its header settled."""
    connection.execute("VACUUM INTO ?", (path,))
    with open(path, "r+b") as stream:
        header = settled_header(stream.read(100))
        stream.seek(0)
        stream.write(header)


def settled_header(header: bytes) -> bytes:
    """A database's header (its first 100 bytes) with the fields that count its past writes set as in a database
    written once: the change counter and the number it is valid for (1), the schema cookie (1) and the SQLite
    version that wrote it (https://www.sqlite.org/fileformat.html, 1.3). The rest of a vacuumed file depends on
    its rows alone."""
    major, minor, patch = sqlite3.sqlite_version_info
    settled = bytearray(header[:100])
    settled[24:28] = settled[40:44] = settled[92:96] = (1).to_bytes(4, "big")
    settled[96:100] = (major * 1_000_000 + minor * 1_000 + patch).to_bytes(4, "big")
    return bytes(settled)


#: Where a kept run's CSV lines are in the last file: its digest, first byte and length.
StoredRun = tuple[str, int, int]


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

    def kept(self, runs: Runs | None, csv_file: Path) -> dict[str, StoredRun] | None:
        """Where each of `runs` is in `csv_file`, the file they describe, by key; None when they cannot be used
        (another schema, or a file not the length its runs say or with another header)."""
        if not self.schema or runs is None or runs.schema != self.schema:
            return None
        header = csv_header(self.frame)
        try:
            with open(csv_file, "rb") as stream:
                if os.fstat(stream.fileno()).st_size != len(header) + sum(runs.lengths) or \
                        stream.read(len(header)) != header:
                    return None
        except OSError:
            return None
        stored, at = {}, len(header)
        for key, digest, length in zip(runs.keys, runs.digests, runs.lengths):
            stored[key] = (digest, at, length)
            at += length
        return stored

    def written(self, connection: sqlite3.Connection, stored: dict[str, StoredRun] | None,
                csv_file: Path) -> tuple[bool, Runs]:
        """Write the table's CSV file unless it holds it already (True when written), and its runs; its rows in
        `connection`, which holds those of `stored` (the runs `csv_file` holds now), made to match. Without
        `stored`, the table is created there and all its rows made."""
        whole = stored is None
        if stored is None:
            connection.execute(self.create)
            stored = {}
        remade = [cut for cut, digest in zip(self.cuts, self.digests) if stored.get(cut[0], ("",))[0] != digest]
        keys = [key for key, _, _ in self.cuts]
        stale = set(stored).difference(keys) | {key for key, _, _ in remade if key in stored}
        texts = _remade_rows(connection, self.name, self.frame, remade, stale)
        runs = Runs(self.schema, keys, self.digests,
                    [len(texts[key]) if key in texts else stored[key][2] for key in keys])
        if not whole and not remade and not stale and keys == list(stored):
            return False, runs
        pieces = [texts[key] if key in texts else stored[key][1:] for key in keys]
        with open(csv_file, "rb") if stored else contextlib.nullcontext() as last:
            written_by(str(csv_file), lambda handle, _: _write_pieces(handle, [csv_header(self.frame), *pieces], last))
        return True, runs


def _write_pieces(handle: int, pieces: list[bytes | tuple[int, int]], last: BinaryIO | None) -> None:
    """Write `pieces` to the open file `handle`: bytes, or the (first byte, length) of a range of `last`; ranges
    that follow one another in `last` are copied at once, by the kernel where it can."""
    span = (0, 0)  # the range of `last` still to copy: first byte, end
    for piece in pieces:
        if isinstance(piece, tuple):
            first, length = piece
            if span[1] > span[0] and span[1] == first:
                span = (span[0], first + length)
                continue
            _copy_range(last, handle, *span)
            span = (first, first + length)
        else:
            _copy_range(last, handle, *span)
            span = (0, 0)
            write_all(handle, piece)
    _copy_range(last, handle, *span)


def _copy_range(source: BinaryIO | None, handle: int, start: int, end: int) -> None:
    """Append bytes `start` to `end` of `source` to the open file `handle`."""
    if source is None or end <= start:
        return
    with contextlib.suppress(OSError, AttributeError):  # not on every system and file system: read and write then
        while start < end:
            copied = os.copy_file_range(source.fileno(), handle, end - start, start)
            if not copied:
                break
            start += copied
    source.seek(start)
    while start < end:
        chunk = source.read(min(end - start, 1 << 20))
        if not chunk:
            raise OSError(f"{source.name}: shorter than its runs say")
        write_all(handle, chunk)
        start += len(chunk)


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
