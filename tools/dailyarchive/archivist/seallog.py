"""The seal log beside the manifest: one hash-chained line per seal, so removed or changed manifest lines show."""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..model.errors import Problem
from .sha256sum import split_lines

LOG = "SEAL-LOG.txt"
GENESIS = "0" * 64
HEADER = (b"# Seal log of MANIFEST-sha256.txt, written by `invoke seal` and never edited: one line per seal, with its\n"
          b"# time, how many manifest lines were sealed, the SHA-256 of those lines, and the SHA-256 of the log line\n"
          b"# before it. The SHA-256 of the last line is the head that copies of the archive are compared by.\n")
RECORD = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) lines=(\d+) manifest=([0-9a-f]{64}) prev=([0-9a-f]{64})")


@dataclass(frozen=True)
class Seal:
    """One line of the log: at `time`, the first `lines` lines of the manifest hashed to `manifest`."""

    line: int
    time: str
    lines: int
    manifest: str
    prev: str

    @property
    def text(self) -> str:
        """The line as the log holds it (without its newline)."""
        return f"{self.time} lines={self.lines} manifest={self.manifest} prev={self.prev}"

    @property
    def digest(self) -> str:
        """The SHA-256 of the line: the next line's `prev`, and the log's head when it is the last."""
        return hashlib.sha256(self.text.encode("ascii")).hexdigest()


def prefix_digest(data: bytes, lines: int) -> str | None:
    """The SHA-256 of the first `lines` lines of a manifest, or None when it has fewer."""
    found = split_lines(data)
    if len(found) < lines:
        return None
    return hashlib.sha256(b"".join(found[:lines])).hexdigest()


def next_seal(seals: list[Seal], manifest: bytes, now: datetime | None = None) -> Seal:
    """The line that seals the whole of `manifest` after `seals`."""
    time = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = len(split_lines(manifest))
    return Seal(len(seals) + 1, time, lines, prefix_digest(manifest, lines) or "", seals[-1].digest if seals else GENESIS)


def log_bytes(log: bytes | None, seal: Seal) -> bytes:
    """The log with `seal` appended (a new log starts with its header)."""
    before = log if log else HEADER
    if not before.endswith(b"\n"):
        before += b"\n"
    return before + seal.text.encode("ascii") + b"\n"


def parse_log(path: Path, data: bytes) -> tuple[list[Seal], list[Problem]]:
    """The seals of a log and the breaks of its chain: a malformed line, a `prev` that is not the line before,
    or fewer sealed lines than an earlier seal (the manifest only grows)."""
    seals: list[Seal] = []
    problems: list[Problem] = []
    for number, raw in enumerate(split_lines(data), start=1):
        text = raw.rstrip(b"\n").decode("ascii", errors="replace")
        if text.startswith("#") or not text:
            continue
        match = RECORD.fullmatch(text)
        if match is None:
            problems.append(_broken(path, number, "this line is not `TIME lines=N manifest=SHA256 prev=SHA256`"))
            continue
        seal = Seal(number, match[1], int(match[2]), match[3], match[4])
        expected = seals[-1].digest if seals else GENESIS
        if seal.prev != expected:
            problems.append(_broken(path, number, f"`prev` should be {expected}, the SHA-256 of the seal line before "
                                                  "it: a seal line was removed, changed or inserted"))
        if seals and seal.lines < seals[-1].lines:
            problems.append(_broken(path, number, f"seals {seal.lines} manifest lines, fewer than the "
                                                  f"{seals[-1].lines} of line {seals[-1].line}: the manifest only grows"))
        seals.append(seal)
    return seals, problems


def _broken(path: Path, line: int, what: str) -> Problem:
    return Problem(path, line, "error", "fixity-log-broken",
                   f"the seal log's chain breaks: {what}. Restore {LOG} from a copy (`invoke verify --against COPY` "
                   "compares), never edit it by hand")


def manifest_problems(manifest: Path, data: bytes | None, log: Path, seals: list[Seal]) -> list[Problem]:
    """Sealed manifest lines that were removed or changed since the seals of the log (a deleted or emptied
    manifest included): the first seal whose lines no longer hash to what it recorded."""
    if not seals or seals[-1].lines == 0:
        return []
    last = seals[-1]
    if data is None:
        return [Problem(log, last.line, "error", "fixity-manifest-missing",
                        f"{manifest.name} is gone, yet the seal of {last.time} recorded {last.lines} sealed lines: "
                        "restore it from a copy or from version control, then run `invoke verify`")]
    if not data:
        return [Problem(manifest, 1, "error", "fixity-manifest-changed",
                        f"the manifest is empty, yet the seal of {last.time} ({log.name}:{last.line}) recorded "
                        f"{last.lines} sealed lines: restore it from a copy or from version control")]
    lines = split_lines(data)
    have = len(lines)
    start = 1
    running = hashlib.sha256()  # one pass over the manifest, whatever the number of seals
    for seal in seals:
        running.update(b"".join(lines[start - 1:seal.lines]))
        if have < seal.lines or running.copy().hexdigest() != seal.manifest:
            if have < seal.lines:
                where = f"it has {have} lines, {seal.lines} were sealed: sealed lines were removed"
            else:
                where = "a sealed line was changed, removed or inserted"
            return [Problem(manifest, min(start, max(have, 1)), "error", "fixity-manifest-changed",
                            f"lines {start}-{seal.lines} no longer match the seal of {seal.time} ({log.name}:{seal.line}): "
                            f"{where}. The manifest is append-only: restore it from a copy or from version control "
                            "(`invoke verify --against COPY` names the line)")]
        start = seal.lines + 1
    return []


def compare_logs(log: Path, seals: list[Seal], copy: Path, copied: list[Seal]) -> list[Problem]:
    """The archive's log against a copy kept elsewhere: the copy must be where the log started (the log only grows)."""
    problems: list[Problem] = []
    for ours, theirs in zip(seals, copied):
        if ours.text != theirs.text:
            problems.append(Problem(log, ours.line, "error", "fixity-copy-differs",
                                    f"this seal differs from {copy}:{theirs.line} (`{theirs.text}`): the log was "
                                    "rewritten; restore it from the copy"))
            return problems
    if len(copied) > len(seals):
        missing = copied[len(seals)]
        line = seals[-1].line if seals else 1
        problems.append(Problem(log, line, "error", "fixity-copy-differs",
                                f"the copy {copy} holds {len(copied) - len(seals)} seal(s) more, from "
                                f"{copy.name}:{missing.line} ({missing.time}): the log and its manifest were cut "
                                "back; restore both from the copy"))
    return problems


def compare_manifests(manifest: Path, data: bytes, copy: Path, copied: bytes) -> list[Problem]:
    """The manifest against a copy kept elsewhere: every line of the copy must still be here, in place."""
    ours = [line.rstrip(b"\n") for line in split_lines(data)]
    theirs = [line.rstrip(b"\n") for line in split_lines(copied)]
    problems: list[Problem] = []
    matcher = difflib.SequenceMatcher(None, theirs, ours, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "insert" and i1 == len(theirs)):
            continue
        here = min(j1 + 1, max(len(ours), 1))
        shown = theirs[i1].decode("utf-8", errors="replace") if i1 < len(theirs) else ""
        what = {"delete": f"line {i1 + 1} of the copy (`{shown}`) was removed here",
                "replace": f"line {i1 + 1} of the copy (`{shown}`) was changed here",
                "insert": "a line was inserted among sealed lines"}[tag]
        problems.append(Problem(manifest, here, "error", "fixity-copy-differs",
                                f"{what} (copy: {copy}); the manifest is append-only: restore the line from the copy"))
    return problems


def is_log(data: bytes) -> bool:
    """True when `data` reads as a seal log (its first line that is not a comment is a seal)."""
    for raw in split_lines(data):
        text = raw.rstrip(b"\n")
        if text and not text.startswith(b"#"):
            return RECORD.fullmatch(text.decode("ascii", errors="replace")) is not None
    return data.startswith(HEADER[:20])
