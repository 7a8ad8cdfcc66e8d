"""The one trusted way a bulletin body enters a page: ```{dailyarchive-body} /<staged body file>```.

Generated pages pull each version's staged body in with this directive, never
with `{include}`. It reads only files under the staging folder of bodies, runs
the safe profile (`safebody.unsafe_constructs`, the rule check runs too) and:

- with findings, withholds the whole body: a visible notice takes its place,
  a warning (type `dailyarchive`, subtype `body-unsafe`) names the file and
  line, and the build ends with a non-zero status (kept per document in a
  domain, so an incremental build that does not re-read the page still fails);
- without findings, parses it as MyST into the page under restricted
  settings: docutils `raw_enabled` and `file_insertion_enabled` off, only the
  profile's directives and roles found by name, `eval-rst` refused. The
  document's settings also serve the generated page around the body (and
  directives are looked up in module-wide tables), so each is set for the
  body alone and restored after it: the hand-written docs pages (which use
  `{raw}` and `{include}`) and the generated wrappers stay trusted.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives, roles
from sphinx.application import Sphinx
from sphinx.domains import Domain
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..addresses import BODY_DIR
from ..model.safebody import ALLOWED_ROLES, BODY_DIRECTIVE, DIRECTIVES, Finding, own_images, unsafe_constructs

logger = logging.getLogger(__name__)
WITHHELD_NOTICE = ("The text of this version is withheld: it uses constructs a bulletin body may not contain. "
                   "The archivist can list them with `invoke check` (rule body-unsafe).")


class BodyDomain(Domain):
    """The documents whose body was withheld in this build (per document, for incremental and parallel builds)."""

    name = "dailyarchive-body"
    label = "Withheld bulletin bodies"
    initial_data: dict[str, Any] = {"withheld": {}}  # docname -> the body file's path

    def clear_doc(self, docname: str) -> None:
        self.data["withheld"].pop(docname, None)

    def merge_domaindata(self, docnames: set[str], otherdata: dict[str, Any]) -> None:
        for docname, path in otherdata["withheld"].items():
            if docname in docnames:
                self.data["withheld"][docname] = path

    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list[tuple[str, nodes.Element]]:
        return []


class BodyDirective(SphinxDirective):
    """```{dailyarchive-body} /_dailyarchive/bodies/<url>/vN.md```: the version's body, parsed untrusted."""

    required_arguments = 1
    final_argument_whitespace = False
    has_content = False

    def run(self) -> list[nodes.Node]:
        path = self.staged_file(self.arguments[0])
        if path is None:
            return self.refuse("the body file is not a staged body", self.arguments[0], [])
        self.env.note_dependency(str(path))
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return self.refuse(f"the body file cannot be read ({exc})", str(path), [])
        folder = Path(self.env.srcdir) / posixpath.dirname(self.env.docname)
        findings = unsafe_constructs(text, own_files=own_images(folder))
        if findings:
            return self.refuse("the body was withheld from the page", str(path), findings)
        renderer = getattr(self.state, "_renderer", None)
        if renderer is None:  # only MyST pages carry bodies; an rST page has no MyST renderer to parse with
            return self.refuse("the body can only be placed in a MyST page", str(path), [])
        with untrusted(renderer), staged_source(renderer, path):
            renderer.nested_render_text("\n" + text, -1)  # as safebody reads it: a leading `---` block is text
        return []

    def staged_file(self, argument: str) -> Path | None:
        """The body file the argument names, when it is a regular file inside the staging folder of bodies."""
        srcdir = Path(self.env.srcdir).resolve()
        folder = srcdir / BODY_DIR
        try:
            path = (srcdir / argument.lstrip("/")).resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        return path if path.is_relative_to(folder) and path.suffix == ".md" and path.is_file() else None

    def refuse(self, why: str, where: str, findings: list[Finding]) -> list[nodes.Node]:
        """Warn, remember the document as failed, and put a visible notice where the body would be."""
        first = findings[0] if findings else None
        detail = (f" ({len(findings)} construct(s) outside the safe profile; line {first.line}: {first.construct}: "
                  f"{first.fix})") if first else ""
        logger.warning("%s%s (body-unsafe)", why, detail, type="dailyarchive", subtype="body-unsafe",
                       location=f"{where}:{first.line}" if first else self.get_location())
        self.env.get_domain(BodyDomain.name).data["withheld"][self.env.docname] = where
        notice = nodes.warning("", nodes.paragraph("", WITHHELD_NOTICE), classes=["body-withheld"])
        return [notice]


@contextmanager
def untrusted(renderer: Any) -> Iterator[None]:
    """While a body renders: no raw output, no file insertion, only the profile's directives and roles, no eval-rst."""
    settings = renderer.document.settings
    saved = (settings.raw_enabled, settings.file_insertion_enabled, directives.directive, roles.role)
    settings.raw_enabled = False
    settings.file_insertion_enabled = False
    directives.directive = _only(set(DIRECTIVES), saved[2])
    roles.role = _only(set(ALLOWED_ROLES), saved[3])
    renderer.render_restructuredtext = _no_rst(renderer)
    try:
        yield
    finally:
        settings.raw_enabled, settings.file_insertion_enabled, directives.directive, roles.role = saved
        del renderer.render_restructuredtext


def _only(allowed: set[str], lookup: Callable[..., Any]) -> Callable[..., Any]:
    """A directive or role lookup that finds only `allowed` names (docutils lower-cases them too)."""

    def find(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.lower() not in allowed:
            return None, []
        return lookup(name, *args, **kwargs)

    return find


def _no_rst(renderer: Any) -> Callable[[Any], None]:
    """MyST's handler of ```{eval-rst}``` blocks, replaced: the block is dropped with a warning."""

    def refuse(token: Any) -> None:
        line = token.map[0] + 1 if token.map else 1
        logger.warning("eval-rst is not read in bulletin bodies (body-unsafe)", type="dailyarchive",
                       subtype="body-unsafe", location=f"{renderer.document['source']}:{line}")

    return refuse


@contextmanager
def staged_source(renderer: Any, path: Path) -> Iterator[None]:
    """Messages of the body's own parse name the staged body file (as MyST's include does)."""
    document, reporter = renderer.document, renderer.reporter
    source, reporter_source = document["source"], reporter.source
    document["source"] = reporter.source = str(path)
    try:
        yield
    finally:
        document["source"], reporter.source = source, reporter_source


def fail_build(app: Sphinx, exception: Exception | None) -> None:
    """A build that withheld a body ends with a non-zero status (`invoke build` fails)."""
    withheld = app.env.get_domain(BodyDomain.name).data["withheld"] if app.env else {}
    if exception is None and withheld:
        logger.warning("%d page(s) withheld a bulletin body outside the safe profile: %s", len(withheld),
                       ", ".join(sorted(withheld)), type="dailyarchive", subtype="body-unsafe")
        app.statuscode = 1


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive, its domain and the build's final status."""
    app.add_directive(BODY_DIRECTIVE, BodyDirective)
    app.add_domain(BodyDomain)
    app.connect("build-finished", fail_build)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
