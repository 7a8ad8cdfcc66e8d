"""Sphinx glue of volumes: a series-year built as its own project, linking to the rest of the site.

With ``dailyarchive_volume = "<series>/<year>"`` the project holds one volume's pages under
their site paths, so every page's relative URLs (to `_static/`, to other pages) are the
site's own. Links to documents of other projects (the site's pages, other volumes) become
relative URLs instead of missing references; the theme's `hasdoc` and root document are the
site's; images go into the volume's own folder, so volumes never share a file.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.osutil import relative_uri

from ..addresses import ROOT_DOC, SITE_DOCS


def volume(app: Sphinx) -> str:
    """The volume this project builds (`<series>/<year>`), or '' for the site or a whole-archive project."""
    return app.config.dailyarchive_volume


def links_across_projects(config: Config) -> bool:
    """True for a volume's or the site's project: a link to a document of another project is a relative URL, so
    every link is one (not for a whole-archive project or the extension in another project)."""
    return bool(config.dailyarchive_volume or config.dailyarchive_site_links)


def other_project_uri(app: Sphinx, fromdoc: str, target: str) -> str:
    """The relative URL from `fromdoc` to the page of docname `target` in another project."""
    return relative_uri(app.builder.get_target_uri(fromdoc), app.builder.get_target_uri(target))


class CrossProjectLinks(SphinxPostTransform):
    """Markdown links (`[text](/docname.md)`) to documents of other projects become relative URLs."""

    default_priority = 5  # before MyST's resolver (9), which would warn and drop them

    def run(self, **kwargs: Any) -> None:
        if not links_across_projects(self.config):
            return
        for node in list(self.document.findall(addnodes.pending_xref)):
            target = _markdown_docname(node)
            if target is None or target in self.env.all_docs:
                continue
            link = nodes.reference("", "", internal=True,
                                   refuri=other_project_uri(self.env.app, self.env.docname, target))
            link += node.children
            node.replace_self(link)


def _markdown_docname(node: addnodes.pending_xref) -> str | None:
    """`a/b` of an unresolved MyST link to `/a/b.md`, else None."""
    if node.get("reftype") != "myst" or node.get("refdomain"):
        return None
    target = str(node.get("reftarget", ""))
    if not target.startswith("/") or not target.endswith(".md") or "#" in target:
        return None
    return posixpath.normpath(target[1:-3])


def resolve_other_project(app: Sphinx, env: BuildEnvironment, node: addnodes.pending_xref,
                          contnode: nodes.Element) -> nodes.reference | None:
    """`{doc}` references to documents of other projects: a relative URL (volumes and the site only)."""
    if not links_across_projects(app.config) or node.get("reftype") != "doc":
        return None
    target = str(node["reftarget"]).lstrip("/")
    link = nodes.reference("", "", internal=True, refuri=other_project_uri(app, node["refdoc"], target))
    link += contnode
    return link


def use_volume_folders(app: Sphinx) -> None:
    """A volume's images go into its own folder (`<series>/<year>/_images/`)."""
    if volume(app) and app.builder.format == "html":
        app.builder.imagedir = f"{volume(app)}/_images"


def volume_pages_are_orphans(app: Sphinx, doctree: nodes.document) -> None:
    """Every page of a volume is an orphan: reached by links (breadcrumbs, previous and next, the site's
    pages), never by a toctree of its own project. Its pages carry no front matter to say so."""
    if volume(app):
        app.env.metadata[app.env.docname].setdefault("orphan", True)


def site_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                 doctree: nodes.document | None) -> None:
    """The theme sees the site: its home page and its hand-written pages exist."""
    if not volume(app):
        return
    site_docs = _site_docs(app)
    has = context.get("hasdoc")
    context["root_doc"] = context["master_doc"] = ROOT_DOC
    context["hasdoc"] = lambda name: name in site_docs or bool(has and has(name))


def _site_docs(app: Sphinx) -> frozenset[str]:
    path = Path(app.srcdir) / SITE_DOCS
    try:
        return frozenset(path.read_text(encoding="utf-8").split())
    except OSError:
        return frozenset()


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the volume setting and its handlers."""
    app.add_config_value("dailyarchive_volume", "", "env", types=[str],
                         description="the volume (`<series>/<year>`) this project builds; empty for the site")
    app.add_config_value("dailyarchive_site_links", False, "env", types=[bool],
                         description="links to documents of other projects (volumes) become relative URLs")
    app.add_post_transform(CrossProjectLinks)
    app.connect("missing-reference", resolve_other_project)
    app.connect("builder-inited", use_volume_folders)
    app.connect("doctree-read", volume_pages_are_orphans)
    app.connect("html-page-context", site_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
