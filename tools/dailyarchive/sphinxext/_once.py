"""What Sphinx works out again for every document, worked out once a build.

**docutils' settings.** Sphinx 9 builds a docutils `OptionParser` for every document it reads
(`sphinx.util.docutils._get_settings`): about 150 options declared again, and the docutils configuration
files looked for and read, each time. The result depends only on the components (the reader and the parser's
class) and on the defaults Sphinx passes, which are the same for every document of a build. So the settings
made last for each kind of components are kept, and a call with the same components and equal
defaults gets a fresh copy of them. What docutils changes in a document's settings stays the document's own:
each copy has its own `record_dependencies` (the files a document included), and Sphinx sets the source path
on the copy. The function is private to Sphinx: when it is missing or has another signature, nothing is
changed and Sphinx works as it always does.

**The static files' checksums.** Every page links each style sheet and script with a checksum of its file
(`?v=...`), and Sphinx finds that file for every link of every page (`_file_checksum`: the path resolved
through the file system, 13 links a page here), although it keeps each file's checksum for the life of the
process. Here a build keeps the checksum of each link, and forgets them (Sphinx's own too) when the next
build starts, so that a process that builds again sees a changed file.

Together they take about 12% off a volume's Sphinx CPU (`docs/performance.md`, 7 December 2026, late night).
"""

from __future__ import annotations

import inspect
import os
import warnings
from collections.abc import Callable, Mapping
from typing import Any

from docutils import frontend
from sphinx.application import Sphinx
from sphinx.builders import html as html_builder
from sphinx.util import docutils as sphinx_docutils

try:  # private to Sphinx: where it keeps each file's checksum (Sphinx 7.1 and later)
    from sphinx.builders.html import _assets
except ImportError:
    _assets = None  # type: ignore[assignment]

#: The keyword-only parameters of Sphinx 9's `_get_settings`.
SETTINGS_KEYWORDS = ("defaults", "read_config_files")


class SettingsCache:
    """`_get_settings` that remembers its last result for each kind of components (see the module's docstring)."""

    def __init__(self, make: Callable[..., frontend.Values]) -> None:
        self.make = make
        self.made = 0  # how many times the settings were made, not copied
        self._kept: dict[tuple[Any, ...], tuple[dict[str, Any], dict[str, Any], Any]] = {}

    def __call__(self, *components: Any, defaults: Mapping[str, Any], read_config_files: bool = False
                 ) -> frontend.Values:
        """The settings for `components` with `defaults`: a copy of the kept ones when those were made alike."""
        key = (tuple(c if isinstance(c, type) else type(c) for c in components), read_config_files)
        kept = self._kept.get(key)
        if kept is not None and kept[0] == defaults:
            return _copied(kept[1], kept[2])
        values = self.make(*components, defaults=defaults, read_config_files=read_config_files)
        self.made += 1
        kept = self._kept[key] = (dict(defaults), dict(vars(values)), getattr(values, "_config_files", []))
        return _copied(kept[1], kept[2])


def _copied(settings: dict[str, Any], config_files: Any) -> frontend.Values:
    """A document's own settings: `settings`, with a dependency list of its own."""
    with warnings.catch_warnings(action="ignore", category=DeprecationWarning):
        values = frontend.Values({**settings, "record_dependencies": None})  # None: Values makes a new list
    values._config_files = config_files
    return values


class ChecksumCache:
    """`_file_checksum` that remembers each link's checksum until `forget` (see the module's docstring)."""

    def __init__(self, checksum: Callable[[Any, Any], str]) -> None:
        self.checksum = checksum
        self._known: dict[tuple[str, str], str] = {}

    def __call__(self, outdir: os.PathLike[str] | str, filename: os.PathLike[str] | str) -> str:
        """The checksum of `filename` in `outdir` (Sphinx's), found once a build."""
        key = (os.fspath(outdir), os.fspath(filename))
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = self.checksum(outdir, filename)
        return found

    def forget(self) -> None:
        """Find every checksum again (and make Sphinx read every file again)."""
        self._known.clear()
        clear = getattr(getattr(_assets, "_file_checksum_inner", None), "cache_clear", None)
        if clear is not None:
            clear()


def replaceable(function: object, keywords: tuple[str, ...] = (), positional: int = 0) -> bool:
    """Whether `function` has the shape of the Sphinx function this module stands in for: those keyword-only
    parameters, or at least that many positional ones."""
    if not callable(function):
        return False
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return False
    named = {p.name: p.kind for p in parameters}
    by_position = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return (all(named.get(name) is inspect.Parameter.KEYWORD_ONLY for name in keywords)
            and len(by_position) >= positional)


def cache_settings() -> bool:
    """Put `SettingsCache` in place of Sphinx's `_get_settings`, once a process; True when it is in place."""
    current = getattr(sphinx_docutils, "_get_settings", None)
    if isinstance(current, SettingsCache):
        return True
    if not replaceable(current, keywords=SETTINGS_KEYWORDS):
        return False
    sphinx_docutils._get_settings = SettingsCache(current)  # type: ignore[attr-defined]
    return True


def cache_checksums() -> ChecksumCache | None:
    """Put `ChecksumCache` in place of the HTML builder's `_file_checksum`, once a process (None: left alone)."""
    current = getattr(html_builder, "_file_checksum", None)
    if isinstance(current, ChecksumCache):
        return current
    if not replaceable(current, positional=2):
        return None
    cache = html_builder._file_checksum = ChecksumCache(current)  # type: ignore[attr-defined]
    return cache


def forget_checksums(app: Sphinx) -> None:
    """A build starts with no checksum kept."""
    cache = getattr(html_builder, "_file_checksum", None)
    if isinstance(cache, ChecksumCache):
        cache.forget()


def setup(app: Sphinx) -> dict[str, Any]:
    """Make docutils' settings and the static files' checksums once a build."""
    cache_settings()
    cache_checksums()
    app.connect("builder-inited", forget_checksums)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
