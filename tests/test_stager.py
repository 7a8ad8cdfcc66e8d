"""The stager's work on the workers: the drawings, started in batches on the drawing process and read back the
next time; the catalog's files, installed by the worker that made them."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from helpers import write_archive, write_bulletin

from dailyarchive.addresses import SVG_DIR
from dailyarchive.build.reading import read_archive
from dailyarchive.build.stage import content_bytes
from dailyarchive.build.stager import SVG_CACHE, Drawings, StageSettings, catalog_files, installed_catalog_files


class CountingPool(ThreadPoolExecutor):
    """A real executor that remembers how many specs each batch it was given holds."""

    def __init__(self) -> None:
        super().__init__(max_workers=1)
        self.batches: list[int] = []

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.batches.append(len(args[0]))
        return super().submit(fn, *args, **kwargs)


def point_chart(x: int) -> dict[str, Any]:
    """A Vega-Lite chart of one point at `x`."""
    return {"data": {"values": [{"x": x}]}, "mark": "point", "encoding": {"x": {"field": "x", "type": "quantitative"}}}


def test_drawings_start_in_batches_and_every_svg_shown_is_kept_for_the_next_build(tmp_path, monkeypatch):
    drawings = Drawings(tmp_path)
    for x in range(5):
        drawings.draw(f"chart-{x}", lambda x=x: point_chart(x))
    drawings.draw("chart-0", lambda: point_chart(99))  # a name asked for twice is drawn once
    drawings.show([f"chart-{x}" for x in range(5)])
    monkeypatch.setattr(Drawings, "BATCH", 3)
    with CountingPool() as drawer:
        drawings.start(drawer)
        assert drawer.batches == [3, 2]
        drawings.start()  # nothing left to start
        assert drawer.batches == [3, 2]
        files = drawings.files()
    assert sorted(files) == [f"{SVG_DIR}/chart-{x}.svg" for x in range(5)]
    assert all(svg.lstrip().startswith(b"<svg") for svg in files.values())
    assert sorted(p.name for p in (tmp_path / SVG_CACHE).iterdir()) == [f"chart-{x}.svg" for x in range(5)]
    again = Drawings(tmp_path)  # the next build: drawn before, read back from the cache
    again.show(["chart-3"])
    assert again.files() == {f"{SVG_DIR}/chart-3.svg": files[f"{SVG_DIR}/chart-3.svg"]}


def test_a_worker_installs_the_catalogs_files_itself_and_hands_back_only_their_paths(tmp_path):
    archive = write_archive(tmp_path / "archive")
    write_bulletin(archive, "2019-07-09", "a", title="Shelling <b>&</b> \\emph{x} in حلب")
    write_bulletin(archive, "2019-07-10", "b")
    reading = read_archive(archive, tmp_path / "cache")
    html, ledger = tmp_path / "html", tmp_path / "outputs-catalog.sums"
    made, problems = catalog_files(reading.catalog, StageSettings(), cache=tmp_path / "cache")
    installed = installed_catalog_files(reading.catalog, StageSettings(), frozenset(), tmp_path / "cache",
                                        reading.digests, html, ledger)
    assert sorted(installed.paths) == sorted(made) and installed.written == len(made) and not installed.problems
    assert any(path.endswith("/v1.bib") for path in installed.paths)
    for path, content in made.items():
        assert (html / path).read_bytes() == content_bytes(content)
    assert all(Path(text).is_file() for text in installed.kept)  # the cache's texts (and the archive's sources)
    assert any(text.startswith(str(tmp_path / "cache" / "citations" / "texts")) for text in installed.kept)
    again = installed_catalog_files(reading.catalog, StageSettings(), frozenset(), tmp_path / "cache",
                                    reading.digests, html, ledger)
    assert again.written == 0 and sorted(again.paths) == sorted(installed.paths)  # the ledger knows them
