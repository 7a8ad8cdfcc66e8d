"""Deposit packages for libraries: a BagIt bag (RFC 8493) and an OCFL 1.1 storage root.

- `deposit_bagit`: the archive's sources (every version file, photo, gazetteer, manifest and
  seal log) and the downloads (data, data package, PDFs) as the payload of a bag made by the
  Library of Congress `bagit` package, sha256 and sha512 manifests, `bag-info.txt` naming the
  series, the dates covered and the number of bulletins.
- `deposit_ocfl`: each bulletin an OCFL object (`ocfl-py`) whose versions are the bulletin's
  versions, in order: version N holds the folder as it stood when vN.md was published (v1.md
  … vN.md and the bulletin's own files), `created` from the version's date or `revised`,
  `message` from its `revision_note`, sha512 digests.

Both refuse a folder that is not empty, and leave nothing behind when they fail.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..catalog.catalog import Catalog, build_catalog
from ..model.errors import DailyArchiveError
from ..model.load import load_archive

FORMATS = ("bagit", "ocfl")
#: The OCFL storage layout: identifiers hashed into a tuple tree (OCFL community extension 0003).
OCFL_LAYOUT = "0003-hash-and-id-n-tuple-storage-layout"
_VERSION_FILE = "v{}.md"


class DepositRefused(DailyArchiveError):
    """The deposit folder is not empty (or is a file): nothing was written."""


@dataclass(frozen=True)
class DepositResult:
    """Where the package is and what it holds."""

    path: Path
    format: str
    bulletins: int
    files: int


def refuse_unless_empty(out: Path) -> None:
    """DepositRefused unless `out` is missing or an empty folder."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise DepositRefused(f"{out} is not an empty folder: a deposit is written into a new or empty folder "
                             "(choose another --out, or empty this one)")


def span(catalog: Catalog) -> tuple[str, str]:
    """The first and last bulletin dates (YYYY-MM-DD)."""
    dates = pd.to_datetime(catalog.bulletins["date"])
    return f"{dates.min():%Y-%m-%d}", f"{dates.max():%Y-%m-%d}"


def bag_info(catalog: Catalog) -> dict[str, str]:
    """The fields of `bag-info.txt`."""
    first, last = span(catalog)
    names = "; ".join(str(n) for n in catalog.series["name"])
    publishers = "; ".join(sorted({str(p) for p in catalog.series["publisher"] if str(p)}))
    return {"Source-Organization": publishers or names, "External-Description":
            f"Daily bulletins of {names}, {first} to {last}: every version as published (sources) and the data "
            "downloads and books made from them", "Series": names, "Dates-Covered": f"{first}/{last}",
            "Bulletin-Count": str(len(catalog.bulletins)), "Version-Count": str(len(catalog.versions)),
            "Bag-Software-Agent": "dailyarchive deposit (bagit)"}


def deposit_bagit(archive: Path, out: Path, downloads: Path | None = None) -> DepositResult:
    """A BagIt bag at `out`: `data/archive/` (the sources) and `data/downloads/` (see the module's docstring)."""
    import bagit

    refuse_unless_empty(out)
    catalog = build_catalog(load_archive(archive))
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copytree(archive, out / "archive", ignore=shutil.ignore_patterns(".*", "__pycache__"))
        if downloads is not None and downloads.is_dir():
            shutil.copytree(downloads, out / "downloads", ignore=shutil.ignore_patterns(".*", "*.zip"))
        bag = bagit.make_bag(str(out), bag_info(catalog), checksums=["sha256", "sha512"])
    except BaseException:
        _empty(out, created)
        raise
    return DepositResult(out, "bagit", len(catalog.bulletins), len(list(bag.payload_files())))


def deposit_ocfl(archive: Path, out: Path) -> DepositResult:
    """An OCFL 1.1 storage root at `out`, one object per bulletin (see the module's docstring)."""
    from ocfl import StorageRoot

    refuse_unless_empty(out)
    catalog = build_catalog(load_archive(archive))
    created = not out.exists()
    if out.exists():
        out.rmdir()  # ocfl-py creates the root folder itself
    files = 0
    try:
        root = StorageRoot(root=str(out), layout_name=OCFL_LAYOUT)
        root.initialize(spec_version="1.1")
        with tempfile.TemporaryDirectory(prefix="ocfl-", dir=out.parent) as scratch:
            for number, (bulletin_id, versions) in enumerate(catalog.versions.groupby("bulletin_id", sort=True)):
                files += add_bulletin(root, str(bulletin_id), versions.sort_values("version"),
                                      Path(scratch) / str(number), publisher(catalog, versions))
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        if not created:
            out.mkdir()
        raise
    return DepositResult(out, "ocfl", len(catalog.bulletins), files)


def publisher(catalog: Catalog, versions: pd.DataFrame) -> str:
    """The publisher of a bulletin's series (the OCFL versions' user)."""
    rows = catalog.series.set_index("slug")
    series = str(versions["series"].iloc[0])
    return str(rows.loc[series, "publisher"]) if series in rows.index else series


def add_bulletin(root: object, bulletin_id: str, versions: pd.DataFrame, scratch: Path, user: str) -> int:
    """Build one bulletin's OCFL object (a version per bulletin version) in `scratch` and add it to `root`."""
    from ocfl import Object, VersionMetadata

    folder = Path(str(versions["path"].iloc[0])).parent
    own = sorted(p for p in folder.iterdir() if p.is_file() and not _is_version_file(p) and not p.name.startswith("."))
    metadata = {}
    for row in versions.itertuples():
        number = int(row.version)
        state = scratch / "src" / f"v{number}"
        state.mkdir(parents=True)
        for earlier in range(1, number + 1):
            shutil.copyfile(folder / _VERSION_FILE.format(earlier), state / _VERSION_FILE.format(earlier))
        for path in own:
            shutil.copyfile(path, state / path.name)
        when = row.revised if number > 1 and pd.notna(row.revised) else row.date
        note = str(row.revision_note) if number > 1 and pd.notna(row.revision_note) else "First published."
        metadata[number] = VersionMetadata(created=f"{pd.Timestamp(when):%Y-%m-%d}T00:00:00Z", message=note,
                                           name=user)
    obj = Object(identifier=bulletin_id, spec_version="1.1", digest_algorithm="sha512")
    obj.build(str(scratch / "src"), versions_metadata=metadata, objdir=str(scratch / "object"))
    root.add(str(scratch / "object"))  # type: ignore[attr-defined]
    return len(versions) + len(own)


def _is_version_file(path: Path) -> bool:
    return path.suffix == ".md" and path.stem[:1] == "v" and path.stem[1:].isdigit()


def _empty(out: Path, created: bool) -> None:
    """Remove what a failed deposit wrote into `out` (and `out` itself when the deposit created it)."""
    for child in out.iterdir() if out.is_dir() else []:
        shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    if created:
        out.rmdir()


def validate_ocfl(out: Path) -> tuple[int, int, list[str]]:
    """(objects, good objects, errors) of the OCFL storage root at `out` (`validate()` alone is true with bad objects)."""
    from ocfl import StorageRoot

    root = StorageRoot(root=str(out))
    root.validate(log_errors=False)
    return root.num_objects, root.good_objects, [str(e) for e in getattr(root.log, "errors", [])][:20]

