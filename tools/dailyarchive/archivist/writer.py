"""Atomic writes into the archive: a new bulletin folder appears whole or not at all, a new version
file too; nothing existing is ever overwritten; temporary names start with a dot, so `check` skips them."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .refused import BulletinExists

#: Temporary names start with this (load skips names starting with "."), end with TEMP_SUFFIX.
TEMP_PREFIX = ".incoming-"
TEMP_SUFFIX = ".tmp"


def write_bulletin_folder(folder: Path, files: dict[str, str | bytes]) -> Path:
    """Create `folder` holding `files` (name → content) in one rename; refuse when it exists."""
    if folder.exists():
        raise BulletinExists(f"{folder} already exists: a bulletin is never overwritten (use `invoke revise`)")
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f"{TEMP_PREFIX}{folder.name}.", suffix=TEMP_SUFFIX))
    try:
        os.chmod(staging, 0o755)
        for name, content in files.items():
            _write_synced(staging / name, content)
        if folder.exists():  # another writer without the lock got there first
            raise BulletinExists(f"{folder} already exists: a bulletin is never overwritten")
        os.rename(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _sync_folder(folder.parent)
    return folder


def write_new_file(path: Path, content: str | bytes) -> Path:
    """Write `path` whole through a temporary file in its folder; refuse when it exists."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f"{TEMP_PREFIX}{path.name}.", suffix=TEMP_SUFFIX)
    os.close(handle)
    try:
        _write_synced(Path(temporary), content)
        try:
            os.link(temporary, path)  # unlike rename, a link never replaces an existing file
        except FileExistsError:
            raise BulletinExists(f"{path} already exists: it is never overwritten") from None
    finally:
        Path(temporary).unlink(missing_ok=True)
    _sync_folder(path.parent)
    return path


def sweep_leftovers(root: Path) -> list[Path]:
    """Remove temporary files and folders an interrupted command left below `root` (hold the lock)."""
    removed = []
    for leftover in sorted(root.glob(f"*/*/{TEMP_PREFIX}*{TEMP_SUFFIX}")) + sorted(
            root.glob(f"*/*/*/{TEMP_PREFIX}*{TEMP_SUFFIX}")):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
        removed.append(leftover)
    return removed


def _write_synced(path: Path, content: str | bytes) -> None:
    """Write a file and flush it to disk, readable by a web server (0644)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with open(path, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    os.chmod(path, 0o644)


def _sync_folder(folder: Path) -> None:
    """Flush a folder's entries, so a rename survives a power cut."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
