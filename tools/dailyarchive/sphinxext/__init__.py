"""Sphinx extension: the archive's directives, nodes and hooks; alone, it stages the archive into a copy of the project in the build folder.

Add ``"dailyarchive.sphinxext"`` to ``extensions`` and set ``dailyarchive_archive``
to the archive folder (relative to the folder of ``conf.py``).
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from ._stage import exclude_includes, stage_archive, use_staging_folder, write_outputs


def setup(app: Sphinx) -> dict[str, Any]:
    """Register config values and event handlers."""
    app.setup_extension("dailyarchive.sphinxext._progress")  # quiets myst-parser's configuration dump
    app.setup_extension("myst_parser")
    app.setup_extension("dailyarchive.sphinxext._once")
    app.setup_extension("dailyarchive.sphinxext._myst")
    app.setup_extension("dailyarchive.sphinxext._bidi")
    app.setup_extension("dailyarchive.sphinxext._rawlinks")
    app.setup_extension("dailyarchive.sphinxext._body")
    app.setup_extension("dailyarchive.sphinxext._downloads")
    for module in ("_outputs", "_volumes", "_policy", "_search", "_cite", "_feeds", "_charts", "_templates",
                   "_chronology", "_timeline", "_fixity"):
        app.setup_extension(f"dailyarchive.sphinxext.{module}")
    app.add_config_value("dailyarchive_archive", "archive", "env", types=[str])
    app.add_config_value("dailyarchive_latest_count", 10, "env", types=[int])
    app.connect("config-inited", exclude_includes)
    app.connect("config-inited", use_staging_folder)
    app.connect("builder-inited", stage_archive)
    app.connect("build-finished", write_outputs)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
