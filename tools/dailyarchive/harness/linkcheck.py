"""Check a built HTML folder offline: every internal link, anchor and resource resolves, nothing loads remotely.

Reads every ``*.html`` file under the folder (not only the pages reachable from the home page, so a
version or diff page that nothing links yet is still checked) with the standard library's HTML parser.

- ``href``/``src`` (and the like) that point inside the folder must name an existing file; a folder
  stands for its ``index.html``.
- A ``#fragment`` must be an ``id`` (or an ``<a name>``) of the target page.
- A resource that the browser loads by itself (script, stylesheet, image, frame, media, ``srcset``)
  must not come from the network: the archive must open offline.

Links to other sites (``<a href="https://...">``, a bulletin's sources) are allowed and not fetched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

#: Attributes whose URL the browser follows only when the reader clicks.
NAVIGATION = {("a", "href"), ("area", "href"), ("form", "action")}
#: Attributes whose URL the browser loads by itself when the page opens.
RESOURCES = {
    ("script", "src"), ("img", "src"), ("iframe", "src"), ("frame", "src"), ("embed", "src"),
    ("source", "src"), ("audio", "src"), ("video", "src"), ("video", "poster"), ("track", "src"),
    ("input", "src"), ("object", "data"),
}
#: `<link rel=...>` values that make the browser load the target.
LOADED_LINK_RELS = {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "manifest", "apple-touch-icon"}
#: Schemes that never leave the page or the machine.
LOCAL_SCHEMES = {"", "file"}
SKIPPED_SCHEMES = {"mailto", "tel", "javascript", "data", "blob", "about"}


@dataclass(frozen=True)
class LinkProblem:
    """One link that does not resolve, or a resource that would load from the network."""

    page: Path
    line: int
    url: str
    reason: str

    def format(self, root: Path | None = None) -> str:
        """`page:line: url: reason`, with the page relative to `root` when given."""
        page = self.page.relative_to(root) if root is not None else self.page
        return f"{page}:{self.line}: {self.url}: {self.reason}"


@dataclass
class _Link:
    url: str
    line: int
    loaded: bool


@dataclass
class _Page:
    anchors: set[str] = field(default_factory=set)
    links: list[_Link] = field(default_factory=list)


class _PageParser(HTMLParser):
    """Collects the ids/names a page defines and the URLs it refers to, with line numbers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = _Page()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        line = self.getpos()[0]
        if "id" in values:
            self.page.anchors.add(values["id"])
        if tag == "a" and "name" in values:
            self.page.anchors.add(values["name"])
        for name, value in values.items():
            if (tag, name) in NAVIGATION:
                self.page.links.append(_Link(value.strip(), line, loaded=False))
            elif (tag, name) in RESOURCES:
                self.page.links.append(_Link(value.strip(), line, loaded=True))
            elif name in {"srcset", "imagesrcset"}:
                self.page.links.extend(_Link(url, line, loaded=True) for url in _srcset_urls(value))
        if tag == "link" and "href" in values:
            rels = set(values.get("rel", "").lower().split())
            self.page.links.append(_Link(values["href"].strip(), line, loaded=bool(rels & LOADED_LINK_RELS)))

    handle_startendtag = handle_starttag


def _srcset_urls(value: str) -> list[str]:
    """The URLs of a `srcset` attribute (each candidate is `URL [descriptor]`)."""
    return [part.split()[0] for part in value.split(",") if part.split()]


def parse_page(path: Path) -> tuple[set[str], list[tuple[str, int, bool]]]:
    """The anchors of an HTML file and its links as (url, line, loaded-by-the-browser)."""
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    parser.close()
    return parser.page.anchors, [(link.url, link.line, link.loaded) for link in parser.page.links]


def _target(page: Path, path: str) -> Path:
    """The file a local URL path points at, from `page` (a folder stands for its index.html)."""
    target = page.parent / PurePosixPath(path) if path else page
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return Path(target)


def _check_link(root: Path, page: Path, url: str, loaded: bool,
                anchors_of: dict[Path, set[str]]) -> str | None:
    """Why a link is broken, or None when it resolves."""
    if not url:
        return "empty URL" if loaded else None
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in SKIPPED_SCHEMES:
        return None
    if scheme not in LOCAL_SCHEMES or parts.netloc:
        return "loads from the network (the archive must open offline)" if loaded else None
    if scheme == "file":
        return "absolute file:// URL (works only on the machine that built it)"
    if url.startswith("/"):
        return "root-relative URL (breaks when the folder is opened from file://)"
    target = _target(page, unquote(parts.path)).resolve()
    if not target.is_relative_to(root):
        return "points outside the build folder"
    if not target.is_file():
        return "no such file"
    fragment = unquote(parts.fragment)
    if fragment and target.suffix == ".html":
        if target not in anchors_of:
            anchors_of[target] = parse_page(target)[0]
        if fragment not in anchors_of[target]:
            return f"no anchor #{fragment} in {target.relative_to(root).as_posix()}"
    return None


def check_links(root: Path, pages: Iterable[Path] | None = None) -> list[LinkProblem]:
    """Every broken internal link or anchor and every remote resource of the HTML files under `root`.

    `pages` limits which files are read for links (all ``*.html`` under `root` by default); targets are
    always resolved against the whole folder.
    """
    root = root.resolve()
    files = sorted(root.rglob("*.html")) if pages is None else [Path(p).resolve() for p in pages]
    anchors_of: dict[Path, set[str]] = {}
    parsed = {}
    for page in files:
        anchors, links = parse_page(page)
        anchors_of[page] = anchors
        parsed[page] = links
    problems = []
    for page, links in parsed.items():
        for url, line, loaded in links:
            reason = _check_link(root, page, url, loaded, anchors_of)
            if reason:
                problems.append(LinkProblem(page, line, url, reason))
    return problems
