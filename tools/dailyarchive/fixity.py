"""Seal and verify published version files against MANIFEST-sha256.txt (sha256sum format)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .errors import DailyArchiveError, Problem
from .stage import write_if_changed

MANIFEST = "MANIFEST-sha256.txt"


class PublishedFileAltered(DailyArchiveError):
    """Sealing refused: a sealed version file no longer matches its checksum."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} published file(s) changed since they were sealed; nothing was written")


@dataclass(frozen=True)
class SealResult:
    """What `seal` did: files newly sealed, and the manifest's path."""

    added: list[str]
    manifest: Path


def version_files(root: Path) -> list[Path]:
    """Every `vN.md` of the archive, sorted (the files a manifest seals)."""
    return sorted(p for p in root.glob("*/*/*/v*.md") if p.is_file() and p.stem[1:].isdigit())


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, as hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_manifest(root: Path) -> dict[str, tuple[str, int]]:
    """{relative path: (checksum, line)} from the manifest; empty when there is none."""
    path = root / MANIFEST
    if not path.exists():
        return {}
    entries: dict[str, tuple[str, int]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip() and not line.startswith("#"):
            checksum, _, relative = line.partition("  ")
            entries[relative.lstrip("*")] = (checksum.strip(), number)
    return entries


def verify(root: Path) -> list[Problem]:
    """Compare every version file with the manifest: altered and missing files are errors, unsealed ones warnings."""
    sealed = read_manifest(root)
    manifest = root / MANIFEST
    problems: list[Problem] = []
    present = {p.relative_to(root).as_posix(): p for p in version_files(root)}
    for relative, (checksum, line) in sealed.items():
        path = present.get(relative)
        if path is None:
            problems.append(Problem(manifest, line, "error", "fixity-missing",
                                    f"sealed file {relative} is gone: restore it (a published version is never deleted)"))
        elif file_sha256(path) != checksum:
            problems.append(Problem(path, 1, "error", "fixity-altered",
                                    "this published version changed after it was sealed: restore it from version "
                                    "control and publish the change as a new version (vN+1.md)"))
    for relative, path in present.items():
        if relative not in sealed:
            problems.append(Problem(path, 1, "warning", "fixity-unsealed",
                                    "not yet in MANIFEST-sha256.txt: run `invoke seal` once it is published"))
    return problems


def seal(root: Path) -> SealResult:
    """Add every unsealed version file to the manifest; refuse (and write nothing) if a sealed one changed."""
    altered = [p for p in verify(root) if p.rule in ("fixity-altered", "fixity-missing")]
    if altered:
        raise PublishedFileAltered(altered)
    sealed = {relative: checksum for relative, (checksum, _) in read_manifest(root).items()}
    added = [p.relative_to(root).as_posix() for p in version_files(root)
             if p.relative_to(root).as_posix() not in sealed]
    for relative in added:
        sealed[relative] = file_sha256(root / relative)
    lines = [f"{checksum}  {relative}" for relative, checksum in sorted(sealed.items())]
    write_if_changed(root / MANIFEST, "\n".join(lines) + "\n")
    return SealResult(added, root / MANIFEST)
