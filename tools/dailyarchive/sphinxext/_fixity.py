"""Sealed means final in the build: a changed sealed file fails it, and the seal log's head is published.

At `builder-inited` the archive's sealed files are checked (`fixity.sealed_problems`); each problem is a
warning of type ``dailyarchive`` with the rule as subtype and its `path:line`, and any fixity error sets the
build's status to 1, so `invoke build` exits non-zero even without ``-W``. The head of the seal log is staged
as ``_dailyarchive/seal.md``, which the data page includes (Sphinx re-reads it when the head changes).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

from ..fixity import head_text, sealed_problems
from ..pages import INCLUDE_DIR
from ..stage import write_if_changed

logger = logging.getLogger(__name__)
SEAL_INCLUDE = f"{INCLUDE_DIR}/seal.md"
NO_SEAL = "Nothing of this archive is sealed yet (`invoke seal` seals what is published and starts the seal log)."


def check_sealed(app: Sphinx) -> None:
    """Report every fixity problem of the archive; an error among them fails the build."""
    root = (Path(app.confdir) / app.config.dailyarchive_archive).resolve()
    problems = sealed_problems(root)
    for problem in problems:
        logger.warning("%s (%s)", problem.message, problem.rule, location=f"{problem.path}:{problem.line}",
                       type="dailyarchive", subtype=problem.rule)
    if any(p.level == "error" for p in problems):
        logger.error("dailyarchive: sealed files of %s changed or cannot be proved intact; the build fails "
                     "(see the fixity warnings above)", root)
        app.statuscode = 1
    write_if_changed(Path(app.srcdir) / SEAL_INCLUDE, (head_text(root) or NO_SEAL) + "\n")


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the check at `builder-inited`."""
    app.connect("builder-inited", check_sealed)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
