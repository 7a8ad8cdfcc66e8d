"""The timeline's figures for `invoke bench`: time to first draw, to zoom one step, and bytes loaded.

Debian's Chromium (Playwright) opens the largest timeline page of a built site (the chronology's,
which spans every event) from file://, as a reader with no network would. The first draw is the
page's own clock from navigation to the timeline drawn (and to the next frame painted); a zoom
step is the median of a few keyboard zooms (in and out, the view drawn again on the next frame);
the bytes are the sizes of every file the page asked for by then (page, scripts, styles, fonts,
data files).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from ..addresses import TIMELINE_DIR

#: The page whose timeline spans the whole archive.
PAGE = "chronology/index.html"
CHROMIUM = Path(os.environ.get("DAILYARCHIVE_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
KEYS = {
    "timeline_first_draw_ms": "the largest timeline page (the chronology's) from file:// in Chromium: navigation "
                              "to the timeline drawn (Vega's first render done), ms",
    "timeline_first_paint_ms": "the same, until the first frame that shows it is painted (later when the page's "
                               "other scripts, such as its charts, hold the browser), ms",
    "timeline_zoom_ms": "one keyboard zoom step on that timeline, drawn (median of 6), ms",
    "timeline_mb": "bytes that page loads up to its first zoom (page, scripts, styles, data files), MB",
    "timeline_events": "events of the archive on that timeline (its manifest's count)",
}
#: One zoom step as the + key makes it, timed until the next frame is drawn.
ZOOM = """async (name) => {
    const timeline = document.querySelector('figure.dailyarchive-timeline').dailyarchiveTimeline;
    const started = performance.now();
    await timeline.action(name);
    await new Promise(done => requestAnimationFrame(() => done()));
    return performance.now() - started;
}"""


def timeline_figures(html: Path, timeout_ms: float = 60_000) -> dict[str, Any]:
    """KEYS measured on `html/<PAGE>` in a child process (Playwright's sync API refuses to run inside a
    caller's asyncio loop, as in a test session that has a browser open); see `measure_timeline`."""
    try:
        child = subprocess.run([sys.executable, "-m", "dailyarchive.harness.timelinebench", str(html), str(timeout_ms)],
                               capture_output=True, text=True, timeout=timeout_ms / 1000 + 60)
    except subprocess.TimeoutExpired:
        return dict.fromkeys(KEYS) | {"timeline_error": "the timeline measurement did not finish in time"}
    if child.returncode:
        return dict.fromkeys(KEYS) | {"timeline_error": (child.stderr.strip().splitlines() or ["it failed"])[-1]}
    return json.loads(child.stdout)


def measure_timeline(html: Path, timeout_ms: float = 60_000) -> dict[str, Any]:
    """KEYS measured on `html/<PAGE>`; every value None (and `timeline_error` why) when it cannot be measured."""
    empty: dict[str, Any] = dict.fromkeys(KEYS)
    page_file = html / PAGE
    if not page_file.is_file() or not (html / TIMELINE_DIR / "manifest.js").is_file():
        return empty | {"timeline_error": f"{page_file} has no timeline"}
    if not CHROMIUM.exists():
        return empty | {"timeline_error": f"{CHROMIUM} is missing (tools/setup-system.sh installs it)"}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return empty | {"timeline_error": "playwright is not installed (the test extra)"}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            return _measure(browser, page_file, timeout_ms)
        finally:
            browser.close()


def _measure(browser: Any, page_file: Path, timeout_ms: float) -> dict[str, Any]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    page.goto(page_file.as_uri(), wait_until="load")
    page.wait_for_selector("figure.dailyarchive-timeline[data-first-paint-ms]", timeout=timeout_ms)
    figure = page.locator("figure.dailyarchive-timeline")
    first, paint = (float(figure.get_attribute(f"data-first-{what}-ms") or "nan") for what in ("draw", "paint"))
    steps = [page.evaluate(ZOOM, name) for name in ("zoom-in", "zoom-in", "zoom-out", "zoom-in", "zoom-out",
                                                    "zoom-out")]
    count = page.evaluate("() => window.DailyArchiveTimeline.manifestCount()")
    size = sum(_file_size(url) for url in dict.fromkeys(requested))
    page.close()
    return {"timeline_first_draw_ms": round(first), "timeline_first_paint_ms": round(paint),
            "timeline_zoom_ms": round(statistics.median(steps), 1),
            "timeline_mb": round(size / 2**20, 3), "timeline_events": count}


def _file_size(url: str) -> int:
    """The size on disk of a file:// URL (0 for anything else or a missing file)."""
    parsed = urlparse(url)
    if parsed.scheme != "file":
        return 0
    try:
        return Path(unquote(parsed.path)).stat().st_size
    except OSError:
        return 0


if __name__ == "__main__":  # python -m dailyarchive.harness.timelinebench <html folder> [timeout ms]
    print(json.dumps(measure_timeline(Path(sys.argv[1]), *map(float, sys.argv[2:3])), indent=1))
