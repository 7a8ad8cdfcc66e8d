"""One writer at a time: an advisory lock on a folder (`fcntl.flock`), released by the kernel when its process dies."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shlex
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from ..model.errors import DailyArchiveError, _printable

#: The lock file inside a locked folder; a dot-file, so loading, sealing and building skip it.
LOCK_NAME = ".dailyarchive.lock"
POLL_SECONDS = 0.1

_held: dict[Path, int] = {}  # locks this process holds (folder → depth), so a nested `hold` does not wait on itself
_held_guard = threading.Lock()


class LockHeld(DailyArchiveError):
    """Another process holds the folder's lock and did not let go within the wait."""

    def __init__(self, folder: Path, purpose: str, holder: dict[str, object], waited: float) -> None:
        self.folder = folder
        self.purpose = purpose
        self.holder = holder
        self.waited = waited
        super().__init__(_printable(
            f"{folder} is in use by {describe_holder(holder)}; this {purpose} waited {waited:g} s and wrote "
            "nothing. Wait for that command to finish, then run this one again (if its process is gone, the lock "
            "is free already and the next run takes it)"))


def describe_holder(holder: dict[str, object]) -> str:
    """`another build (pid 123 on host, since 2026-12-01 23:15:02 UTC: invoke build)`, from the lock file's details."""
    if not holder:
        return "another command (its details are not written yet)"
    parts = [f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}"]
    if holder.get("since"):
        parts.append(f"since {holder['since']}")
    text = f"another {holder.get('purpose') or 'command'} ({', '.join(parts)}"
    if holder.get("command"):
        text += f": {holder['command']}"
    return text + ")"


def read_holder(folder: Path) -> dict[str, object]:
    """The details the current holder wrote into the lock file; empty when there are none or they are unreadable."""
    try:
        with open(folder / LOCK_NAME, encoding="utf-8", errors="replace") as stream:
            details = json.loads(stream.read(4096) or "{}")
    except (OSError, ValueError):
        return {}
    return details if isinstance(details, dict) else {}


def _holder_details(purpose: str) -> dict[str, object]:
    """Who this process is, for a waiting command's message."""
    return {"pid": os.getpid(), "host": socket.gethostname(), "purpose": purpose,
            "command": shlex.join([Path(sys.argv[0]).name, *sys.argv[1:]]) if sys.argv and sys.argv[0] else "",
            "since": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")}


def _open_lock_file(folder: Path) -> int:
    """Open (or create) the lock file without following a symbolic link; OSError when the folder cannot take it."""
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    return os.open(folder / LOCK_NAME, flags, 0o644)


def _try_lock(handle: int) -> bool:
    """Take the lock if it is free; False when another open file holds it."""
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True


def _write_details(handle: int, details: dict[str, object]) -> None:
    """Replace the lock file's content with this holder's details (a dead holder's are overwritten)."""
    os.ftruncate(handle, 0)
    os.pwrite(handle, (json.dumps(details, ensure_ascii=False) + "\n").encode("utf-8"), 0)


@contextmanager
def hold(folder: Path, purpose: str, wait: float = 10.0) -> Iterator[None]:
    """Hold `folder`'s lock for the block; wait up to `wait` seconds for another holder, then raise `LockHeld`.

    `purpose` names the command ("build", "seal") in the message another command shows. The lock
    file `<folder>/.dailyarchive.lock` stays (empty) after release: deleting it would let two
    processes lock two different files. A nested `hold` of the same folder in this process does not wait.
    Raises OSError when the folder does not exist or cannot take the lock file (read-only, full).
    """
    folder = Path(folder)
    key = folder.resolve()
    with _held_guard:
        if key in _held:
            _held[key] += 1
            nested = True
        else:
            nested = False
    if nested:
        try:
            yield
        finally:
            with _held_guard:
                _held[key] -= 1
        return
    handle = _open_lock_file(folder)
    try:
        deadline = time.monotonic() + wait
        while not _try_lock(handle):
            if time.monotonic() >= deadline:
                raise LockHeld(folder, purpose, read_holder(folder), wait)
            time.sleep(POLL_SECONDS)
        with _held_guard:
            _held[key] = 1
        try:
            _write_details(handle, _holder_details(purpose))
            yield
        finally:
            with _held_guard:
                del _held[key]
            try:
                os.ftruncate(handle, 0)
            except OSError:
                pass  # the details go stale; the next holder overwrites them
    finally:
        os.close(handle)  # closing releases the flock
