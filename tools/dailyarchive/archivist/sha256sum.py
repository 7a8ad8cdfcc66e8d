"""Read and write checksum lists exactly as GNU `sha256sum -c` (coreutils 9) reads them: comments, blank lines,
the `*` binary marker, `\\`-escaped names, BSD `SHA256 (name) = digest` tags and one-space lines."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

DIGEST = re.compile(rb"[0-9a-fA-F]{64}")
WHITE = b" \t"
TAG = b"SHA256"
#: The shortest untagged line: a digest, one blank and a one-character name.
MIN_LINE = 64 + 1 + 1
#: The line sha256sum writes (no leading blank or backslash): read directly, the same as the full grammar does.
USUAL = re.compile(rb"([0-9a-fA-F]{64}) [ *](.+)", re.DOTALL)


@dataclass(frozen=True)
class Entry:
    """One checksum line: the file `name` (as given, relative to the list's folder) must hash to `digest`."""

    line: int
    digest: str
    name: str


@dataclass(frozen=True)
class Malformed:
    """A line sha256sum reports as improperly formatted (or that this reader refuses), with why."""

    line: int
    reason: str


def split_lines(data: bytes) -> list[bytes]:
    """The lines of a checksum list, each with its newline (the last one may lack it), as getline(3) reads them."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
        return [line + b"\n" for line in lines]
    return [line + b"\n" for line in lines[:-1]] + lines[-1:]


def parse(data: bytes) -> tuple[list[Entry], list[Malformed]]:
    """Every checksum line of `data` and every malformed one, line by line as `sha256sum -c` reads them.

    Stricter in one way only: a NUL byte (sha256sum would cut the name at it) or a name that is not
    valid in this file system's encoding makes a line malformed instead of naming another file.
    """
    entries: list[Entry] = []
    malformed: list[Malformed] = []
    reversed_format: bool | None = None  # sha256sum refuses to mix one-space lines with the usual ones
    for number, raw in enumerate(split_lines(data), start=1):
        if raw.startswith(b"#"):
            continue
        line = raw[:-1] if raw.endswith(b"\n") else raw
        line = line[:-1] if line.endswith(b"\r") else line
        if not line:
            continue
        if b"\0" in line:
            malformed.append(Malformed(number, "it holds a NUL byte"))
            continue
        usual = USUAL.fullmatch(line) if reversed_format is not True else None
        if usual:
            parsed, reversed_format = (usual[1], usual[2]), False
        else:
            parsed, reversed_format = _split(line, reversed_format)
        if isinstance(parsed, str):
            malformed.append(Malformed(number, parsed))
            continue
        digest, name = parsed
        if name == b"-":
            malformed.append(Malformed(number, "the name `-` means standard input to sha256sum"))
            continue
        entries.append(Entry(number, digest.decode("ascii").lower(), os.fsdecode(name)))
    return entries, malformed


def _split(line: bytes, reversed_format: bool | None) -> tuple[tuple[bytes, bytes] | str, bool | None]:
    """(digest, name), or why the line is malformed; and whether the list uses the one-space form."""
    i = len(line) - len(line.lstrip(WHITE))
    escaped = line[i:i + 1] == b"\\"
    i += escaped
    if line.startswith(TAG, i):
        j = i + len(TAG)
        j += line[j:j + 1] == b" "
        if line[j:j + 1] == b"(":
            return _split_tagged(line[j + 1:], escaped), reversed_format
    if len(line) - i < MIN_LINE + (line[i:i + 1] == b"\\"):
        return "it is too short for a SHA-256 digest and a name", reversed_format
    end = i
    while end < len(line) and line[end] not in WHITE:
        end += 1
    if end == len(line):
        return "no blank follows the digest", reversed_format
    digest = line[i:end]
    if not DIGEST.fullmatch(digest):
        return "the digest is not 64 hexadecimal digits", reversed_format
    i = end + 1
    if len(line) - i == 1 or line[i] not in b" *":
        if reversed_format is False:
            return "one blank before the name after lines with two (sha256sum refuses the mix)", reversed_format
        reversed_format = True
    elif reversed_format is not True:
        reversed_format = False
        i += 1
    name = _unescape(line[i:]) if escaped else line[i:]
    if name is None:
        return "the escaped name has a `\\` not followed by `\\`, `n` or `r`", reversed_format
    return (digest, name), reversed_format


def _split_tagged(rest: bytes, escaped: bool) -> tuple[bytes, bytes] | str:
    """`name) = digest` of a BSD tagged line (the name ends at the last `)`)."""
    close = rest.rfind(b")")
    if close < 0:
        return "a `SHA256 (` tag without its `)`"
    name = _unescape(rest[:close]) if escaped else rest[:close]
    if name is None:
        return "the escaped name has a `\\` not followed by `\\`, `n` or `r`"
    after = rest[close + 1:].lstrip(WHITE)
    if not after.startswith(b"="):
        return "no `=` after the tagged name"
    digest = after[1:].lstrip(WHITE)
    if not DIGEST.fullmatch(digest):
        return "the digest is not 64 hexadecimal digits"
    return digest, name


def _unescape(name: bytes) -> bytes | None:
    """A name with `\\\\`, `\\n` and `\\r` decoded, or None when another character follows a backslash."""
    out = bytearray()
    i = 0
    while i < len(name):
        if name[i:i + 1] == b"\\":
            following = name[i + 1:i + 2]
            if following not in (b"\\", b"n", b"r"):
                return None
            out += {b"\\": b"\\", b"n": b"\n", b"r": b"\r"}[following]
            i += 2
        else:
            out.append(name[i])
            i += 1
    return bytes(out)


def format_line(digest: str, name: str) -> bytes:
    """The line `sha256sum` writes for `name` (escaped with a leading `\\` when it holds `\\`, a newline or a CR)."""
    raw = os.fsencode(name)
    if any(c in raw for c in b"\\\n\r"):
        escaped = raw.replace(b"\\", b"\\\\").replace(b"\n", b"\\n").replace(b"\r", b"\\r")
        return b"\\" + digest.encode("ascii") + b"  " + escaped + b"\n"
    return digest.encode("ascii") + b"  " + raw + b"\n"
