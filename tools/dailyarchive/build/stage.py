"""Write generated files into a folder only when their content changed, remove stale ones, and keep
generated texts by the digest of their inputs (`FileMemo`).

A staged file's content is text, bytes, or `Kept`: a text a memo holds in a file of the cache,
whose sha256 is known, so that an unchanged file is staged, hashed and compared without being read.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import orjson

from ..model.memo import Kept, sorted_json

Content = str | bytes | Kept
#: The folder of a memo that holds its texts, one file each (`FileMemo.keep_texts`).
TEXTS = "texts"


def content_bytes(content: Content) -> bytes:
    """The bytes of a staged file (a `Kept` text is read from the cache)."""
    if isinstance(content, Kept):
        return content.read()
    return content.encode("utf-8") if isinstance(content, str) else content


def content_digest(content: Content) -> str:
    """The sha256 of a staged file's bytes (a `Kept` text's is known without reading it)."""
    return content.sha256 if isinstance(content, Kept) else hashlib.sha256(content_bytes(content)).hexdigest()


def write_if_changed(path: Path, content: str | bytes) -> bool:
    """Write `content` atomically unless the file already holds it; True when written.

    Any OSError (full disk, read-only folder, a file where a folder should be) names `path`, and
    no temporary file stays behind.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        return _write_if_changed(path, data)
    except OSError as exc:
        exc.filename, exc.filename2 = str(path), None  # the file meant, not the temporary one
        raise


def _write_if_changed(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    written_through(str(path), data)
    return True


#: How a temporary file is opened: created here, never through a link another process put there.
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) | \
    getattr(os, "O_BINARY", 0)
#: Numbers the temporary files of this process (with its id, their names are its own).
_TEMPORARIES = itertools.count()


def written_through(path: str, data: bytes) -> os.stat_result:
    """Write `data` to the file `path` through a temporary file beside it, renamed over it once written (its
    folder made when missing); the written file's status. A build writes tens of thousands of files, so this costs
    no more than it must: the folder is made only when the file cannot be created, and the status is read from the
    open file. Raises OSError (about `path`) with no temporary file left behind."""
    return written_by(path, lambda handle, _: write_all(handle, data))


def written_by(path: str, write: Callable[[int, str], object]) -> os.stat_result:
    """The file `path` made by `write(handle, temporary)`, which writes into the open, empty temporary file beside
    it (`handle`, or its path `temporary`, for a writer that opens it by name), renamed over `path` as
    `written_through` does; `path` is left as it was when `write` raises."""
    try:
        return _written_by(path, write)
    except OSError as exc:
        exc.filename, exc.filename2 = path, None  # the file meant, not the temporary one
        raise


def write_all(handle: int, data: bytes | memoryview) -> None:
    """Write all of `data` to the open file `handle`."""
    with memoryview(data) as view:
        while view:
            view = view[os.write(handle, view):]


def _written_by(path: str, write: Callable[[int, str], object]) -> os.stat_result:
    try:
        handle, temporary = _temporary_beside(path)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        handle, temporary = _temporary_beside(path)
    try:
        try:
            os.fchmod(handle, 0o644)  # published files must be readable by a web server, whatever the umask
            write(handle, temporary)
            info = os.fstat(handle)
        finally:
            os.close(handle)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return info


def _temporary_beside(path: str) -> tuple[int, str]:
    """A new file `.<name>.<process>.<n>.tmp` in the folder of `path`, open for writing, and its path."""
    folder, name = os.path.split(path)
    while True:
        temporary = os.path.join(folder, f".{name}.{os.getpid()}.{next(_TEMPORARIES)}.tmp")
        try:
            return os.open(temporary, _NEW_FILE, 0o644), temporary
        except FileExistsError:  # left by a process of the same id that was stopped: take the next number
            continue


def sync_files(folder: Path, files: dict[str, Content], manifest: str) -> tuple[int, int]:
    """Make `folder` hold `files` (relative path → content); delete files staged before but not now.

    The list of staged paths is kept in `manifest` (relative to `folder`), so files
    that were never staged (hand-written pages) are never deleted. Returns (written, removed).
    """
    written = write_all_if_changed(folder, files, folder / f"{manifest}.sums")
    return written, remove_stale(folder, list(files), folder / manifest)


def write_all_if_changed(folder: Path, files: dict[str, Content], ledger: Path) -> int:
    """`write_if_changed` for each of `files` (path under `folder` → content); the number written.

    `ledger` records what each file was last written with (see `LedgeredWriter`).
    """
    writer = LedgeredWriter(folder, ledger)
    writer.write(files)
    return writer.close()


class LedgeredWriter:
    """Files written into `folder` in one or more parts, as they are made, with one `ledger` for them all.

    The ledger records what each file was last written with (sha256, size, time): a file whose size and
    time are as recorded and whose new content has the recorded digest is not read back. A file changed
    by anything else has another time, so it is compared and rewritten. `close` writes the ledger.
    """

    def __init__(self, folder: Path, ledger: Path) -> None:
        self.ledger, self.known = ledger, _read_ledger(ledger)
        self.record: dict[str, list[object]] = {}
        self.written = 0
        self.root = f"{folder}{os.sep}"  # paths as text: a Path a file costs more than its stat (40,000 at 10,000)

    def write(self, files: dict[str, Content]) -> None:
        """Write those of `files` (path under the folder → content) that changed."""
        known, record, root = self.known, self.record, self.root
        for relative, content in files.items():
            data = None if isinstance(content, Kept) else content_bytes(content)  # encoded once; a Kept read if written
            digest = content_digest(content) if data is None else hashlib.sha256(data).hexdigest()
            path = root + relative  # staged paths are relative (`os.path.join` would cost as much as the stat)
            info = _stat(path)
            if info is None:  # a new file: nothing to compare
                info = written_through(path, content_bytes(content) if data is None else data)
                self.written += 1
            elif not _as_recorded(info, known.get(relative), digest):
                self.written += write_if_changed(Path(path), content_bytes(content) if data is None else data)
                info = os.stat(path)
            record[relative] = [digest, info.st_size, info.st_mtime_ns]

    def close(self) -> int:
        """Write the ledger (when it changed); the number of files written."""
        if self.record != self.known:
            write_if_changed(self.ledger, sorted_json(self.record))
        return self.written


def _read_ledger(ledger: Path) -> dict[str, list[object]]:
    try:
        found = read_json(ledger)
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def read_json(path: Path) -> object:
    """The JSON file at `path` as Python values, read by orjson: the memos' files are read on every build, and
    orjson reads them several times faster than the json module. What orjson refuses and the json module writes
    (NaN, integers beyond 64 bits) is read by the json module, to the same values. ValueError when it is not JSON."""
    return loads_json(path.read_bytes())


def loads_json(data: bytes | str) -> object:
    """JSON text as Python values, as `read_json` reads a file: by orjson, or the json module where orjson
    refuses what the json module writes. ValueError when it is not JSON."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _as_recorded(info: os.stat_result, recorded: object, digest: str) -> bool:
    """True when the file of `info` is still the one the ledger recorded with `digest`."""
    return (isinstance(recorded, list) and len(recorded) == 3 and recorded[0] == digest
            and [info.st_size, info.st_mtime_ns] == recorded[1:])


def unused_texts(cache: Path, used: set[str]) -> list[str]:
    """The files of the memos' texts (`cache/<memo>/texts/`) that are not among `used` (paths as text): the texts
    of replaced pages, which would pile up for ever. A build lists them while its workers build (a scan of every
    text, 0.4 s at 10,000 bulletins), and removes them once it has succeeded (`remove_files`)."""
    return [entry.path for folder in cache.glob(f"*/{TEXTS}/*") for entry in os.scandir(folder)
            if entry.is_file(follow_symlinks=False) and entry.path not in used]


def remove_files(paths: Iterable[str]) -> int:
    """Delete the files `paths` (those already gone are skipped); the number deleted."""
    removed = 0
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
            removed += 1
    return removed


def kept_files(files: Iterable[Content]) -> set[str]:
    """The memo files among staged contents (`Kept`)."""
    return {content.path for content in files if isinstance(content, Kept)}


def remove_stale(folder: Path, paths: list[str], manifest: Path) -> int:
    """Delete the files of `folder` listed in `manifest` but not in `paths`; then record `paths`."""
    before = set(manifest.read_text(encoding="utf-8").splitlines()) if manifest.is_file() else set()
    removed = 0
    for stale in sorted(before - set(paths)):
        path = folder / stale
        if path.is_file():
            path.unlink()
            removed += 1
    write_if_changed(manifest, "".join(f"{p}\n" for p in sorted(paths)))
    return removed


class FileMemo:
    """Values made from known inputs, kept by key under the digest of those inputs: one JSON file a key.

    `salt` (the toolkit's own digest) is part of every digest, so a new version of the toolkit
    makes everything again. JSON holds data only: a cache file cannot run code.
    """

    def __init__(self, folder: Path, salt: str) -> None:
        self.folder, self.salt = folder, salt
        self._texts: set[str] | None = None  # the names of the text files, listed once

    def _path(self, key: str) -> Path:
        name = hashlib.sha256(key.encode("utf-8")).hexdigest()
        return self.folder / name[:2] / f"{name}.json"

    def recall(self, key: str, digest: str) -> object | None:
        """The value kept for `key` under `digest`, or None (nothing kept, another digest, an unreadable file)."""
        try:
            record = read_json(self._path(key))
        except (OSError, ValueError):
            return None
        return record.get("value") if isinstance(record, dict) and record.get("digest") == self.salt + digest else None

    def keep(self, key: str, digest: str, value: object) -> None:
        """Keep `value` (JSON) for `key` under `digest`, replacing what was kept before."""
        write_if_changed(self._path(key), json.dumps({"digest": self.salt + digest, "value": value}, ensure_ascii=False))

    def keep_encoded(self, key: str, digest: str, value: str) -> None:
        """`keep` a value given as JSON text (a large one is then encoded once, not twice)."""
        record = '{"digest": ' + json.dumps(self.salt + digest) + ', "value": ' + value + "}"
        write_if_changed(self._path(key), record)

    def recall_texts(self, key: str, digest: str) -> dict[str, Kept] | None:
        """The texts kept for `key` under `digest` (`keep_texts`), or None (also when a text's file is gone)."""
        return self.kept_texts(self.recall(key, digest))

    def keep_texts(self, key: str, digest: str, texts: dict[str, str]) -> dict[str, Kept]:
        """Keep `texts` for `key` under `digest`, each in `texts/<sha256>` (files of equal texts are shared)."""
        kept = {name: self.put_text(text) for name, text in texts.items()}
        self.keep(key, digest, {name: file.sha256 for name, file in kept.items()})
        return kept

    def put_text(self, text: str) -> Kept:
        """`text` in a file of its own, named by its sha256 (written once)."""
        data = text.encode("utf-8")
        kept = self.text_file(hashlib.sha256(data).hexdigest())
        if not self.has_text(kept.sha256):
            write_if_changed(Path(kept.path), data)
            self._text_names().add(kept.sha256)
        return kept

    def kept_texts(self, digests: object) -> dict[str, Kept] | None:
        """The files of texts kept before, from {name: sha256 of the text}, or None when `digests` is not that or
        a text's file is gone."""
        if not (isinstance(digests, dict) and all(isinstance(sha, str) and len(sha) == 64 and self.has_text(sha)
                                                  for sha in digests.values())):
            return None
        return {name: self.text_file(sha) for name, sha in digests.items()}

    def has_text(self, sha256: str) -> bool:
        """True when the text of digest `sha256` is in its file (the folders are listed once, not a `stat` a text)."""
        return sha256 in self._text_names()

    def _text_names(self) -> set[str]:
        if self._texts is None:
            self._texts = set()
            try:
                shards = [entry.path for entry in os.scandir(self.folder / TEXTS) if entry.is_dir()]
            except OSError:  # none kept yet
                shards = []
            for shard in shards:
                self._texts.update(os.listdir(shard))
        return self._texts

    def text_file(self, sha256: str) -> Kept:
        """Where the text of digest `sha256` is kept."""
        return Kept(f"{self.folder}/{TEXTS}/{sha256[:2]}/{sha256}", sha256)


class GroupedMemo(FileMemo):
    """A `FileMemo` that keeps the entries of a group of keys (`group_of`: a volume's bulletins, say) in one
    file, read once and written by `save` when it changed: a few reads a build, not one a key. Entries of
    keys a build neither recalls nor keeps (a deleted bulletin's) are dropped when it saves."""

    def __init__(self, folder: Path, salt: str, group_of: Callable[[str], str]) -> None:
        super().__init__(folder, salt)
        self.group_of = group_of
        self.groups: dict[str, dict[str, object]] = {}
        self.seen: dict[str, set[str]] = {}
        self.changed: set[str] = set()

    def _group(self, key: str) -> tuple[str, dict[str, object]]:
        name = self.group_of(key)
        if name not in self.groups:
            found = super().recall(name, "")
            self.groups[name], self.seen[name] = (found if isinstance(found, dict) else {}), set()
        self.seen[name].add(key)
        return name, self.groups[name]

    def recall(self, key: str, digest: str) -> object | None:
        """The value kept for `key` under `digest`, or None."""
        entry = self._group(key)[1].get(key)
        return entry[1] if isinstance(entry, list) and len(entry) == 2 and entry[0] == digest else None

    def keep(self, key: str, digest: str, value: object) -> None:
        """Keep `value` (JSON) for `key` under `digest` until `save`."""
        name, entries = self._group(key)
        entries[key] = [digest, value]
        self.changed.add(name)

    def save(self) -> None:
        """Write the groups that changed or lost keys."""
        for name, entries in self.groups.items():
            stale = set(entries) - self.seen[name]
            if name in self.changed or stale:
                super().keep(name, "", {k: v for k, v in entries.items() if k not in stale})
        self.changed.clear()
