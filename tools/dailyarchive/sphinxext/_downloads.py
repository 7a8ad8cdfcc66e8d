"""Sphinx glue of the downloads page: ```{dailyarchive-downloads}``` renders the table of `downloads/`.

The table comes from the staged `addresses.DOWNLOADS_MANIFEST` (see `publish._manifest`), noted as a
dependency, so the page is re-read exactly when a download changes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from ..addresses import DOWNLOADS_MANIFEST
from ..publish.data import DOWNLOAD_DIR

DIRECTIVE = "dailyarchive-downloads"
COLUMNS = ("File", "Contents", "Size", "Built", "SHA-256")


def size_text(size: int) -> str:
    """`1.2 MB`, `340 KB`, `512 bytes`."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{size / 1000:.0f} KB" if size >= 1000 else f"{size} bytes"


class DownloadsDirective(SphinxDirective):
    """The table of every file in `downloads/`: name (linked), contents, size, build date and SHA-256."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        path = Path(self.env.srcdir) / DOWNLOADS_MANIFEST
        if not path.is_file():
            return [nodes.paragraph("", "No downloads have been built yet (`invoke build`).")]
        self.env.note_dependency(DOWNLOADS_MANIFEST)
        rows = json.loads(path.read_text(encoding="utf-8"))
        root = "../" * self.env.docname.count("/")
        table = nodes.table(classes=["dailyarchive-downloads-table"])
        group = nodes.tgroup(cols=len(COLUMNS))
        table += group
        group.extend(nodes.colspec(colwidth=1) for _ in COLUMNS)
        group += nodes.thead("", _row([nodes.Text(c) for c in COLUMNS]))
        body = nodes.tbody()
        for entry in rows:
            link = nodes.reference("", entry["name"], refuri=f"{root}{DOWNLOAD_DIR}/{entry['name']}")
            digest = (nodes.literal("", entry["sha256"]) if entry["sha256"]
                      else nodes.Text(f"in {DOWNLOAD_DIR}/SHA256SUMS (this page is inside the file)"))
            body += _row([link, nodes.Text(entry["contents"]),
                          nodes.Text(size_text(entry["size"]) if entry["size"] else "—"),
                          nodes.Text(entry["built"] or "—"), digest])
        group += body
        return [table]


def _row(cells: list[nodes.Node]) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        row += nodes.entry("", nodes.paragraph("", "", cell))
    return row


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive."""
    app.add_directive(DIRECTIVE, DownloadsDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
