"""Sphinx glue of the Content-Security-Policy (`dailyarchive.policy`): its `<meta>` at the top of every HTML page.

Charts still draw under it because Vega runs with its expression interpreter (`ast: true` in
`static/dailyarchive-charts.js`) instead of compiling expressions with `Function`.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from ..policy import META
from ._outputs import HTML_BUILDERS

#: Builders whose pages get the policy (EPUB has no scripts and its checker wants plain XHTML heads).
BUILDERS = HTML_BUILDERS | {"singlehtml"}


def add_policy(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
               doctree: object) -> None:
    """Put the policy's `<meta>` first in the page's head metadata, before every stylesheet and script."""
    if app.builder.name in BUILDERS:
        context["metatags"] = META + context.get("metatags", "")


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the handler that writes the policy into every page."""
    app.connect("html-page-context", add_policy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
