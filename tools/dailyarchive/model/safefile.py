"""Read an archive file safely: a regular file inside the archive, with a size cap, as checked text.

A record is the bytes in the archive's own folders, so every symbolic link is refused (one inside
the archive gives two paths to one sealed file; one outside publishes a file of the machine). A FIFO
or a device is refused before it is opened; the file is opened without following links and without
blocking, checked again on the open descriptor (the path may change in between), and read up to the
cap plus one byte, so a file that grows while it is read cannot take the memory.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from .errors import Problem

#: A file larger than this is refused (a daily bulletin is a few KB).
MAX_FILE_BYTES = 8 * 1024 * 1024
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
#: Control characters (tab and newline aside; a CR only before a newline), and the bidi overrides that
#: show characters in another order than they are stored (U+202D, U+202E): refused in every file.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202d\u202e]|\r(?!\n)")
#: In YAML (front matter, series.yml, gazetteers) every bidi embedding, override and isolate is refused:
#: fields are short texts that the pages already isolate one by one.
_CONTROL_IN_YAML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|\r(?!\n)")
#: The same without the lone CR: one character class, which the regex engine scans fast.
_QUICK = {False: re.compile(_CONTROL.pattern.split("|")[0]), True: re.compile(_CONTROL_IN_YAML.pattern.split("|")[0])}
#: Printable ASCII, tab, CR and newline: deleting them from an ASCII text leaves its control characters.
_PLAIN_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n\r"
_NAMES = {"\x00": "a NUL character", "\r": "a carriage return not followed by a newline",
          "\x1b": "an escape character", "\x7f": "a delete character"}
_KINDS = [(stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")]


def read_text(path: Path, problems: list[Problem], limit: int = MAX_FILE_BYTES) -> tuple[str, bytes] | None:
    """The file's text (without a byte-order mark) and its exact bytes, or None after reporting why
    it cannot be used: a link, not a regular file, over `limit` bytes, not UTF-8."""
    raw = read_bytes(path, problems, limit)
    if raw is None:
        return None
    try:
        return raw.decode("utf-8-sig"), raw
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(Problem(path, line, "error", "file-unreadable",
                                f"byte {exc.start} is not UTF-8: save the file as UTF-8"))
        return None


def read_bytes(path: Path, problems: list[Problem], limit: int = MAX_FILE_BYTES) -> bytes | None:
    """At most `limit` bytes of a regular file that is no symbolic link, or None after reporting why not."""
    try:
        refusal = _refusal(os.lstat(path), limit)
        if refusal:
            problems.append(Problem(path, 1, "error", *refusal))
            return None
        fd = os.open(path, _OPEN_FLAGS)
        try:
            refusal = _refusal(os.fstat(fd), limit)  # the path may have been swapped since lstat
            if refusal:
                problems.append(Problem(path, 1, "error", *refusal))
                return None
            raw = _read_up_to(fd, os.fstat(fd).st_size, limit + 1)
        finally:
            os.close(fd)
    except OSError as exc:
        problems.append(Problem(path, 1, "error", "file-unreadable",
                                f"cannot read the file ({exc.strerror or exc}): fix the link or permissions"))
        return None
    if len(raw) > limit:
        problems.append(Problem(path, 1, "error", "file-too-large", _too_large(len(raw), limit, grew=True)))
        return None
    return raw


def _refusal(info: os.stat_result, limit: int) -> tuple[str, str] | None:
    """(rule, message) when a file of this kind or size must not be read, else None."""
    if stat.S_ISLNK(info.st_mode):
        return ("file-unreadable", "a symbolic link is not read (a record keeps its own bytes): "
                                   "replace the link with the file itself")
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a regular file")
        return ("file-unreadable", f"this is {kind}, not a file: replace it with a regular file")
    if info.st_size > limit:
        return ("file-too-large", _too_large(info.st_size, limit))
    return None


def _too_large(size: int, limit: int, grew: bool = False) -> str:
    """The message of a file over the limit."""
    found = "it grew while being read, past" if grew else f"{size / 2**20:.1f} MiB is over"
    return f"{found} the {limit // 2**20} MiB limit: move tables or images into files beside the bulletin"


def _read_up_to(fd: int, size: int, count: int) -> bytes:
    """Read until end of file or `count` bytes; `size` is the file's size when opened (one read
    returns it all unless the file grew)."""
    first = os.read(fd, min(size + 1, count))
    if len(first) <= size:  # a short read of a regular file: its end
        return first
    chunks: list[bytes] = [first]
    left = count - len(first)
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def control_character(path: Path, text: str, first_line: int = 1, yaml: bool = False) -> Problem | None:
    """The first control character of `text` (tab, newline and CRLF aside) as a problem at its line, with
    how many more there are; in YAML also every bidi formatting character. None when there is none."""
    if not _suspect(text, yaml):
        return None
    pattern = _CONTROL_IN_YAML if yaml else _CONTROL
    found = pattern.search(text)
    if found is None:
        return None
    char = found[0][0]
    line = text.count("\n", 0, found.start()) + first_line
    column = found.start() - text.rfind("\n", 0, found.start())
    others = len(pattern.findall(text, found.end()))
    more = f" ({others} more after it)" if others else ""
    name = _NAMES.get(char) or ("a bidi formatting character" if "\u202a" <= char <= "\u2069" else "a control character")
    fix = ("remove it; the pages already keep right-to-left text apart" if "\u202a" <= char <= "\u2069"
           else "remove it (an editor can show it; often it came from a copy and paste or a bad conversion)")
    return Problem(path, line, "error", "control-character",
                   f"column {column}: {name} (U+{ord(char):04X}) is not allowed{more}: {fix}")


def _suspect(text: str, yaml: bool) -> bool:
    """False when the text surely has no refused character (the quick tests of nearly every file)."""
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        return True
    if text.isascii():
        return bool(text.encode("ascii").translate(None, _PLAIN_ASCII))
    return _QUICK[yaml].search(text) is not None
