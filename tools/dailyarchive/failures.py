"""Failures a command should explain, not trace: the package's named errors, and full disks, read-only or unreadable files."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator

from .model.errors import ArchiveInvalid, DailyArchiveError, _printable

#: What an errno means to an archivist, and what to do about it.
ADVICE: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("no space left on the disk", "free some space (or write to another disk), then run the command again"),
    errno.EFBIG: ("the file grew past the largest size allowed (a full disk, a quota or a size limit)",
                  "free space or raise the limit, then run the command again"),
    errno.EDQUOT: ("the disk quota is used up", "free space or ask for a larger quota, then run the command again"),
    errno.EROFS: ("the file system is read-only",
                  "write to a writable folder (for a build, choose another --out) or remount it read-write"),
    errno.EACCES: ("permission denied", "fix the permissions of the file or its folder, or run as a user who may use it"),
    errno.EPERM: ("the operation is not permitted", "fix the permissions of the file or its folder"),
    errno.ENOTDIR: ("a part of the path is a file, not a folder", "choose a path whose every parent is a folder"),
    errno.EISDIR: ("it is a folder where a file is expected", "remove or rename that folder, or choose another path"),
    errno.ENOENT: ("no such file or folder", "check the path"),
    errno.ELOOP: ("too many symbolic links (a loop?)", "replace the link by the file or folder itself"),
    errno.ENAMETOOLONG: ("the name is too long", "use a shorter path"),
    errno.EMFILE: ("too many files are open", "raise the limit (ulimit -n), then run the command again"),
    errno.ENFILE: ("too many files are open on this machine", "close other programs, then run the command again"),
    errno.EIO: ("the disk failed to read or write", "check the disk (or the network share), then run the command again"),
}


def explain(exc: BaseException) -> tuple[str, int] | None:
    """(message, exit status) for a failure a command should report in words; None for a bug (let it trace).

    Looks through wrappers (`raise ... from exc`, Sphinx's `ExtensionError.orig_exc`) for the
    package's own errors and the system's `OSError`s. An archive with errors exits 1, anything
    else 2 (the command could not do what was asked).
    """
    for cause in causes(exc):
        if isinstance(cause, DailyArchiveError):
            return _printable(str(cause)), 1 if isinstance(cause, ArchiveInvalid) else 2
        if isinstance(cause, OSError) and cause.errno is not None:
            return describe_os_error(cause), 2
    return None


def causes(exc: BaseException) -> Iterator[BaseException]:
    """`exc`, then what it explicitly wraps, outermost first (each once)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        wrapped = getattr(current, "orig_exc", None)
        current = wrapped if isinstance(wrapped, BaseException) else current.__cause__


def describe_os_error(exc: OSError) -> str:
    """`PATH: what happened (the system's words): what to do`, for an OSError from reading or writing a file."""
    what, advice = ADVICE.get(exc.errno or 0, ("the file could not be used", "check the path and run the command again"))
    system = exc.strerror or os.strerror(exc.errno or 0)
    if exc.filename is None:
        place = "a file could not be read or written"
    else:
        place = os.fsdecode(exc.filename)
        if exc.filename2 is not None:
            place += f" -> {os.fsdecode(exc.filename2)}"
    return _printable(f"{place}: {what} ({system}): {advice}")
