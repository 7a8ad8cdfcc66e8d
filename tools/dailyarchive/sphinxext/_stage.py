"""The archive as one Sphinx project (the extension alone, EPUB, LaTeX): stage it at build start.

`invoke build` stages and builds volumes itself (`publish.html`, `volumes`); this glue is what
a project gets with ``extensions = ["dailyarchive.sphinxext"]`` and ``dailyarchive_archive``: the
same stager (`stager.stage`), every page in one project, the output files written when the
build finishes. Nothing is written into the project's own folder: Sphinx reads a staged copy
of it in the build folder (`<doctrees>/dailyarchive-src/`), the project's files beside the
archive's pages (warnings about the project's own pages name that copy). With
``dailyarchive_archive = ""`` nothing is staged (the sources are already staged, as in a volume).
"""

from __future__ import annotations

from pathlib import Path
from weakref import WeakKeyDictionary

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging
from sphinx.util._pathlib import _StrPath

from ..addresses import INCLUDE_DIR, SITE_PROJECT
from ..build.stage import sync_files
from ..build.stager import Site, StageSettings, stage
from ._fixity import fail_on_seal
from ._outputs import baseurl

logger = logging.getLogger(__name__)
MANIFEST = f"{INCLUDE_DIR}/staged.txt"
#: The project's own files, copied into the staging folder.
SOURCE_MANIFEST = f"{INCLUDE_DIR}/project.txt"
STAGING = "dailyarchive-src"
#: The output files staged by the last build into the output folder.
OUTPUTS_MANIFEST = ".dailyarchive-files.txt"
_SITES: WeakKeyDictionary[Sphinx, Site] = WeakKeyDictionary()


def exclude_includes(app: Sphinx, config: Config) -> None:
    """Staged include files are not documents of their own."""
    config.exclude_patterns = [*config.exclude_patterns, f"{INCLUDE_DIR}/**"]


def use_staging_folder(app: Sphinx, config: Config) -> None:
    """Read the project from a staged copy in the build folder, so its own folder gets no generated file."""
    if not config.dailyarchive_archive or Path(app.srcdir).name == STAGING:
        return
    staging = Path(app.doctreedir) / STAGING
    sync_files(staging, project_files(Path(app.srcdir), {Path(app.outdir), Path(app.doctreedir)}), SOURCE_MANIFEST)
    app.srcdir = _StrPath(staging)


def project_files(srcdir: Path, build_folders: set[Path]) -> dict[str, str | bytes]:
    """The project's own files by relative path (not its build folders, hidden files or caches)."""
    files: dict[str, str | bytes] = {}
    for path in sorted(srcdir.rglob("*")):
        relative = path.relative_to(srcdir)
        if any(part.startswith(".") or part in {"_build", "__pycache__"} for part in relative.parts):
            continue
        if path.is_file() and not any(path.is_relative_to(folder) for folder in build_folders):
            files[relative.as_posix()] = path.read_bytes()
    return files


def stage_archive(app: Sphinx) -> None:
    """Read the archive, report its problems as warnings, and stage its pages into the source folder."""
    if not app.config.dailyarchive_archive:
        return
    root = (Path(app.confdir) / app.config.dailyarchive_archive).resolve()
    settings = StageSettings(latest_count=app.config.dailyarchive_latest_count,
                             charts_per_bulletin=app.config.dailyarchive_charts_per_bulletin,
                             chronology_max_events=app.config.dailyarchive_chronology_max_events,
                             baseurl=baseurl(app), search=app.config.dailyarchive_search, volumes=False,
                             bulletin_toctree=app.builder.name != "html")
    site = stage(root, None, settings, cache=Path(app.doctreedir) / "dailyarchive-cache",
                 known_docs=hand_written_docs(Path(app.srcdir)))
    for problem in site.problems:
        logger.warning("%s (%s)", problem.message, problem.rule, location=f"{problem.path}:{problem.line}",
                       type="dailyarchive", subtype=problem.rule)
    logger.info("dailyarchive: %s", site.summary)
    fail_on_seal(app, site)
    pages = site.projects[SITE_PROJECT].files
    written, removed = sync_files(Path(app.srcdir), pages, MANIFEST)
    logger.info("dailyarchive: %d pages staged (%d written, %d removed)", len(pages), written, removed)
    _SITES[app] = site


def hand_written_docs(srcdir: Path) -> frozenset[str]:
    """Docnames of the project's top-level pages, so generated pages link only those."""
    return frozenset(path.stem for path in srcdir.glob("*.md"))


def write_outputs(app: Sphinx, exception: Exception | None) -> None:
    """HTML builds get the output files (feeds, search, SVGs, downloads, static pages); EPUB leaves them out."""
    site = _SITES.get(app)
    if exception is not None or site is None or app.builder.format != "html" or app.builder.name.startswith("epub"):
        return
    written, removed = sync_files(Path(app.outdir), dict(site.outputs), OUTPUTS_MANIFEST)
    logger.info("dailyarchive: %d output files (%d written, %d removed)", len(site.outputs), written, removed)
