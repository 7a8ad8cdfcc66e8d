"""Read an archive volume by volume into its catalog and problems, keeping what each volume gave in the cache.

A volume (the files of `<series>/<year>/`) whose files have the names, sizes and times they had when it was
last read, in an archive whose YAML files and date are unchanged, is not read again: its share of the catalog's
tables (as columns), its problems and its summaries for the rules across files come back from `cache/volumes/`.
Only a changed volume is read, parsed and checked (on the build's local workers when several are: a first
build, or a new toolkit); the catalog and the rules across files then join every volume's share.
The result equals `build_catalog(load_archive(root))` and `check` of the same archive (`tests/test_reading.py`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

from ..catalog.catalog import (Catalog, Resolver, TableColumns, catalog_from_columns, restored_columns,
                               table_columns, version_rows)
from ..catalog.rules import (Reread, Summary, archive_inputs, archive_problems, ordered, summarize,
                             summary_from_record, summary_record, version_problems)
from ..model.errors import Problem
from ..model.collector import collector_paused
from ..model.load import LoadedArchive, load_archive, load_version, version_files, volume_of
from ..model.memo import digest_of_record
from .stage import FileMemo, loads_json
from .volumes import code_digest


@dataclass
class Reading:
    """An archive read: its catalog, every problem (loading and `check`), and how many volumes it has and
    how many were read again (the others came from the cache)."""

    catalog: Catalog
    problems: list[Problem]
    volumes_read: int = 0
    volumes: int = 0
    #: Each volume's digest of what it was read from (its files' and folders' stamps, the YAML files, the date):
    #: what is made from a volume's rows alone can be kept under it (`stager.chronology_records`).
    digests: dict[str, str] = field(default_factory=dict)


@dataclass
class VolumeShare:
    """What one volume gives the archive: its valid versions' share of the tables (as columns), its files' own
    problems (loading and `rules.version_problems`), and the summaries the rules across files read."""

    columns: TableColumns
    problems: list[Problem]
    summaries: list[Summary]


def read_archive(root: Path, cache: Path | None = None, today: dt.date | None = None,
                 readers: Executor | None = None) -> Reading:
    """The catalog and problems of the archive at `root`, reading again only the volumes whose files changed
    since they were kept in `cache/volumes/` (every volume without a cache). `readers` (worker processes that
    see the archive's folder) read the volumes when several are to be read."""
    today = today or dt.date.today()
    base = load_archive(root, versions=False)
    stamps: dict[str, list[Any]] = {}
    paths = version_files(base.root, base.problems, stamps)
    memo = FileMemo(cache / "volumes", code_digest()) if cache is not None else None
    shared = archive_inputs(base, today)
    shares: dict[str, VolumeShare | None] = {}
    digests: dict[str, str] = {}
    folders = folders_by_volume(base.root, stamps)
    with collector_paused(freeze=True):
        unread: dict[str, list[str]] = {}
        kept: dict[str, object] = {}
        by_volume = volume_files(base.root, paths)
        for volume, files in by_volume.items():
            digest = digests[volume] = digest_of_record([shared, [[p, stamps.get(os.path.dirname(p))] for p in files],
                                                         folders.get(volume, [])])
            record = memo.recall(volume, digest) if memo is not None else None
            shares[volume] = None
            if record is None:
                unread[volume] = files
            else:
                kept[volume] = record
        reading = read_volumes(unread, base, today, readers, keep=memo is not None)  # the workers start on them now
        for volume, record in kept.items():  # while the workers read, the kept volumes are restored here
            shares[volume] = share_from_record(record)
        again = {volume: by_volume[volume] for volume in kept if shares[volume] is None}  # another shape: read again
        for volume, share, record in chain(reading, read_volumes(again, base, today, None, keep=memo is not None)):
            shares[volume] = share
            if memo is not None:  # kept as JSON, read back in the same shape (tests/test_reading.py)
                memo.keep_encoded(volume, digests[volume], record)
    volumes = [share for share in shares.values() if share is not None]  # every one, kept or read
    catalog = catalog_from_columns(base.root, base.series, base.gazetteers, [share.columns for share in volumes])
    summaries = [summary for share in volumes for summary in share.summaries]
    problems = [*base.problems, *(p for share in volumes for p in share.problems)]
    problems.extend(archive_problems(summaries, base.root, Reread(base.root)))  # the few files they name, read again
    return Reading(catalog, ordered(problems), volumes_read=len(unread),
                   volumes=len(volumes), digests=digests)


#: How many volumes the workers read ahead of the one the reading waits for: their records wait in memory.
READ_AHEAD = 4


def read_volumes(unread: dict[str, list[str]], base: LoadedArchive, today: dt.date, readers: Executor | None,
                 keep: bool) -> Iterator[tuple[str, VolumeShare, str]]:
    """Each volume of `unread` read (its name, share and, when `keep`, the share's record), in that order. With
    `readers`, the workers read them, a few ahead (the first from the call on, so that the caller can work
    meanwhile), and send their records (a share is sent as the JSON it is kept in); a volume whose worker failed
    is read here."""
    names = list(unread)
    if readers is None:
        return _read_here(unread, base, today, keep)
    pending = {name: _submitted(readers, unread[name], base, today) for name in names[:READ_AHEAD]}
    return _read_by(readers, unread, pending, base, today)


def _read_here(unread: dict[str, list[str]], base: LoadedArchive, today: dt.date,
               keep: bool) -> Iterator[tuple[str, VolumeShare, str]]:
    for name, paths in unread.items():
        share = read_volume(paths, base, today)  # its parsed files are dropped here: memory holds one
        yield name, share, share_record(share) if keep else ""


def _read_by(readers: Executor, unread: dict[str, list[str]], pending: dict[str, Future[str] | None],
             base: LoadedArchive, today: dt.date) -> Iterator[tuple[str, VolumeShare, str]]:
    names = list(unread)
    for position, name in enumerate(names):
        for ahead in names[position:position + READ_AHEAD]:
            if ahead not in pending:
                pending[ahead] = _submitted(readers, unread[ahead], base, today)
        record = _received(pending.pop(name))
        if record is None:  # no worker took it, or its worker died: the same reading here succeeds or raises
            record = volume_record(unread[name], base, today)
        share = share_from_record(loads_json(record))
        if share is None:
            raise ValueError(f"the record of the volume {name} does not read back")  # a toolkit's own fault
        yield name, share, record


def _submitted(readers: Executor, paths: list[str], base: LoadedArchive, today: dt.date) -> Future[str] | None:
    try:
        return readers.submit(volume_record, paths, base, today)
    except RuntimeError:  # a pool that broke or shut down (BrokenProcessPool is one): read here
        return None


def _received(future: Future[str] | None) -> str | None:
    try:
        return future.result() if future is not None else None
    except Exception:  # a worker that died, a pool that broke
        return None


@collector_paused()
def volume_record(paths: list[str], base: LoadedArchive, today: dt.date) -> str:
    """`read_volume`, as the record it is kept in (`share_record`): what a worker sends back."""
    return share_record(read_volume(paths, base, today))


def volume_files(root: Path, paths: list[str]) -> dict[str, list[str]]:
    """The version files by volume (`volume_of`)."""
    volumes: dict[str, list[str]] = {}
    for path in paths:
        volumes.setdefault(volume_of(root, path), []).append(path)
    return volumes


def folders_by_volume(root: Path, stamps: dict[str, list[Any]]) -> dict[str, list[list[Any]]]:
    """Each volume's folders (`<series>/<year>`, its bulletins' and any below them) with their stamps, in path
    order: what a volume's pages may show besides its version files (photos, and the images its bodies show)."""
    prefix = f"{root}{os.sep}"
    found: dict[str, list[list[Any]]] = {}
    for folder, stamp in stamps.items():
        parts = folder[len(prefix):].split(os.sep, 2) if folder.startswith(prefix) else []
        if len(parts) >= 2:
            found.setdefault(f"{parts[0]}/{parts[1]}", []).append([folder, stamp])
    return {volume: sorted(entries) for volume, entries in found.items()}


def read_volume(paths: list[str], base: LoadedArchive, today: dt.date) -> VolumeShare:
    """Read, parse and check the version files of one volume: its share."""
    problems: list[Problem] = []
    versions = [v for v in (load_version(Path(path), base.root, problems) for path in paths) if v is not None]
    volume = LoadedArchive(base.root, base.series, base.gazetteers, versions, problems)
    names = Resolver(base.gazetteers)
    own: dict[Path, list[Problem]] = {}
    for version in volume.valid_versions():
        own[version.path] = list(version_problems(version, volume, today))
        problems.extend(own[version.path])
    summaries = [summarize(v, base.gazetteers["places"], own.get(v.path)) for v in versions]
    rows = [version_rows(v, names) for v in volume.valid_versions()]
    return VolumeShare(table_columns(rows), problems, summaries)


def share_record(share: VolumeShare) -> str:
    """A volume's share as JSON text (dates as ISO text; `share_from_record` reads it back)."""
    return json.dumps({"columns": share.columns, "summaries": [summary_record(s) for s in share.summaries],
                       "problems": [[str(p.path), p.line, p.level, p.rule, p.message] for p in share.problems]},
                      default=_iso, ensure_ascii=False)


def share_from_record(record: object) -> VolumeShare | None:
    """The share `share_record` made, or None when `record` is not one."""
    try:
        data: Any = record
        return VolumeShare(restored_columns(data["columns"]),
                           [Problem(Path(path), line, level, rule, message)
                            for path, line, level, rule, message in data["problems"]],
                           [summary_from_record(s) for s in data["summaries"]])
    except (TypeError, ValueError, KeyError, AttributeError):
        return None  # another shape: read the volume again


def _iso(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot keep {type(value).__name__} in the volume cache")
