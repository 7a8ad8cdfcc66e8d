"""The site's Content-Security-Policy, defined once: the `<meta>` every page carries and a server's header line.

The policy lets a page run and style only with files of the site itself: no inline script,
no `on*=` handler, no `javascript:` URL, no inline style, no plug-in, and no image, font or
request from elsewhere. It travels inside each page as a `<meta http-equiv>`, so it holds
from `file://`, from a zip and behind any web server; a server may also send it as a header
(`HEADER_LINE`), which can say too who may frame the site (a `<meta>` cannot).
"""

from __future__ import annotations

from html import escape

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
#: What a web server may send with every file of the site: the same policy, and no framing by other sites.
HEADER_LINE = f"Content-Security-Policy: {POLICY}; frame-ancestors 'self'"
#: The element that goes in each page's `<head>`, before any stylesheet or script.
META = f'<meta http-equiv="Content-Security-Policy" content="{escape(POLICY, quote=False)}">'
