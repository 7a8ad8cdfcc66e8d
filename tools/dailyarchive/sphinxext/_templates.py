"""Compiled page templates kept between builds: Sphinx compiles its Jinja templates again in every build of a
project (0.1 to 0.2 s, a tenth of a volume's rebuild), so the extension gives them Jinja's bytecode cache, in the
build's cache (`cache/page-templates/`).

Jinja keys each compiled template by its name and the checksum of its source, so a changed template is compiled
again, and writes each to a temporary file that it then renames, so workers that build side by side share it.
The templates are the theme's, Sphinx's and the docs project's, never a bulletin's text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import FileSystemBytecodeCache
from sphinx.application import Sphinx

#: The folder of compiled templates in the build's cache.
TEMPLATES_CACHE = "page-templates"


def keep_compiled_templates(app: Sphinx) -> None:
    """Give the HTML builder's Jinja environment a bytecode cache in `dailyarchive_cache` (none without it)."""
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is None or not app.config.dailyarchive_cache:
        return
    folder = Path(app.config.dailyarchive_cache) / TEMPLATES_CACHE
    folder.mkdir(parents=True, exist_ok=True)
    environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def setup(app: Sphinx) -> dict[str, Any]:
    """Connect the hook (after `_charts`, which declares `dailyarchive_cache`)."""
    app.connect("builder-inited", keep_compiled_templates)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
