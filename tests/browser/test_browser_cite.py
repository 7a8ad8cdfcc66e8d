"""Citing in the browser: the access date is the reader's today, each format has a copy button that copies it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator

import pytest
from browsing import BULLETIN, Site, new_visitor
from pybtex.database import parse_string

FORMATS = ("plain text", "BibTeX", "RIS", "CSL-JSON")
URL = "https://syria-daily.example.org/" + BULLETIN.replace("index.html", "v2.html")


@pytest.fixture
def clipboard_visitor(chromium, http_base, sample_build) -> Iterator:  # noqa: ANN001 - fixtures
    """A visitor of the served site whose pages may read and write the clipboard."""
    visitor, context = new_visitor(chromium, Site("http", http_base, sample_build.outdir))
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=http_base.rstrip("/"))
    yield visitor
    assert not visitor.blocked, f"requests left the machine: {visitor.blocked}"
    context.close()


def copy(page, label: str) -> str:  # noqa: ANN001 - a Page
    """Click "Copy <label>" and return what the clipboard then holds."""
    box = page.locator(".dailyarchive-cite")
    box.get_by_role("button", name=f"Copy {label}", exact=True).click()
    status = box.get_by_role("button", name=f"Copy {label}", exact=True).locator("xpath=..").get_by_role("status")
    status.filter(has_text="Copied.").wait_for()
    return page.evaluate("navigator.clipboard.readText()")


def test_each_format_is_copied_whole_with_the_url_and_todays_access_date(clipboard_visitor):
    today = dt.date(2031, 3, 5)  # the reader's day: the page's clock is set to it
    clipboard_visitor.page.clock.set_fixed_time(dt.datetime(2031, 3, 5, 10, 30))
    page = clipboard_visitor.open(BULLETIN)
    copied = {label: copy(page, label) for label in FORMATS}
    assert URL in copied["plain text"] and "Accessed 5 March 2031." in copied["plain text"]
    (entry,) = parse_string(copied["BibTeX"], "bibtex").entries.values()
    assert entry.fields["url"] == URL and entry.fields["urldate"] == today.isoformat()
    assert "Y2  - 2031/03/05/" in copied["RIS"].splitlines() and f"UR  - {URL}" in copied["RIS"]
    (item,) = json.loads(copied["CSL-JSON"])
    assert item["URL"] == URL and item["accessed"] == {"raw": today.isoformat()}
    digest = page.locator(".dailyarchive-sha256").inner_text()
    assert len(digest) == 64 and all(digest in copied[label] for label in FORMATS)
    assert "YYYY" not in page.locator(".dailyarchive-cite").inner_text()  # every placeholder filled in
    assert clipboard_visitor.problems() == []


def test_copy_buttons_appear_only_with_the_script(file_visitor):
    page = file_visitor.open(BULLETIN)
    buttons = page.locator(".dailyarchive-cite button.dailyarchive-copy")
    assert buttons.count() == len(FORMATS) and all(b.is_visible() for b in buttons.all())
    scriptless = page.context.browser.new_context(java_script_enabled=False)  # loads only the file:// page
    try:
        plain = scriptless.new_page()
        plain.goto(file_visitor.site.url(BULLETIN))
        assert plain.locator(".dailyarchive-cite button.dailyarchive-copy").count() == len(FORMATS)
        assert not any(b.is_visible() for b in plain.locator(".dailyarchive-cite button").all())
        assert "Accessed [date accessed]." in plain.locator(".dailyarchive-cite-text").inner_text()
    finally:
        scriptless.close()
    assert file_visitor.problems() == []


def test_the_source_file_link_downloads_the_sealed_bytes(file_visitor, sample_build):
    page = file_visitor.open(BULLETIN)
    link = page.locator(".dailyarchive-cite-digest a")
    assert link.inner_text() == "v2.md" and link.get_attribute("href") == "v2.md"
    source = sample_build.outdir / BULLETIN.replace("index.html", "v2.md")
    assert hashlib.sha256(source.read_bytes()).hexdigest() == page.locator(".dailyarchive-sha256").inner_text()
