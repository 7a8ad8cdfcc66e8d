"""The Content-Security-Policy in the browser: the site works under it, injected script does not run."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from browsing import BULLETIN, CHRONOLOGY, HOME, SEARCH, Site, Visitor, free_port, new_visitor, wait_for_port
from test_browser_charts import KILLED, draw_charts, find_point, marks_per_chart
from test_browser_search import LATAKIA_TITLE, search

from dailyarchive.policy import META, POLICY

#: One page of each kind, the hand-written docs included.
PAGES = {
    "home": HOME,
    "bulletin": BULLETIN,
    "earlier version": BULLETIN.replace("index.html", "v1.html"),
    "what changed": BULLETIN.replace("index.html", "diff-v1-v2.html"),
    "chronology": CHRONOLOGY,
    "series": "syria-daily/index.html",
    "place": "places/idlib-province/index.html",
    "search": SEARCH + "?q=Latakia",
    "guide": "guide.html",
    "format": "format.html",
    "data": "data.html",
}
#: Where the injection goes: the start of the bulletin page's main content.
BODY = '<div class="body" role="main" id="main-content" tabindex="-1">'
#: What a hostile bulletin would try, if it got past the safe body profile: each sets `window.__pwned`.
INJECTED = """
<script>window.__pwned = (window.__pwned || []).concat("inline script");</script>
<img src="no-such-image.png" alt="" onerror="window.__pwned = (window.__pwned || []).concat('onerror handler')">
<a id="injected-link" href="javascript:window.__pwned = (window.__pwned || []).concat('javascript URL')">a link</a>
<p id="injected-style" style="color: rgb(255, 0, 0)">inline style</p>
<img id="injected-remote" src="https://tracker.example/pixel.gif" alt="">
"""
INJECTED_PAGE = BULLETIN.replace("index.html", "injected.html")
UNPROTECTED_PAGE = BULLETIN.replace("index.html", "injected-without-policy.html")


def policy_of(visitor: Visitor) -> list[str]:
    """The Content-Security-Policy `<meta>` contents of the open page."""
    return visitor.page.locator("meta[http-equiv='Content-Security-Policy']").evaluate_all(
        "metas => metas.map(m => m.content)")


@pytest.mark.parametrize("name", PAGES)
def test_page_runs_under_its_policy_with_no_violation(visitor, name):
    visitor.open(PAGES[name])
    visitor.settle()
    visitor.page.wait_for_load_state("networkidle")
    assert policy_of(visitor) == [POLICY]
    assert visitor.violations == []
    assert visitor.problems() == []


def test_charts_draw_with_tooltips_and_svg_links_under_the_policy(visitor):
    page = draw_charts(visitor, CHRONOLOGY)
    counts = marks_per_chart(page)
    assert counts and all(count > 0 for count in counts), counts
    _, text = find_point(page, KILLED, "9 July 2019", "civilians", "544")
    assert "at least 544" in text
    tooltip = page.locator("#vg-tooltip-element.visible")
    assert tooltip.evaluate("t => getComputedStyle(t).position") == "fixed"  # vega-tooltip's rules, from our file
    links = page.locator("a.dailyarchive-chart-svg").evaluate_all("links => links.map(a => a.href)")
    assert len(links) == len(counts)
    assert all(link.startswith(visitor.site.base) for link in links), links
    assert all((visitor.site.folder / unquote(link.removeprefix(visitor.site.base))).is_file() for link in links)
    assert policy_of(visitor) == [POLICY]
    assert visitor.violations == [] and visitor.problems() == []


def test_search_and_filters_work_under_the_policy(visitor):
    outcome = search(visitor, q="Latakia")
    assert LATAKIA_TITLE in outcome.titles and outcome.problems == []
    narrowed = search(visitor, q="attack", place="Mount Turkmen", corrected="1")
    assert narrowed.titles == [LATAKIA_TITLE], narrowed
    page = visitor.open(CHRONOLOGY)
    total = page.locator("li.dailyarchive-event").count()
    page.locator("select[data-filter=places]").select_option(label="Latakia Province")
    shown = page.locator("li.dailyarchive-event:visible").count()
    assert 0 < shown < total
    assert page.locator(".dailyarchive-events-count").inner_text() == f"{shown} of {total} events shown"
    assert policy_of(visitor) == [POLICY]
    assert visitor.violations == [] and visitor.problems() == []


def inject(folder: Path) -> None:
    """Write the bulletin page with the hostile markup twice: as built (with the policy) and without the policy."""
    built = (folder / BULLETIN).read_text(encoding="utf-8")
    assert built.count(BODY) == 1 and built.count(META) == 1
    injected = built.replace(BODY, BODY + INJECTED)
    (folder / INJECTED_PAGE).write_text(injected, encoding="utf-8")
    (folder / UNPROTECTED_PAGE).write_text(injected.replace(META, ""), encoding="utf-8")


@pytest.fixture(params=["file", "http"])
def injected_site(request: pytest.FixtureRequest, sample_build, tmp_path: Path) -> Iterator[Visitor]:
    """A copy of the sample build with the injected pages, opened from file:// or from its own loopback server."""
    folder = shutil.copytree(sample_build.outdir, tmp_path / "html")
    inject(folder)
    server = None
    base = folder.as_uri() + "/"
    if request.param == "http":
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                                   "--directory", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(port, server)
        base = f"http://127.0.0.1:{port}/"
    visitor, context = new_visitor(request.getfixturevalue("chromium"), Site(request.param, base, folder))
    try:
        yield visitor
    finally:
        context.close()
        if server is not None:
            server.terminate()
            server.wait(timeout=10)


def open_injected(visitor: Visitor, relative: str) -> list[str]:
    """Open an injected page, click its `javascript:` link, and return what of the injection ran."""
    page = visitor.open(relative, idle=True)
    page.locator("#injected-link").click()
    page.wait_for_timeout(200)  # a javascript: URL runs (or is refused) after the click returns
    return page.evaluate("window.__pwned || []")


def test_injected_script_handler_link_style_and_remote_image_are_refused(injected_site):
    visitor = injected_site
    ran = open_injected(visitor, INJECTED_PAGE)
    page = visitor.page
    assert ran == [], f"injected script ran under the policy: {ran}"
    assert page.locator("#injected-style").evaluate("p => getComputedStyle(p).color") != "rgb(255, 0, 0)"
    refused = " ".join(visitor.violations)
    for directive in ("script-src-elem", "script-src-attr", "style-src-attr", "img-src"):
        assert directive in refused, visitor.violations
    assert "tracker.example" in refused and visitor.blocked == [], "the remote image must not even be requested"
    assert page.locator("figure.dailyarchive-chart-ready").count() == 1  # the page's own chart still draws


def test_without_the_policy_the_same_injection_runs(injected_site):
    """The control: the injected page minus its `<meta>` runs every trick, so the test above tests the policy."""
    visitor = injected_site
    ran = open_injected(visitor, UNPROTECTED_PAGE)
    assert set(ran) == {"inline script", "onerror handler", "javascript URL"}, ran
    assert visitor.page.locator("#injected-style").evaluate("p => getComputedStyle(p).color") == "rgb(255, 0, 0)"
    assert any("tracker.example" in url for url in visitor.blocked)  # requested (and stopped only by the test's router)
    assert visitor.violations == []
