"""axe-core finds no serious or critical violation; screenshots at desktop and phone widths to look at."""

from __future__ import annotations

import pytest
from browsing import BULLETIN, CHRONOLOGY, DESKTOP, HOME, PHONE, SEARCH, axe_violations

PAGES = {
    "home": HOME,
    "bulletin": BULLETIN,
    "search": SEARCH + "?q=Latakia",
    "chronology": CHRONOLOGY,
}
NOT_BUILT = {"chronology": "chronology page: not built yet (issue 5)"}
#: Known violations of the interim theme, to be fixed by the theme of issue 4 (not strict: passing is welcome).
KNOWN = {"home": "alabaster footer fails color-contrast (theme: issue 4)",
         "bulletin": "alabaster footer fails color-contrast (theme: issue 4)",
         "search": "alabaster footer fails color-contrast (theme: issue 4)"}


def pages(known: dict[str, str] | None = None) -> list:
    """The pages under test as parameters; pages not built yet are skipped, known failures marked."""
    params = []
    for name in PAGES:
        marks = []
        if name in NOT_BUILT:
            marks.append(pytest.mark.skip(reason=NOT_BUILT[name]))
        elif known and name in known:
            marks.append(pytest.mark.xfail(reason=known[name], strict=False))
        params.append(pytest.param(name, marks=marks))
    return params


@pytest.mark.parametrize("name", pages(KNOWN))
def test_axe_finds_no_serious_or_critical_violation(file_visitor, name):
    page = file_visitor.open(PAGES[name])
    violations = axe_violations(page)
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize("width", ["desktop", "phone"])
@pytest.mark.parametrize("name", pages())
def test_screenshot(file_visitor, screenshot_dir, name, width):
    viewport = DESKTOP if width == "desktop" else PHONE
    page = file_visitor.open(PAGES[name], viewport=viewport)
    path = screenshot_dir / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1, "page scrolls sideways"
