"""One whole site per build folder: a build of other sources than the last one builds clean, then swaps in."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..build.stage import write_if_changed

#: What the folder was last built from: {"archive": path, "docs": path, "outputs": [builder folders]}.
RECORD = ".dailyarchive-build.json"
#: Folders of a build's own making beside the outputs (staged sources, doctrees).
WORK_FOLDERS = ("src", "doctrees", "stage", "work")
NEXT_PREFIX = ".dailyarchive-next-"
OLD_PREFIX = ".dailyarchive-old-"


def sources_of(archive: Path, docs: Path) -> dict[str, str]:
    """The archive and docs project a build reads, as absolute paths (what the record compares)."""
    return {"archive": str(archive.resolve()), "docs": str(docs.resolve())}


def read_record(out: Path) -> dict[str, object]:
    """The sources and outputs of the folder's last finished build; empty when unknown."""
    try:
        record = json.loads((out / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def _write_record(out: Path, sources: dict[str, str], outputs: list[str]) -> None:
    write_if_changed(out / RECORD, json.dumps({**sources, "outputs": sorted(set(outputs))}, indent=1) + "\n")


def remove_leftovers(out: Path) -> None:
    """Delete the staging and discarded folders a killed build left behind (the caller holds the lock)."""
    for entry in out.iterdir():
        if entry.name.startswith((NEXT_PREFIX, OLD_PREFIX)) and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)


def _move_into(folder: Path, names: list[str], discard: Path) -> None:
    """Rename each existing `folder/name` into `discard` (a rename: the old file set goes at once)."""
    for name in names:
        if os.path.lexists(folder / name):
            os.replace(folder / name, discard / name)


@contextmanager
def one_site(out: Path, builder: str, archive: Path, docs: Path) -> Iterator[Path]:
    """Yield the folder Sphinx should write `builder`'s output to, so that `out/<builder>` is always one whole site.

    When `out` was last built from the same archive and docs, that is `out/<builder>` itself (an
    incremental build). Otherwise the previous work folders are discarded, the site is built
    into a fresh folder beside it, and on success swapped in with two renames (a reader sees the
    old site, then for an instant none, then the new one: never a mix); every other output of
    the old sources goes too. If the block raises, the old site stays and the next build is clean.
    The caller holds `out`'s lock.
    """
    remove_leftovers(out)
    sources = sources_of(archive, docs)
    record = read_record(out)
    previous = [name for name in record.get("outputs", []) if isinstance(name, str) and name.isalnum()]
    if record and {k: record.get(k) for k in sources} == sources:
        yield out / builder
        _write_record(out, sources, [*previous, builder])
        return
    (out / RECORD).unlink(missing_ok=True)  # unknown until a build finishes: a failed one leaves the next clean
    discard = Path(tempfile.mkdtemp(prefix=OLD_PREFIX, dir=out))
    staging = Path(tempfile.mkdtemp(prefix=NEXT_PREFIX, dir=out))
    try:
        _move_into(out, list(WORK_FOLDERS), discard)
        yield staging / builder
        _move_into(out, sorted({*previous, builder}), discard)
        os.replace(staging / builder, out / builder)
        _write_record(out, sources, [builder])
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(discard, ignore_errors=True)
