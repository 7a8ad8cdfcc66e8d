"""Sphinx glue of the PDF (LaTeX builder): Arabic runs, charts as static images, unreadable images left out.

Loaded by the PDF projects that `publish.pdf` writes (never by the HTML site). Text goes through
a translator whose `encode` marks Arabic runs (`pages._latex.arabic_runs`, set right to left in
the font of the preamble); a chart becomes a PNG drawn by vl-convert from its spec (cached by
digest) above its caption; an image file that cannot be decoded is replaced by a note naming
it, so one corrupt photo never stops a volume.
"""

from __future__ import annotations

import json
import posixpath
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.writers.latex import LaTeXTranslator

from ..site.pages._latex import arabic_runs, escape_breakable
from ..build.stage import write_if_changed
from ._charts import chart_figure, depart_chart_text

logger = logging.getLogger(__name__)
#: The charts' images in the LaTeX output folder.
CHART_IMAGES = "dailyarchive-charts"
CHART_SCALE = 2


class PdfTranslator(LaTeXTranslator):
    """Sphinx's LaTeX translator: Arabic runs in the Arabic font, right to left; very long words breakable."""

    def encode(self, text: str) -> str:
        if self.literal_whitespace:
            return arabic_runs(super().encode(text))
        return escape_breakable(text, super().encode)


class UnreadableImages(SphinxTransform):
    """An image whose file is missing or cannot be decoded becomes a note (LaTeX would stop on it)."""

    default_priority = 200

    def apply(self, **kwargs: Any) -> None:
        folder = Path(self.env.srcdir) / posixpath.dirname(self.env.docname)
        for image in list(self.document.findall(nodes.image)):
            uri = str(image.get("uri", ""))
            if "://" in uri or readable_image(folder / uri):
                continue
            logger.warning("image %s cannot be read: left out of the PDF", uri, location=image,
                           type="dailyarchive", subtype="pdf-image")
            note = nodes.paragraph("", "", nodes.emphasis("", f"[Image {posixpath.basename(uri)} could not be read.]"))
            parent = image.parent
            (parent if isinstance(parent, nodes.figure) else image).replace_self(note)


def readable_image(path: Path) -> bool:
    """True when Pillow decodes the whole file (a truncated or corrupt JPEG or PNG is not)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as picture:
            picture.load()
        return True
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        return False


def chart_png(chart: dict[str, Any], cache: Path) -> bytes | None:
    """A chart as a PNG (vl-convert, from its spec), kept in `cache/pdf-charts/<digest>.png`; None if it cannot be drawn."""
    path = cache / "pdf-charts" / f"{chart['digest']}.png"
    try:
        if not path.is_file():
            import vl_convert

            write_if_changed(path, vl_convert.vegalite_to_png(fixed_size(chart["spec"]), scale=CHART_SCALE))
        return path.read_bytes()
    except (OSError, ValueError) as exc:
        logger.warning("chart %s could not be drawn as an image (%s)", chart["digest"], exc,
                       type="dailyarchive", subtype="chart-image")
        return None


def visit_chart_latex(self: Any, node: chart_figure) -> None:
    """A chart: its static image (PNG), then its title, caption and notes as text."""
    chart = node["chart"]
    image = chart_png(chart, Path(self.config.dailyarchive_cache or self.builder.doctreedir))
    if image is None:
        return
    write_if_changed(Path(self.builder.outdir) / CHART_IMAGES / f"{chart['digest']}.png", image)
    self.body.append(f"\n\\begin{{center}}\\sphinxincludegraphics[width=0.9\\linewidth]"
                     f"{{{{{CHART_IMAGES}/{chart['digest']}}}.png}}\\end{{center}}\n")


def fixed_size(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec with a fixed width (a page's `container` width means nothing on paper)."""
    spec = json.loads(json.dumps(spec))
    if not isinstance(spec.get("width"), (int, float)):
        spec["width"] = 560
    return spec


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the translator, the image check and the charts' LaTeX visitor."""
    app.setup_extension("dailyarchive.sphinxext._charts")
    app.set_translator("latex", PdfTranslator, override=True)
    app.add_transform(UnreadableImages)
    app.add_node(chart_figure, override=True, latex=(visit_chart_latex, depart_chart_text))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
