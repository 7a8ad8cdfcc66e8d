"""The staged files of the books' volumes, without staging the whole site.

A book needs its volume's bulletin pages, bodies, images and bulletin charts: the same functions
the stager uses (`pages.bulletin_files`, `chartset`), called for the volumes asked for only, so
one year's PDF of a large archive does not pay for every page, name page, feed and SVG of the
site. The charts are computed from the whole catalog (a running total's baseline may lie in an
earlier year).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .. import addresses
from ..catalog.catalog import Catalog, build_catalog
from ..site.chartset import chart_data, page_plan, render, select
from ..model.errors import DailyArchiveError
from ..archivist.fixity import sealed_problems
from ..model.load import load_archive
from ..site.pages import PageSettings
from ..site.pages import bulletin_files
from ..site.pages._context import build_context
from ..catalog.rules import check

Files = dict[str, str | bytes]


def stage_books(archive: Path, docs: Path, wanted: Callable[[str], bool] | None = None
                ) -> tuple[Catalog, dict[str, Files], str]:
    """The catalog, the staged files of each volume (`<series>/<year>` → files) `wanted` keeps, the docs' conf.py.

    Refuses (DailyArchiveError) when sealed files changed: no book is made of an archive that cannot be proved intact.
    """
    loaded = load_archive(archive)
    broken = [p for p in sealed_problems(archive) if p.level == "error"]
    if broken:
        raise DailyArchiveError("sealed files of the archive changed or cannot be proved intact: no book is made\n"
                                + "\n".join(p.format() for p in broken))
    catalog = build_catalog(loaded)
    data = chart_data(catalog, check(loaded))
    plan = page_plan(catalog, data)
    ctx = build_context(catalog, PageSettings(bulletin_toctree=True, volumes=True))
    books: dict[str, Files] = {}
    for bulletin_id, series, year in zip(catalog.bulletins.index, catalog.bulletins["series"], catalog.bulletins["year"]):
        name = f"{series}/{int(year):04d}"
        if wanted is not None and not wanted(name):
            continue
        files = books.setdefault(name, {})
        files.update(bulletin_files(ctx, str(bulletin_id)))
        key = f"bulletin/{bulletin_id}"
        if key in plan:
            files[f"{addresses.CHART_DIR}/{key}.json"] = chart_text(data, plan[key])
    return catalog, dict(sorted(books.items())), (docs / "conf.py").read_text(encoding="utf-8")


def chart_text(data: object, planned: list) -> str:
    """The staged JSON of a page's charts (as `stager.chart_files` writes it, without SVG)."""
    charts = [render(data, p, select(data, p)) for p in planned]  # type: ignore[arg-type]
    return '{"charts":[' + ",\n".join(c.as_json(svg=False) for c in charts) + "]}\n"
