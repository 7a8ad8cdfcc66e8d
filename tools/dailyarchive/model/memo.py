"""The contract of a memo: values kept by key under the digest of their inputs (`build.stage.FileMemo` keeps them)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from collections.abc import Callable
from typing import Any, Protocol

import orjson

from .errors import DailyArchiveError


@dataclass(frozen=True)
class Kept:
    """A staged text that a memo holds in a file of its own: its sha256 is known without reading it, so an
    unchanged file is staged, hashed and compared without being read (`build.stage` reads it to write it)."""

    #: The file, as text: a build stages tens of thousands of them, and a `Path` each costs more than its stat.
    path: str
    sha256: str
    #: What the file is and what to do when it is gone or changed (for the message of `KeptFileDamaged`).
    what: str = "a file of the build's cache"
    fix: str = "delete the build folder's cache/ and build again"

    def read(self) -> bytes:
        """The text's bytes; `KeptFileDamaged` when the file is gone or holds something else."""
        try:
            with open(self.path, "rb") as stream:
                data = stream.read()
        except OSError as exc:
            raise KeptFileDamaged(f"{self.path}: {self.what} is missing ({exc.strerror or exc}): {self.fix}") from None
        if hashlib.sha256(data).hexdigest() != self.sha256:
            raise KeptFileDamaged(f"{self.path}: {self.what} changed while the site was built: {self.fix}")
        return data


class KeptFileDamaged(DailyArchiveError):
    """A file a memo kept a text in is missing or changed."""


class Memo(Protocol):
    """Where a step keeps what it made, by key, under a digest of exactly the inputs it was made from."""

    def recall(self, key: str, digest: str) -> object | None:
        """The value kept for `key` under `digest`, or None."""

    def keep(self, key: str, digest: str, value: object) -> None:
        """Keep `value` (JSON data) for `key` under `digest`."""

    def recall_texts(self, key: str, digest: str) -> dict[str, Kept] | None:
        """The texts kept for `key` under `digest` (by name, each in a file of its own), or None."""

    def keep_texts(self, key: str, digest: str, texts: dict[str, str]) -> dict[str, Kept]:
        """Keep `texts` for `key` under `digest`, each in a file of its own; the files, by name."""

    def kept_texts(self, digests: object) -> dict[str, Kept] | None:
        """The files of texts kept before (by `keep_texts`), from {name: sha256 of the text}, or None when
        `digests` is not that or a text's file is gone."""


def sorted_json(value: Any, default: Callable[[Any], Any] | None = None) -> bytes:
    """`value` as compact JSON in UTF-8 with sorted keys, the bytes of `json.dumps(value, ensure_ascii=False,
    sort_keys=True, separators=(",", ":"))`: written by orjson, ten times faster (a build writes tens of
    thousands of records), and by the json module when orjson refuses the value (keys that are not text,
    integers past 64 bits, text that is not Unicode). `default` turns what JSON cannot hold into what it can."""
    try:
        return orjson.dumps(value, default=default, option=orjson.OPT_SORT_KEYS)
    except (TypeError, orjson.JSONEncodeError):
        text = json.dumps(value, default=default, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return text.encode("utf-8", "surrogatepass")


def digest_of_record(record: object) -> str:
    """A digest of a JSON-able record (values JSON cannot hold are written as text)."""
    return hashlib.sha256(sorted_json(record, default=str)).hexdigest()


def remembered_texts(memo: Memo | None, key: str, digest: str,
                     make: Callable[[], dict[str, str]]) -> dict[str, str | Kept]:
    """The texts `make()` makes for `key`, kept in `memo` under `digest` (the digest of exactly what `make`
    reads) and taken back from it, unread, when they were kept before under the same digest (without a memo,
    made each time)."""
    if memo is None:
        return dict(make())
    texts = memo.recall_texts(key, digest)
    return dict(texts) if texts is not None else dict(memo.keep_texts(key, digest, make()))
