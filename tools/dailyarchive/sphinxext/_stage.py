"""Load the archive at build start and stage its pages, writing only what changed."""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from ..catalog import build_catalog
from ..load import load_archive
from ..pages import EXTRA_DIR, INCLUDE_DIR, PageSettings, staged_pages
from ..rules import check
from ..stage import sync_files
from ._charts import stage_charts

logger = logging.getLogger(__name__)
MANIFEST = f"{INCLUDE_DIR}/staged.txt"


def exclude_includes(app: Sphinx, config: Config) -> None:
    """Staged include files are not documents of their own."""
    config.exclude_patterns = [*config.exclude_patterns, f"{INCLUDE_DIR}/**"]


def stage_archive(app: Sphinx) -> None:
    """Read the archive, report its problems as warnings, and stage its pages into the source folder."""
    root = (Path(app.confdir) / app.config.dailyarchive_archive).resolve()
    archive = load_archive(root)
    problems = check(archive)
    for problem in problems:
        logger.warning("%s (%s)", problem.message, problem.rule, location=f"{problem.path}:{problem.line}",
                       type="dailyarchive", subtype=problem.rule)
    catalog = build_catalog(archive)
    app.emit("dailyarchive-catalog", catalog)
    stage_charts(app, catalog, problems)
    settings = PageSettings(latest_count=app.config.dailyarchive_latest_count,
                            existing_docs=hand_written_docs(Path(app.srcdir)),
                            bulletin_toctree=app.builder.name != "html")
    pages = staged_pages(catalog, settings)
    written, removed = sync_files(Path(app.srcdir), pages, MANIFEST)
    logger.info("dailyarchive: %d pages staged (%d written, %d removed)", len(pages), written, removed)
    add_extra_files(app)


def hand_written_docs(srcdir: Path) -> frozenset[str]:
    """Docnames of the project's top-level pages (and the chronology), so generated pages link only those."""
    found = {path.stem for path in srcdir.glob("*.md")}
    if (srcdir / "chronology" / "index.md").is_file():
        found.add("chronology/index")
    return frozenset(found)


def add_extra_files(app: Sphinx) -> None:
    """HTML builds copy the staged static files (the latest versions' permanent pages) into the output.

    Sphinx copies only files that differ from the output's copy, so an unchanged
    archive writes none of them again. EPUB leaves them out: they are web pages.
    """
    extra = Path(app.srcdir) / EXTRA_DIR
    if app.builder.format == "html" and not app.builder.name.startswith("epub") and extra.is_dir():
        app.config.html_extra_path = [*app.config.html_extra_path, str(extra)]
