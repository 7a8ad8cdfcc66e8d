"""The stager's drawings: started in batches on the drawing process, read back from the cache the next time."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from dailyarchive.addresses import SVG_DIR
from dailyarchive.build.stager import SVG_CACHE, Drawings


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
