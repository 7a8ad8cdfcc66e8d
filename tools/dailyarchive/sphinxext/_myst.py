"""MyST's renderer set up without a throwaway docutils document.

myst-parser's `DocutilsRenderer.setup_render` finds its document with
`options.get("document", make_document())`. Python evaluates the fallback even when the parser passes
the page's own document, as it always does under Sphinx, and `make_document` builds a docutils settings
object from the options of every component (an `optparse` parser of 74 options, once a page). That is
about 10% of a volume's Sphinx build: 6.3 to 6.7 s of CPU with it, 5.4 to 5.7 s without, for one
year (390 pages) of the benchmark archive.

While a renderer that was given its document is set up, `make_document` is replaced by a function that
makes nothing (the fallback is thrown away unread). Sphinx reads documents one at a time in a process
(its parallel reading forks processes), so no other renderer sees the swap. The wrapper is installed
only when myst-parser's code reads as above (`KNOWN_FALLBACK`), so that another version of myst-parser
runs its own code untouched.
"""

from __future__ import annotations

import inspect
from collections.abc import MutableMapping
from typing import Any

from myst_parser.mdit_to_docutils import base
from sphinx.application import Sphinx

#: The line of `DocutilsRenderer.setup_render` whose fallback is evaluated in vain.
KNOWN_FALLBACK = 'self.document: nodes.document = options.get("document", make_document())'


def _no_document(*args: Any, **kwargs: Any) -> None:
    """Stands for `make_document` while the fallback is evaluated in vain."""
    return None


def document_given_setup(setup_render: Any) -> Any:
    """`setup_render` that skips making the fallback document whenever the options carry one."""

    def setup(self: base.DocutilsRenderer, options: dict[str, Any], env: MutableMapping[str, Any]) -> None:
        if "document" not in options:
            return setup_render(self, options, env)
        make = base.make_document
        base.make_document = _no_document
        try:
            return setup_render(self, options, env)
        finally:
            base.make_document = make

    setup.document_given = True  # type: ignore[attr-defined]
    return setup


def install() -> bool:
    """Wrap myst-parser's `setup_render` once, when its code is the known one; True when it is wrapped."""
    current = base.DocutilsRenderer.setup_render
    if getattr(current, "document_given", False):
        return True
    try:
        known = KNOWN_FALLBACK in inspect.getsource(current)
    except (OSError, TypeError):
        known = False
    if known:
        base.DocutilsRenderer.setup_render = document_given_setup(current)  # type: ignore[method-assign]
    return known


def setup(app: Sphinx) -> dict[str, Any]:
    """Install the wrapper (each worker process builds many projects; it is installed once)."""
    install()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
