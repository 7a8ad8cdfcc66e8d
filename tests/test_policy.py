"""The Content-Security-Policy: on every page before anything it governs, and obeyed by the site's own HTML."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from dailyarchive.policy import HEADER_LINE, POLICY

ROOT = Path(__file__).resolve().parents[1]
#: What the policy forbids in the markup: event handler attributes, inline style, script URLs.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href"}


class PageAudit(HTMLParser):
    """Reads one page: where the policy stands, and everything in it the policy would refuse."""

    def __init__(self) -> None:
        super().__init__()
        self.policy: list[str] = []
        self.before_policy: list[str] = []
        self.refused: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "content-security-policy":
            self.policy.append(values.get("content") or "")
        elif not self.policy and tag in {"script", "link", "style", "base", "img"}:
            self.before_policy.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.refused.append(f"handler {name}={value!r} on <{tag}>")
            elif name == "style":
                self.refused.append(f"inline style {value!r} on <{tag}>")
            elif name in URL_ATTRIBUTES and (value or "").strip().lower().startswith(("javascript:", "vbscript:")):
                self.refused.append(f"script URL {value!r} on <{tag}>")
        if tag == "style":
            self.refused.append("a <style> element")
        if tag == "script" and "src" not in values and values.get("type") != "application/json":
            self.refused.append("an inline <script>")


def audit(page: Path) -> PageAudit:
    """The audit of one built page."""
    parser = PageAudit()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def test_every_page_carries_the_policy_before_any_script_or_style(sample_build):
    pages = sorted(sample_build.outdir.rglob("*.html"))
    assert len(pages) > 50
    wrong = {}
    for page in pages:
        found = audit(page)
        if found.policy != [POLICY] or found.before_policy:
            wrong[str(page.relative_to(sample_build.outdir))] = (found.policy, found.before_policy)
    assert wrong == {}


def test_no_page_has_inline_script_handlers_style_or_script_urls(sample_build):
    refused = {}
    for page in sorted(sample_build.outdir.rglob("*.html")):
        found = audit(page).refused
        if found:
            refused[str(page.relative_to(sample_build.outdir))] = found[:3]
    assert refused == {}


def test_policy_keeps_scripts_images_and_plugins_to_the_site():
    directives = dict(part.strip().split(" ", 1) for part in POLICY.split(";"))
    assert directives["script-src"] == "'self'" and "unsafe" not in POLICY
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
    assert directives["img-src"] == directives["style-src"] == directives["default-src"] == "'self'"
    assert directives["form-action"] == "'self'"


def test_guide_gives_the_header_line_for_servers():
    guide = (ROOT / "docs" / "guide.md").read_text(encoding="utf-8")
    assert HEADER_LINE in guide
    name, value = HEADER_LINE.split(": ", 1)
    assert f'add_header {name} "{value}" always;' in guide
