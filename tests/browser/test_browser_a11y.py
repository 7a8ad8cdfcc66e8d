"""axe-core finds no serious or critical violation; screenshots at desktop and phone widths to look at."""

from __future__ import annotations

import pytest
from browsing import BULLETIN, CHRONOLOGY, DESKTOP, HOME, PHONE, SEARCH, axe_violations

PAGES = {
    "home": HOME,
    "bulletin": BULLETIN,
    "search": SEARCH + "?q=Latakia",
    "chronology": CHRONOLOGY,
    "month": "syria-daily/2019/07/index.html",
    "diff": "syria-daily/2019/2019-06-21-civilian-toll-climbs-as-hama-front-holds/diff-v1-v2.html",
}
#: Pages that a feature still to land will add: skipped until then ({name: reason}).
NOT_BUILT: dict[str, str] = {}


def pages() -> list:
    """The pages under test as parameters; pages not built yet are skipped."""
    return [pytest.param(name, marks=[pytest.mark.skip(reason=NOT_BUILT[name])] if name in NOT_BUILT else [])
            for name in PAGES]


@pytest.mark.parametrize("name", pages())
def test_axe_finds_no_serious_or_critical_violation(file_visitor, name):
    page = file_visitor.open(PAGES[name])
    file_visitor.settle()
    violations = axe_violations(page)
    assert not violations, "\n".join(violations)


#: Elements of the main content that stick out of the window on the right, unless a scrolling box holds them.
OFF_SCREEN = """() => {
    const width = document.documentElement.clientWidth, out = [];
    for (const e of document.querySelectorAll('[role=main] *')) {
        const r = e.getBoundingClientRect();
        if (r.width === 0 || r.right <= width + 1) continue;
        let held = false;
        for (let a = e.parentElement; a && !held; a = a.parentElement) {
            const x = getComputedStyle(a).overflowX;
            held = (x === 'auto' || x === 'scroll') && a.getBoundingClientRect().right <= width + 1;
        }
        if (!held) out.push(`${e.tagName.toLowerCase()}.${e.className.baseVal ?? e.className} right=${Math.round(r.right)}`);
    }
    return out.slice(0, 5);
}"""


@pytest.mark.parametrize("width", ["desktop", "phone"])
@pytest.mark.parametrize("name", pages())
def test_screenshot(file_visitor, screenshot_dir, name, width):
    viewport = DESKTOP if width == "desktop" else PHONE
    page = file_visitor.open(PAGES[name], viewport=viewport)
    file_visitor.settle()
    path = screenshot_dir / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1, "page scrolls sideways"
    assert page.evaluate(OFF_SCREEN) == [], "content cut off at the right edge"


def test_axe_does_report_a_serious_violation(broken_copy):
    """On a copy of the home page with an unlabelled form field and pale text, the same check fails."""
    def spoil(folder):
        home = folder / HOME
        css = ".spoiled { color: #d8d8d8; background: #fff; }\n"
        (folder / "_static" / "spoiled.css").write_text(css, encoding="utf-8")
        bad = ('<input type="text" name="nolabel"><link rel="stylesheet" href="_static/spoiled.css">'
               '<p class="spoiled">pale text</p>')  # a stylesheet, since the page's policy refuses inline style
        home.write_text(home.read_text(encoding="utf-8").replace('id="main-content" tabindex="-1">',
                                                                 'id="main-content" tabindex="-1">' + bad, 1),
                        encoding="utf-8")

    visitor = broken_copy(spoil)
    rules = {line.split()[0] for line in axe_violations(visitor.open(HOME))}
    assert {"label", "color-contrast"} <= rules
