"""Readers of legacy bulletins, one module per format, each with `SUFFIXES` and
`read(path, data, drafts) -> Reading`; `infer` and `figures` are shared by all of them."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from . import plaintext, webpage, wordpress

READERS: tuple[ModuleType, ...] = (plaintext, webpage, wordpress)
#: Inputs larger than this are refused (WordPress exports may be larger: several years in one file).
MAX_BYTES = {plaintext: 8 * 2**20, webpage: 8 * 2**20, wordpress: 32 * 2**20}


def reader_for(path: Path) -> ModuleType | None:
    """The reader of a file, by its suffix; None when no reader takes it."""
    suffix = path.suffix.lower()
    return next((reader for reader in READERS if suffix in reader.SUFFIXES), None)


def suffixes() -> list[str]:
    """Every suffix a reader takes."""
    return [suffix for reader in READERS for suffix in reader.SUFFIXES]
