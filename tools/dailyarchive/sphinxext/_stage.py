"""Load the archive at build start and stage its pages, writing only what changed."""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from ..catalog import build_catalog
from ..load import load_archive
from ..pages import INCLUDE_DIR, PageSettings, staged_pages
from ..rules import check
from ..stage import sync_files

logger = logging.getLogger(__name__)
MANIFEST = f"{INCLUDE_DIR}/staged.txt"


def exclude_includes(app: Sphinx, config: Config) -> None:
    """Staged include files are not documents of their own."""
    config.exclude_patterns = [*config.exclude_patterns, f"{INCLUDE_DIR}/**"]


def stage_archive(app: Sphinx) -> None:
    """Read the archive, report its problems as warnings, and stage its pages into the source folder."""
    root = (Path(app.confdir) / app.config.dailyarchive_archive).resolve()
    archive = load_archive(root)
    for problem in check(archive):
        logger.warning("%s (%s)", problem.message, problem.rule, location=f"{problem.path}:{problem.line}",
                       type="dailyarchive", subtype=problem.rule)
    catalog = build_catalog(archive)
    pages = staged_pages(catalog, PageSettings(latest_count=app.config.dailyarchive_latest_count))
    written, removed = sync_files(Path(app.srcdir), pages, MANIFEST)
    logger.info("dailyarchive: %d pages staged (%d written, %d removed)", len(pages), written, removed)
