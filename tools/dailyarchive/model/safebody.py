"""The safe profile of a bulletin body: every construct outside it, found with MyST's own tokenizer.

A body is untrusted text. It may hold the Markdown a bulletin needs and nothing
else; this module is the one definition of "needs" (an allowlist), used by
`check` (the `body-unsafe` rule) and by the build (`sphinxext._body`), so a
body that check refuses is also withheld from the site. It needs no Sphinx.

The text is tokenised with myst-parser's own markdown-it set-up and the
options of the docs project (`docs/conf.py`), so the scanner sees the blocks,
directives, roles and links the real parser sees. It also sees links that
markdown-it would silently drop (`javascript:`, `data:` ...): they are reported
too, so the archivist learns about them.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils.parsers.rst import Directive, directives
from docutils.parsers.rst.directives.admonitions import Admonition, Note
from docutils.parsers.rst.directives.images import Figure, Image
from docutils.parsers.rst.directives.tables import ListTable, RSTTable
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.directives import MarkupError, parse_directive_text
from myst_parser.parsers.mdit import create_md_parser

from .errors import Problem

if TYPE_CHECKING:
    import datetime as dt

    from .load import LoadedArchive, VersionFile

#: The directive of the Sphinx extension that pulls a staged body into its page.
BODY_DIRECTIVE = "dailyarchive-body"
#: Image files a bulletin may show (SVG is left out: opened on its own it can run scripts).
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp"})
#: The MyST options of `docs/conf.py` (a test keeps the two equal).
MYST_EXTENSIONS = frozenset({"colon_fence", "deflist"})
MYST_DISABLED = ("html_block", "html_inline")

ADMONITIONS = frozenset({"note", "warning", "important", "tip", "caution", "attention", "danger", "error", "hint",
                         "seealso"})
ALLOWED_ROLES = frozenset({"sub", "sup", "abbr"})
IMAGE_OPTIONS = frozenset({"alt", "width", "height", "scale", "align", "class", "loading"})
#: Schemes a body may link to (written in lower case, as MyST recognises them).
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
#: Bulletin pages sit at <series>/<year>/<date>-<slug>/: a relative link may climb at most this far.
PAGE_DEPTH = 3

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_PAGE_LINK = re.compile(r"(?P<path>[A-Za-z0-9._~/-]*)(?:#(?P<fragment>[A-Za-z0-9._-]*))?")
_BLOCKS_ALLOWED = frozenset({
    "paragraph_open", "paragraph_close", "heading_open", "heading_close", "bullet_list_open", "bullet_list_close",
    "ordered_list_open", "ordered_list_close", "list_item_open", "list_item_close", "blockquote_open",
    "blockquote_close", "hr", "code_block", "table_open", "table_close", "thead_open", "thead_close", "tbody_open",
    "tbody_close", "tr_open", "tr_close", "th_open", "th_close", "td_open", "td_close", "footnote_reference_open",
    "footnote_reference_close", "footnote_block_open", "footnote_block_close", "footnote_open", "footnote_close",
    "footnote_anchor", "dl_open", "dl_close", "dt_open", "dt_close", "dd_open", "dd_close", "myst_line_comment",
})
_INLINE_ALLOWED = frozenset({"text", "text_special", "softbreak", "hardbreak", "code_inline", "em_open", "em_close",
                             "strong_open", "strong_close", "link_close", "footnote_ref"})


@dataclass(frozen=True, order=True)
class Finding:
    """One construct of a body outside the safe profile."""

    line: int  # 1-based within the body
    construct: str
    fix: str


@dataclass(frozen=True)
class _Spec:
    """What the profile allows of one directive: its argument shape, options, and what its argument is."""

    shape: type[Directive]
    options: frozenset[str]
    argument: str = "none"  # "none", "title" (inline Markdown) or "image" (a file of the bulletin)


DIRECTIVES: dict[str, _Spec] = {
    **{name: _Spec(Note, frozenset({"class"})) for name in ADMONITIONS},
    "admonition": _Spec(Admonition, frozenset({"class"}), "title"),
    "image": _Spec(Image, IMAGE_OPTIONS, "image"),
    "figure": _Spec(Figure, IMAGE_OPTIONS | {"figwidth", "figclass"}, "image"),
    "list-table": _Spec(ListTable, frozenset({"header-rows", "stub-columns", "widths", "width", "align", "class"}),
                        "title"),
    "table": _Spec(RSTTable, frozenset({"widths", "width", "align", "class"}), "title"),
}

_DIRECTIVE_FIXES = {
    "raw": "remove it: raw HTML or LaTeX is never published from a bulletin; write the text in Markdown",
    "include": "remove it: a bulletin cannot pull in other files; paste the text into the body",
    "literalinclude": "remove it: a bulletin cannot pull in other files; paste the text into a ``` code fence",
    "eval-rst": "rewrite the block in Markdown: reStructuredText is not read in bulletin bodies",
    "csv-table": "write the table in Markdown (| a | b |) or as a {list-table}",
    "code-block": "use a plain ``` fence", "code": "use a plain ``` fence", "sourcecode": "use a plain ``` fence",
}
_SCHEME_FIXES = {
    "javascript": "remove the link: script URLs are never published",
    "vbscript": "remove the link: script URLs are never published",
    "data": "remove it: embedded data URLs are not allowed; put an image file in the bulletin's folder",
    "file": "remove it: files of a machine cannot be linked; link the source's public http(s) address",
}


def unsafe_constructs(body: str, *, own_files: frozenset[str] = frozenset()) -> list[Finding]:
    """Every construct of `body` outside the profile, by line (empty when the body is safe).

    `own_files` are the names of the files in the bulletin's own folder: the only
    images a body may show.
    """
    scanner = _Scanner(own_files)
    scanner.block("\n" + body, 0)  # after a blank line, a `---` block at the start is text, not front matter
    return sorted(set(scanner.findings))


def own_images(folder: Path | str) -> frozenset[str]:
    """Names of the image files a body may show: regular files (not links) directly in `folder`.

    Listed with `scandir`, whose entries know their type: a page a bulletin asks this, so no `stat` a file.
    """
    try:
        with os.scandir(folder) as entries:
            return frozenset(entry.name for entry in entries
                             if os.path.splitext(entry.name)[1].lower() in IMAGE_SUFFIXES
                             and _FILE_NAME.fullmatch(entry.name) and entry.is_file(follow_symlinks=False))
    except OSError:
        return frozenset()


def body_is_safe(version: VersionFile, archive: LoadedArchive, today: dt.date) -> Iterator[Problem]:
    """Rule `body-unsafe`: every construct of the body outside the profile, at its line of the file."""
    for finding in unsafe_constructs(version.body, own_files=own_images(version.path.parent)):
        yield Problem(version.path, version.body_line + finding.line - 1, "error", "body-unsafe",
                      f"{finding.construct} is not allowed in a bulletin body: {finding.fix}")


@functools.cache
def _parser() -> MarkdownIt:
    """MyST's markdown-it with the docs project's options; every link is kept, even those markdown-it drops."""
    config = MdParserConfig(enable_extensions=set(MYST_EXTENSIONS), disable_syntax=list(MYST_DISABLED))
    md = create_md_parser(config, RendererHTML)
    md.validateLink = lambda url: True  # see `javascript:` links too: the real parser drops them silently
    md.core.ruler.disable("wordcount", ignoreInvalid=True)  # a third of the time, and it adds no token
    return md


class _AnyOption(dict[str, Callable[[Any], Any]]):
    """An option spec that accepts every key as text, so the scanner sees every option that was written."""

    def __missing__(self, key: str) -> Callable[[Any], Any]:
        return directives.unchanged

    def __bool__(self) -> bool:
        return True


@functools.cache
def _shape(directive: type[Directive]) -> type[Directive]:
    """A stand-in with the arguments and content of `directive` and every option accepted."""
    return type(f"Scan{directive.__name__}", (directive,), {"option_spec": _AnyOption()})


class _Scanner:
    """Walks the tokens of a body (and of every directive's content) and collects findings."""

    def __init__(self, own_files: frozenset[str]) -> None:
        self.own_files = own_files
        self.findings: list[Finding] = []
        self.env: dict[str, Any] = {}  # shared by nested parses, as MyST shares its md_env
        self.references_seen: set[str] = set()

    def add(self, line: int, construct: str, fix: str) -> None:
        self.findings.append(Finding(line, construct, fix))

    def block(self, text: str, first_line: int) -> None:
        """Scan block Markdown whose first line is line `first_line` of the body."""
        md = _parser()
        tokens = md.parse(text, self.env)
        self.references(first_line)
        for token in tokens:
            line = first_line + (token.map[0] if token.map else 0)
            if token.type == "inline":
                self.inline_tokens(token.children or [], line)
            elif token.type in ("fence", "colon_fence"):
                self.fence(token, line)
            elif token.type == "myst_target":
                self.add(line, f"the target `({token.content})=`",
                         "remove it: a bulletin does not define targets; headings have anchors of their own")
            elif token.type not in _BLOCKS_ALLOWED:
                self.add(line, f"the Markdown construct `{token.type.removesuffix('_open')}`",
                         "remove it: a body holds paragraphs, lists, tables, quotes, footnotes, headings, "
                         "links, admonitions and images of its own folder")

    def references(self, first_line: int) -> None:
        """Check reference definitions (`[label]: url`) that the last parse added."""
        for label, definition in self.env.get("references", {}).items():
            if label not in self.references_seen:
                self.references_seen.add(label)
                line = first_line + definition.get("map", [0])[0]
                self.link(definition.get("href", ""), line)

    def inline(self, text: str, line: int) -> None:
        """Scan inline Markdown (a directive's title)."""
        for token in _parser().parseInline(text, self.env):
            self.inline_tokens(token.children or [], line)

    def inline_tokens(self, children: list[Token], line: int) -> None:
        for child in children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "link_open":
                self.link(str(child.attrGet("href") or ""), line)
            elif child.type == "image":
                self.image(str(child.attrGet("src") or ""), line)
            elif child.type == "myst_role":
                name = str(child.meta.get("name", ""))
                if name.lower() not in ALLOWED_ROLES:
                    self.add(line, f"the role `{{{name}}}`",
                             f"remove it; the roles a body may use are {_listed(ALLOWED_ROLES)}")
            elif child.type not in _INLINE_ALLOWED:
                self.add(line, f"the inline construct `{child.type}`", "remove it or write it as plain text")

    def link(self, href: str, line: int) -> None:
        problem = link_problem(_parser().normalizeLinkText(href))
        if problem is not None:
            self.add(line, *problem)

    def image(self, source: str, line: int) -> None:
        problem = image_problem(_parser().normalizeLinkText(source), self.own_files)
        if problem is not None:
            self.add(line, *problem)

    def fence(self, token: Token, line: int) -> None:
        """A ``` or ::: fence: plain code, or a directive `{name}` (MyST reads it exactly this way)."""
        parts = token.info.strip().split(maxsplit=1)
        name = parts[0] if parts else ""
        if not (name.startswith("{") and name.endswith("}")):
            if token.type == "colon_fence":
                self.add(line, "a `:::` block without a directive name",
                         "use an admonition (:::{note}) or remove the ::: lines")
            return
        name = name[1:-1]
        spec = DIRECTIVES.get(name.lower())
        if spec is None:
            fix = _DIRECTIVE_FIXES.get(name.lower(), f"remove it; the directives a body may use are "
                                                     f"{_listed(DIRECTIVES)}")
            self.add(line, f"the directive `{{{name}}}`", fix)
            return
        content = token.content
        nested_colon = token.type == "colon_fence" and content.startswith(":::")
        self.directive(name, spec, parts[1] if len(parts) > 1 else "", "\n" + content if nested_colon else content,
                       line, -1 if nested_colon else 0)

    def directive(self, name: str, spec: _Spec, first_line: str, content: str, line: int, shift: int) -> None:
        """An allowed directive: its options, its argument, and its content (scanned like a body)."""
        try:
            parsed = parse_directive_text(_shape(spec.shape), first_line, content, line=line)
        except MarkupError as error:
            self.add(line, f"the directive `{{{name}}}`", f"it cannot be read ({error}): fix its first line")
            return
        for key in parsed.options:
            if key not in spec.options:
                why = ("options that read files or URLs are never allowed" if key in ("file", "url", "encoding")
                       else f"the options of {{{name}}} a body may use are {_listed(spec.options) or 'none'}")
                self.add(line, f"the option `:{key}:` of `{{{name}}}`", f"remove it: {why}")
        argument = " ".join(parsed.arguments)
        if spec.argument == "image":
            self.image("".join(argument.split()), line)
        elif spec.argument == "title" and argument:
            self.inline(argument, line)
        if parsed.body:
            self.block("\n".join(parsed.body), line + 1 + parsed.body_offset + shift)


def link_problem(url: str) -> tuple[str, str] | None:
    """(construct, fix) when a link target is outside the profile: http(s), mailto, `#anchor`, a page of the site."""
    if any(c.isspace() or not c.isprintable() for c in url):
        return f"the link target {url!r}", "remove the spaces or control characters from the address"
    if url.startswith("//"):
        return f"the link `{url}`", "write the scheme: https://..."
    match = _SCHEME.match(url)
    if match:
        scheme = match.group(1)
        if scheme.lower() not in LINK_SCHEMES:
            return (f"the link `{url}`", _SCHEME_FIXES.get(scheme.lower(), "link only http, https or mailto "
                                                                          "addresses, or another bulletin"))
        if scheme != scheme.lower():
            return f"the link `{url}`", f"write the scheme in lower case ({scheme.lower()}:)"
        if scheme != "mailto" and not url[len(scheme) + 1:].startswith("//"):
            return f"the link `{url}`", f"write a full address: {scheme}://host/..."
        return None
    return None if _is_page_link(url) else (
        f"the link `{url}`", "link another bulletin as ../<date>-<slug>/index.md (or /<series>/<year>/"
                             "<date>-<slug>/index.md), or give a full http(s) address")


def _is_page_link(url: str) -> bool:
    """`#anchor`, or a `.md` page of the site that stays inside the site from a bulletin's page."""
    match = _PAGE_LINK.fullmatch(url)
    if match is None:
        return False
    path = match.group("path")
    if not path:
        return match.group("fragment") is not None
    if not path.endswith(".md") or "//" in path:
        return False
    inside = path.lstrip("/") if path.startswith("/") else posixpath.join(*["x"] * PAGE_DEPTH, path)
    normal = posixpath.normpath(inside)
    return not normal.startswith("..") and not any(part.startswith((".", "_")) for part in normal.split("/"))


def image_problem(source: str, own_files: frozenset[str]) -> tuple[str, str] | None:
    """(construct, fix) unless `source` names an image file of the bulletin's own folder."""
    if source in own_files and _FILE_NAME.fullmatch(source) and Path(source).suffix.lower() in IMAGE_SUFFIXES:
        return None
    if _SCHEME.match(source) or source.startswith("//"):
        remote = source.startswith(("http:", "https:", "//"))
        return (f"the {'remote ' if remote else ''}image `{source[:80]}`",
                "put the image file in the bulletin's folder and give its name: the site never loads images "
                "from elsewhere")
    if "/" in source or "\\" in source or source.startswith("."):
        return (f"the image `{source}`", "give the name of a file in the bulletin's own folder "
                                         "(no folders, no ..)")
    return (f"the image `{source}`", f"put the file in the bulletin's folder (an image: "
                                     f"{', '.join(sorted(IMAGE_SUFFIXES))}) or fix the name")


def _listed(names: Any) -> str:
    return ", ".join(sorted(names))
