"""Seal every file of a published bulletin (versions, photos, data) into MANIFEST-sha256.txt, append-only and
hash-chained by SEAL-LOG.txt, and verify that nothing sealed changed; the manifest reads as `sha256sum -c` reads it."""

from __future__ import annotations

import hashlib
import os
import posixpath
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import seallog
from ..model.errors import ArchiveNotFound, DailyArchiveError, Problem, has_errors
from ..build.locks import hold
from ..model.safefile import read_bytes
from .seallog import LOG, Seal
from .sha256sum import Entry, format_line, parse, split_lines

MANIFEST = "MANIFEST-sha256.txt"
CHUNK = 1 << 20
#: The manifest and the log are read whole up to this size (50,000 sealed files take about 7 MB).
MAX_LIST_BYTES = 256 * 1024 * 1024
#: A bulletin's files sit at <series>/<year>/<date>-<slug>/... : at least this many path parts.
BULLETIN_FILE_DEPTH = 4


class SealRefused(DailyArchiveError):
    """Sealing refused, nothing written: something sealed changed, or a file to seal cannot be read."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) stop the seal (listed above); nothing was written")


#: The name older callers know; the same exception.
PublishedFileAltered = SealRefused


class SealNotWritten(DailyArchiveError):
    """The manifest or the seal log could not be written (full disk, read-only folder); both are as they were."""

    def __init__(self, path: Path, error: OSError) -> None:
        self.path = path
        super().__init__(f"cannot write {path}: {error.strerror or error}; the manifest and the seal log are "
                         "unchanged, nothing was sealed. Free space or make the folder writable, then seal again")


class Unreadable(DailyArchiveError):
    """A file to hash is not a regular file inside the archive, or reading it failed."""


@dataclass(frozen=True)
class SealResult:
    """What `seal` did: files newly sealed, the manifest's path, and the log's head after it."""

    added: list[str]
    manifest: Path
    head: str | None


@dataclass(frozen=True)
class Sealed:
    """What the archive's manifest and seal log say, read once."""

    root: Path
    data: bytes | None
    entries: list[Entry]
    seals: list[Seal]
    problems: list[Problem]

    @property
    def names(self) -> set[str]:
        """The normalized relative names the manifest seals."""
        return {posixpath.normpath(entry.name) for entry in self.entries}

    @property
    def head(self) -> str | None:
        """The SHA-256 of the log's last line: what copies of the archive are compared by."""
        return self.seals[-1].digest if self.seals else None


def bulletin_files(root: Path) -> list[Path]:
    """Every file of every bulletin folder (versions, photos, data files), sorted; dot-files, `~` backups and
    `.tmp` files are not part of a bulletin."""
    found: list[Path] = []
    for series in sorted(root.iterdir()) if root.is_dir() else []:
        if not series.is_dir() or series.is_symlink() or series.name.startswith((".", "_")):
            continue
        for folder, dirs, files in os.walk(series):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            base = Path(folder)
            for name in sorted(files):
                path = base / name
                if _is_bulletin_file(path.relative_to(root)):
                    found.append(path)
    return sorted(found, key=lambda path: path.relative_to(root).as_posix())


def _is_bulletin_file(relative: Path) -> bool:
    name = relative.name
    return (len(relative.parts) >= BULLETIN_FILE_DEPTH and not name.startswith(".")
            and not name.endswith(("~", ".tmp")))


def file_sha256(root: Path, path: Path, folders: dict[str, str] | None = None) -> str:
    """The SHA-256 of a regular file inside the archive, as hex; `Unreadable` says why not.

    `folders` caches real paths (pass one dict for many files of one archive).
    """
    folders = {} if folders is None else folders
    inside = _real_path(os.path.abspath(root), folders)
    real = _real_path(os.path.abspath(path), folders)
    if real != inside and not real.startswith(inside.rstrip(os.sep) + os.sep):
        raise Unreadable("it leads outside the archive (a symbolic link)")
    try:
        handle = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise Unreadable(exc.strerror or str(exc)) from None
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise Unreadable("it is not a regular file (a folder, FIFO or device)")
        digest = hashlib.sha256()
        while chunk := os.read(handle, CHUNK):
            digest.update(chunk)
        return digest.hexdigest()
    except OSError as exc:
        raise Unreadable(exc.strerror or str(exc)) from None
    finally:
        os.close(handle)


def _real_path(path: str, cache: dict[str, str]) -> str:
    """`path` (absolute) with every symbolic link resolved; each folder is looked at once (one `lstat`)."""
    if path in cache:
        return cache[path]
    parent, name = os.path.split(path)
    try:
        if not name or parent == path:
            real = path
        elif os.path.islink(path):
            real = os.path.realpath(path, strict=True)
        else:
            real = os.path.join(_real_path(parent, cache), name)
    except FileNotFoundError:
        raise Unreadable("it is a symbolic link to nothing") from None
    except OSError as exc:
        raise Unreadable(exc.strerror or str(exc)) from None
    cache[path] = real
    return real


def read_sealed(root: Path) -> Sealed:
    """The manifest and the log of the archive, with what is wrong with them (malformed lines, a broken
    chain, sealed lines removed or changed, an emptied or deleted manifest)."""
    manifest, log = root / MANIFEST, root / LOG
    problems: list[Problem] = []
    data = _read_optional(manifest, problems)
    log_data = _read_optional(log, problems)
    seals, broken = seallog.parse_log(log, log_data) if log_data is not None else ([], [])
    problems += broken
    if data is not None or not os.path.lexists(manifest):  # an unreadable one is reported already
        problems += seallog.manifest_problems(manifest, data, log, seals)
    entries, malformed = parse(data) if data is not None else ([], [])
    for bad in malformed:
        problems.append(Problem(manifest, bad.line, "error", "fixity-manifest-malformed",
                                f"`sha256sum -c` cannot read this line: {bad.reason}. Restore it from a copy; "
                                "a manifest line reads `SHA256  path/relative/to/the/archive`"))
    if log_data is None and entries and not os.path.lexists(log):
        problems.append(Problem(manifest, 1, "warning", "fixity-log-missing",
                                f"there is no {LOG}, so removed or changed manifest lines cannot be told: "
                                f"if it was deleted, restore it from a copy; else `invoke seal` starts it"))
    elif seals and data is not None and len(split_lines(data)) > seals[-1].lines:
        problems.append(Problem(manifest, seals[-1].lines + 1, "warning", "fixity-log-missing",
                                f"lines from here on are not in {LOG} yet: `invoke seal` records them"))
    return Sealed(root, data, entries, seals, problems)


def _read_optional(path: Path, problems: list[Problem]) -> bytes | None:
    """The bytes of the manifest or the log, or None when it does not exist; one that is a link, a FIFO, a
    device, a folder or larger than the cap is a problem (and None), never read."""
    if not os.path.lexists(path):
        return None
    return read_bytes(path, problems, MAX_LIST_BYTES)


def sealed_problems(root: Path) -> list[Problem]:
    """What `check` and the build report: the manifest and log's problems, and every sealed file whose bytes
    changed or that is gone (only sealed files are read: nothing else of the archive is hashed)."""
    sealed = read_sealed(root)
    return sealed.problems + entry_problems(sealed)


def entry_problems(sealed: Sealed) -> list[Problem]:
    """Each manifest line checked as `sha256sum -c` checks it: the named file must exist and hash to its digest."""
    root, manifest = sealed.root, sealed.root / MANIFEST
    problems: list[Problem] = []
    hashes: dict[str, str | Unreadable] = {}
    folders: dict[str, str] = {}
    for entry in sealed.entries:
        name = posixpath.normpath(entry.name)
        if posixpath.isabs(name) or name == ".." or name.startswith("../"):
            problems.append(Problem(manifest, entry.line, "error", "fixity-manifest-malformed",
                                    f"this line names {entry.name!r}, outside the archive: a manifest names files "
                                    "inside it, relative to its folder; restore the line from a copy"))
            continue
        path = root / name
        if name not in hashes:
            try:
                hashes[name] = file_sha256(root, path, folders) if os.path.lexists(path) else Unreadable("")
            except Unreadable as exc:
                hashes[name] = exc
        found = hashes[name]
        if isinstance(found, Unreadable) and not str(found):
            problems.append(Problem(manifest, entry.line, "error", "fixity-missing",
                                    f"sealed file {name} is gone: restore it (a published file is never deleted)"))
        elif isinstance(found, Unreadable):
            problems.append(Problem(path, 1, "error", "file-unreadable",
                                    f"sealed at {MANIFEST}:{entry.line} but cannot be read: {found}. Restore the "
                                    "file as it was sealed"))
        elif found != entry.digest:
            problems.append(Problem(path, 1, "error", "fixity-altered",
                                    f"{name} changed after it was sealed ({MANIFEST}:{entry.line}): a published file "
                                    "is final. Restore it from version control or a copy; `invoke revise` (a new "
                                    "version vN+1.md, sealed in its turn) is the one way to change a published "
                                    "bulletin"))
    return problems


def verify(root: Path, against: Path | None = None) -> list[Problem]:
    """Prove that nothing sealed changed: the log's chain, the manifest against the log, every sealed file
    against the manifest (errors); bulletin files not sealed yet are warnings. With `against`, also compare
    with a copy of the manifest or of the log kept elsewhere."""
    require_archive(root)
    sealed = read_sealed(root)
    problems = sealed.problems + entry_problems(sealed)
    names = sealed.names
    for path in bulletin_files(root):
        relative = path.relative_to(root).as_posix()
        if relative not in names:
            problems.append(Problem(path, 1, "warning", "fixity-unsealed",
                                    f"not yet in {MANIFEST}: run `invoke seal` once it is published"))
    if against is not None:
        problems += compare_with_copy(sealed, against)
    return sorted(problems, key=lambda p: (str(p.path), p.line, p.rule, p.message))


def require_archive(root: Path) -> None:
    """Raise `ArchiveNotFound` unless `root` is a folder holding series.yml."""
    if not (root / "series.yml").is_file():
        raise ArchiveNotFound(f"{root} is not an archive (no series.yml there): give the archive folder with --archive")


def compare_with_copy(sealed: Sealed, copy: Path) -> list[Problem]:
    """Problems of the archive's manifest or log against `copy`, a copy of either kept elsewhere."""
    try:
        copied = copy.read_bytes()
    except OSError as exc:
        return [Problem(copy, 1, "error", "file-unreadable",
                        f"cannot read the copy to compare with ({exc.strerror or exc}): give the path of a copy "
                        f"of {MANIFEST} or {LOG}")]
    if seallog.is_log(copied):
        theirs, broken = seallog.parse_log(copy, copied)
        return broken + seallog.compare_logs(sealed.root / LOG, sealed.seals, copy, theirs)
    return seallog.compare_manifests(sealed.root / MANIFEST, sealed.data or b"", copy, copied)


def seal(root: Path, wait: float = 10.0) -> SealResult:
    """Append every unsealed bulletin file to the manifest and record the seal in the log, holding the archive's
    lock (waiting up to `wait` seconds for another command, then `locks.LockHeld`); refuse (`SealRefused`,
    nothing written) when anything sealed changed or a file cannot be read."""
    require_archive(root)
    try:
        with hold(root, "seal", wait):
            return _seal_locked(root)
    except OSError as exc:  # the lock file, or listing the folders: a read-only, full or unreadable archive
        raise SealNotWritten(Path(exc.filename) if exc.filename else root, exc) from None


def _seal_locked(root: Path) -> SealResult:
    sealed = read_sealed(root)
    problems = [p for p in sealed.problems + entry_problems(sealed) if p.level == "error"]
    if has_errors(problems):
        raise SealRefused(problems)
    names = sealed.names
    lines: list[bytes] = []
    added: list[str] = []
    folders: dict[str, str] = {}
    for path in bulletin_files(root):
        relative = path.relative_to(root).as_posix()
        if relative in names:
            continue
        try:
            lines.append(format_line(file_sha256(root, path, folders), relative))
        except Unreadable as exc:
            problems.append(Problem(path, 1, "error", "file-unreadable",
                                    f"cannot seal it: {exc}. Make it a readable file of the bulletin, or remove it"))
        added.append(relative)
    if problems:
        raise SealRefused(problems)
    before = sealed.data or b""
    manifest = before + (b"\n" if before and not before.endswith(b"\n") else b"") + b"".join(lines)
    if sealed.seals and sealed.seals[-1].lines == len(split_lines(manifest)) and not lines:
        return SealResult([], root / MANIFEST, sealed.head)
    record = seallog.next_seal(sealed.seals, manifest)
    log_path = root / LOG
    log = seallog.log_bytes(_read_optional(log_path, []), record)
    _replace_both(root / MANIFEST, manifest, log_path, log)
    return SealResult(added, root / MANIFEST, record.digest)


def _replace_both(first: Path, first_data: bytes, second: Path, second_data: bytes) -> None:
    """Write both files through temporary files in their folder, renamed into place only once both are written."""
    temporaries: list[tuple[str, Path]] = []
    try:
        for path, data in ((first, first_data), (second, second_data)):
            temporaries.append((_write_temporary(path, data), path))
        for temporary, path in temporaries:
            os.replace(temporary, path)
    except OSError as exc:
        raise SealNotWritten(path, exc) from None
    finally:
        for temporary, _ in temporaries:
            Path(temporary).unlink(missing_ok=True)


def _write_temporary(path: Path, data: bytes) -> str:
    """A synced temporary copy of `data` beside `path`; removed again when writing it fails."""
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise SealNotWritten(path, exc) from None
    try:
        os.fchmod(handle, 0o644)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise SealNotWritten(path, exc) from None
    return temporary


def head_text(root: Path) -> str | None:
    """One sentence for the site: the seal log's head, how many seals and files, and when the last seal was."""
    sealed = read_sealed(root)
    if not sealed.seals:
        return None
    last = sealed.seals[-1]
    return (f"Seal log head `{last.digest}`: {len(sealed.seals)} seal(s), {len(sealed.entries)} sealed file(s), "
            f"the last seal at {last.time.replace('T', ' ').replace('Z', ' UTC')}.")
