"""The contract of a memo: values kept by key under the digest of their inputs (`build.stage.FileMemo` keeps them)."""

from __future__ import annotations

import hashlib
import json
from typing import Protocol


class Memo(Protocol):
    """Where a step keeps what it made, by key, under a digest of exactly the inputs it was made from."""

    def recall(self, key: str, digest: str) -> object | None:
        """The value kept for `key` under `digest`, or None."""

    def keep(self, key: str, digest: str, value: object) -> None:
        """Keep `value` (JSON data) for `key` under `digest`."""


def digest_of_record(record: object) -> str:
    """A digest of a JSON-able record (values JSON cannot hold are written as text)."""
    return hashlib.sha256(json.dumps(record, default=str, sort_keys=True).encode("utf-8")).hexdigest()
