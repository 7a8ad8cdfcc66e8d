"""Playwright fixtures: Debian's Chromium opens the sample build from file:// and from a loopback server.

One browser for the whole session; one browser context (and one reused page) per way of serving the
site. Every request is routed: anything that is not the build folder (file://) or the loopback server
is aborted and recorded, so a test can assert that no request left the machine.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from browsing import CHROMIUM, CHROMIUM_ARGS, Site, Visitor, free_port, new_visitor, wait_for_port
from playwright.sync_api import Browser, sync_playwright

#: Where this session wrote its screenshots (set by the `screenshot_dir` fixture, read by the summary).
SCREENSHOTS = pytest.StashKey[Path]()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test (`-m "not browser"` leaves them out)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, for the whole session."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `invoke setup-system` (tools/setup-system.sh) first")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def http_base(sample_build) -> Iterator[str]:
    """`python -m http.server` serving the sample build on 127.0.0.1 (a free port); stopped after the session."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory",
         str(sample_build.outdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def visitor_cache(chromium: Browser) -> Iterator[dict[str, Visitor]]:
    """The session's visitors by site name (one context and page each); contexts closed at the end."""
    cache: dict[str, Visitor] = {}
    yield cache
    for visitor in cache.values():
        visitor.page.context.close()


def get_visitor(request: pytest.FixtureRequest, name: str) -> Visitor:
    """The session's visitor of site `name` ("file" or "http"), made on first use."""
    cache = request.getfixturevalue("visitor_cache")
    if name not in cache:
        folder = request.getfixturevalue("sample_build").outdir
        base = folder.as_uri() + "/" if name == "file" else request.getfixturevalue("http_base")
        cache[name], _ = new_visitor(request.getfixturevalue("chromium"), Site(name, base, folder))
    return cache[name]


@pytest.fixture(params=["file", "http"])
def visitor(request: pytest.FixtureRequest) -> Iterator[Visitor]:
    """The reused page of the site, once from file:// and once from the loopback server."""
    current = get_visitor(request, request.param)
    yield current
    assert not current.blocked, f"requests left the machine: {current.blocked}"


@pytest.fixture
def file_visitor(request: pytest.FixtureRequest) -> Iterator[Visitor]:
    """The reused page of the site opened from file:// (for checks that do not depend on serving)."""
    current = get_visitor(request, "file")
    yield current
    assert not current.blocked, f"requests left the machine: {current.blocked}"


@pytest.fixture(scope="session")
def screenshot_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: <pytest's base temp>/screenshots (printed in the summary)."""
    folder = tmp_path_factory.getbasetemp() / "screenshots"
    folder.mkdir(exist_ok=True)
    request.config.stash[SCREENSHOTS] = folder
    return folder


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:  # noqa: ANN001
    """Say where the screenshots are."""
    folder = config.stash.get(SCREENSHOTS, None)
    if folder is not None and any(folder.glob("*.png")):
        terminalreporter.write_line(f"browser screenshots: {folder} ({len(list(folder.glob('*.png')))} files)")


@pytest.fixture
def broken_copy(request: pytest.FixtureRequest, sample_build, tmp_path: Path) -> Iterator:
    """Make a copy of the sample build, break it with a function, and get a file:// visitor of the copy.

    Usage: ``visitor = broken_copy(lambda folder: ...)``; used to show that the checks can fail.
    """
    contexts = []

    def make(breaker) -> Visitor:  # noqa: ANN001 - a callable taking the copied folder
        folder = shutil.copytree(sample_build.outdir, tmp_path / "html")
        breaker(folder)
        visitor, context = new_visitor(request.getfixturevalue("chromium"), Site("file", folder.as_uri() + "/", folder))
        contexts.append(context)
        return visitor

    yield make
    for context in contexts:
        context.close()
