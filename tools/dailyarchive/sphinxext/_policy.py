"""The site's Content-Security-Policy: one `<meta http-equiv>` at the top of every HTML page.

The policy travels inside each page, so it holds from `file://`, from a zip and behind any
web server. It lets a page run and style only with files of the site itself: no inline
script, no `on*=` handler, no `javascript:` URL, no inline style, no plug-in, no image or
request from elsewhere. Charts still draw because Vega runs with its expression interpreter
(`ast: true`) instead of compiling with `Function`. A server may send the same policy as a
header (`HEADER_LINE`), which can also say who may frame the site (a `<meta>` cannot).
"""

from __future__ import annotations

from html import escape
from typing import Any

from sphinx.application import Sphinx

from ._outputs import HTML_BUILDERS

#: The directives, in the order they are written. `'self'` is the site's own folder or server.
DIRECTIVES: tuple[tuple[str, str], ...] = (
    ("default-src", "'self'"),
    ("script-src", "'self'"),
    ("style-src", "'self'"),
    ("img-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'none'"),
    ("form-action", "'self'"),
)
POLICY = "; ".join(f"{name} {value}" for name, value in DIRECTIVES)
#: What a web server may add: the same policy, and no framing by other sites.
HEADER_LINE = f"Content-Security-Policy: {POLICY}; frame-ancestors 'self'"
META = f'<meta http-equiv="Content-Security-Policy" content="{escape(POLICY, quote=False)}" />'
#: Builders whose pages get the policy (EPUB has no scripts and its checker wants plain XHTML heads).
BUILDERS = HTML_BUILDERS | {"singlehtml"}


def add_policy(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
               doctree: object) -> None:
    """Put the policy's `<meta>` in the page's head, before every stylesheet and script."""
    if app.builder.name in BUILDERS:
        context["metatags"] = META + context.get("metatags", "")


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the handler that writes the policy into every page."""
    app.connect("html-page-context", add_policy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
