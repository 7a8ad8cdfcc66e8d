"""What the browser tests share: the pages under test, the served site, and a page that logs its problems.

Every page also reports each Content-Security-Policy violation (a `securitypolicyviolation` event),
so any test that asserts `visitor.problems() == []` also asserts that the site obeys its own policy.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Route

#: Debian's Chromium (tools/setup-system.sh installs it): Playwright's own download cannot work offline.
CHROMIUM = Path(os.environ.get("DAILYARCHIVE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
#: Paths of the pages under test, relative to the build folder.
HOME = "index.html"
BULLETIN = "syria-daily/2019/2019-07-09-northern-latakia-counter-attack/index.html"
SEARCH = "search.html"
CHRONOLOGY = "chronology/index.html"


#: True once every chart is drawn or says why not, and the search page (if any) shows results or a problem.
SETTLED = """() => {
    const charts = [...document.querySelectorAll('figure.dailyarchive-chart')].every(f =>
        f.classList.contains('dailyarchive-chart-ready') || f.querySelector('.dailyarchive-chart-view').textContent);
    const box = document.getElementById('dailyarchive-search-results');
    const searching = box !== null && new URLSearchParams(location.search).toString() !== '' &&
        !box.querySelector('.dailyarchive-problem') &&
        ![...box.querySelectorAll('.dailyarchive-count')].some(p => !p.textContent.includes('Searching'));
    return charts && !searching && document.readyState === 'complete';
}"""
#: Runs before the page's own scripts: hands every CSP violation of the page to Python.
REPORT_VIOLATIONS = """document.addEventListener('securitypolicyviolation', e => window.__dailyarchiveViolation(
    `${e.effectiveDirective} refused ${e.blockedURI || 'inline'} (${e.sourceFile || document.URL}:${e.lineNumber})`
));"""


@dataclass(frozen=True)
class Site:
    """The sample build as the browser reaches it: `file` (the folder) or `http` (a loopback server)."""

    name: str
    base: str
    folder: Path

    def url(self, relative: str = HOME) -> str:
        """The URL of a page given by its path relative to the build folder."""
        return self.base + relative

    def is_local(self, url: str) -> bool:
        """Whether a request stays on this machine: the build folder or the loopback server."""
        return url.startswith(self.base) or url.startswith(("data:", "blob:", "about:"))


@dataclass
class Visitor:
    """A reused page of one site that records console errors, page errors and blocked remote requests."""

    site: Site
    page: Page
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    requested: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def open(self, relative: str = HOME, viewport: dict[str, int] = DESKTOP, idle: bool = False) -> Page:
        """Load a page of the site (forgetting what earlier pages logged) and wait until it has loaded.

        With `idle`, also wait until no request has been open for 500 ms (every script-loaded file fetched).
        """
        self.clear()
        self.page.set_viewport_size(viewport)
        response = self.page.goto(self.site.url(relative), wait_until="load")
        if self.site.name == "http":
            assert response is not None and response.ok, f"{relative}: HTTP {response and response.status}"
        if idle:
            self.page.wait_for_load_state("networkidle")
        return self.page

    def settle(self, timeout: float = 15_000) -> Page:
        """Wait until the page's scripts are done: charts drawn (or failed) and search results shown."""
        self.page.wait_for_function(SETTLED, timeout=timeout)
        return self.page

    def clear(self) -> None:
        """Forget what was logged so far."""
        for log in (self.console_errors, self.page_errors, self.blocked, self.failed, self.requested, self.violations):
            log.clear()

    def problems(self) -> list[str]:
        """Everything that went wrong since the last `open`: errors, failed loads, remote requests."""
        return ([f"console: {m}" for m in self.console_errors] + [f"page error: {m}" for m in self.page_errors]
                + [f"remote request blocked: {u}" for u in self.blocked] + [f"failed: {u}" for u in self.failed]
                + [f"policy violation: {v}" for v in self.violations])

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def _on_route(self, route: Route) -> None:
        url = route.request.url
        if self.site.is_local(url):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 20) -> None:
    """Return once the server accepts connections; fail if it exits or does not come up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"http.server exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"http.server did not listen on 127.0.0.1:{port} within {seconds} s")


def new_visitor(browser: Browser, site: Site) -> tuple[Visitor, BrowserContext]:
    """A fresh browser context with routing and logging (CSP violations too), and its one page."""
    context = browser.new_context(viewport=DESKTOP, service_workers="block", locale="en-GB")
    context.expose_binding("__dailyarchiveViolation", lambda source, text: visitor.violations.append(text))
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()
    visitor = Visitor(site, page)
    context.route("**/*", visitor._on_route)
    page.on("console", visitor._on_console)
    page.on("request", lambda req: visitor.requested.append(req.url))
    page.on("pageerror", lambda error: visitor.page_errors.append(str(error)))
    page.on("requestfailed", lambda req: visitor.failed.append(
        f"{req.url} ({req.failure})") if site.is_local(req.url) else None)
    return visitor, context


def axe_violations(page: Page, impacts: frozenset[str] = frozenset({"serious", "critical"}),
                   context: dict | None = None) -> list[str]:
    """axe-core's violations of the given impacts on the loaded page, one readable line per element.

    `context` is axe's include/exclude context, e.g. ``{"exclude": [[".dailyarchive-chart-view"]]}``.
    """
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context, options={"resultTypes": ["violations"]})
    return [f"{v['id']} ({v['impact']}): {v['help']}: {node['target']} {node['html'][:160]}"
            for v in results.response["violations"] if v["impact"] in impacts for node in v["nodes"]]
