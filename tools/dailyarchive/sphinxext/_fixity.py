"""Sealed means final in the build: a changed sealed file fails it, and the seal log's head is published.

The stager checks the archive's sealed files (`fixity.sealed_problems`) and stages the head of the seal
log as ``_dailyarchive/seal.md``, which the data page includes (Sphinx re-reads it when the head changes).
Here, when the extension stages the archive itself, any fixity error sets the build's status to 1, so
the build fails even without ``-W`` (`invoke build` does the same for its volumes build).
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

from ..addresses import SEAL_INCLUDE
from ..build.stager import NO_SEAL, Site

__all__ = ["NO_SEAL", "SEAL_INCLUDE", "fail_on_seal"]
logger = logging.getLogger(__name__)


def fail_on_seal(app: Sphinx, site: Site) -> None:
    """A fixity error among the staged site's problems fails the build (the warnings name each file)."""
    if site.seal_broken:
        logger.error("dailyarchive: sealed files of the archive changed or cannot be proved intact; the build "
                     "fails (see the fixity warnings above)")
        app.statuscode = 1


def setup(app: Sphinx) -> dict[str, Any]:
    """Nothing to register: `_stage` calls `fail_on_seal` once the archive is staged."""
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
