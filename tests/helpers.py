"""Build small archives inside tests, so each test shows its input beside its assertion."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

PLACES = [
    {"name": "Syria", "kind": "country"},
    {"name": "Idlib Province", "aliases": ["Idleb", "محافظة إدلب"], "parent": "Syria", "kind": "province"},
    {"name": "Latakia Province", "aliases": ["Lattakia"], "parent": "Syria", "kind": "province"},
    {"name": "Mount Turkmen", "aliases": ["Jabal Turkman"], "parent": "Latakia Province", "kind": "area"},
]
ACTORS = [{"name": "Hay'at Tahrir al-Sham", "aliases": ["HTS"], "kind": "armed group"},
          {"name": "Syrian regime forces", "aliases": ["regime"], "kind": "state"}]
TAGS = [{"name": "offensive"}, {"name": "counter-attack"}, {"name": "airstrikes"}]


def write_archive(root: Path, places: list[dict] | None = None, actors: list[dict] | None = None,
                  tags: list[dict] | None = None) -> Path:
    """An empty archive at `root` with one series, `test-daily`, and a small gazetteer."""
    root.mkdir(parents=True, exist_ok=True)
    series = [{"slug": "test-daily", "name": "Test Daily", "publisher": "Tests", "language": "en"}]
    for name, data in (("series", series), ("places", places or PLACES), ("actors", actors or ACTORS),
                       ("tags", tags or TAGS)):
        (root / f"{name}.yml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


def write_bulletin(root: Path, date: str = "2019-07-09", slug: str = "a-bulletin", version: int = 1,
                   body: str = "Something happened.\n", series: str = "test-daily", **front: Any) -> Path:
    """Write `<series>/<year>/<date>-<slug>/v<version>.md` with the given front matter; returns its path."""
    meta: dict[str, Any] = {"series": series, "date": date, "title": f"Bulletin of {date}", "version": version}
    if version > 1:
        meta |= {"revised": date, "revision_note": "Corrected a figure."}
    meta |= front
    meta = {k: v for k, v in meta.items() if v is not None}
    folder = root / series / date[:4] / f"{date}-{slug}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"v{version}.md"
    text = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n" + body
    path.write_text(text, encoding="utf-8")
    return path


def write_raw(root: Path, relative: str, text: str | bytes) -> Path:
    """Write a file exactly as given (for hostile input)."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, text: str, nth: int = 1) -> int:
    """The 1-based number of the `nth` line of `path` that contains `text`."""
    hits = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if text in line]
    assert len(hits) >= nth, f"{text!r} occurs {len(hits)} time(s) in {path}"
    return hits[nth - 1]


def replace_in(path: Path, old: str, new: str) -> Path:
    """Replace the one occurrence of `old` in the file (to break a field write_bulletin wrote)."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path
