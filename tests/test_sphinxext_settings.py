"""docutils' settings made once a build (`sphinxext._settings`), in real Sphinx builds of small projects."""

from __future__ import annotations

import io
from pathlib import Path

from docutils import frontend
from sphinx.application import Sphinx
from sphinx.util import docutils as sphinx_docutils
from sphinx.util.docutils import docutils_namespace

from dailyarchive.sphinxext import _settings
from dailyarchive.sphinxext._settings import SettingsCache, cache_settings, replaceable

PLAIN = [f"plain-{n}" for n in range(8)]
PAGES = {
    "index.md": "# Home\n\n```{toctree}\nincluding\n" + "".join(f"{name}\n" for name in PLAIN) + "```\n",
    "including.md": "# Including\n\n```{include} part.txt\n```\n",
    **{f"{name}.md": f"# Page {name}\n\nText with *emphasis* and a [link](https://example.org/).\n" for name in PLAIN},
}


def write_project(root: Path) -> Path:
    """A MyST project of ten pages, one of which includes a file."""
    root.mkdir()
    (root / "conf.py").write_text('extensions = ["myst_parser", "dailyarchive.sphinxext._settings"]\n')
    (root / "part.txt").write_text("an included line\n")
    for name, text in PAGES.items():
        (root / name).write_text(text)
    return root


def built(source: Path, out: Path) -> tuple[Sphinx, dict[str, str]]:
    """Build `source` into `out`; the application and the text of every page."""
    warnings = io.StringIO()
    with docutils_namespace():
        app = Sphinx(str(source), str(source), str(out / "html"), str(out / "doctrees"), "html",
                     status=io.StringIO(), warning=warnings)
        app.build()
    assert app.statuscode == 0 and not warnings.getvalue(), warnings.getvalue()
    pages = {p.name: p.read_text() for p in (out / "html").glob("*.html")}
    return app, pages


def test_a_build_with_the_cache_writes_the_pages_and_dependencies_of_one_without(tmp_path, monkeypatch):
    source = write_project(tmp_path / "src")
    assert cache_settings()
    cache = sphinx_docutils._get_settings
    assert isinstance(cache, SettingsCache)
    made = cache.made
    app, cached_pages = built(source, tmp_path / "cached")
    # made once for each of the three kinds of call of a build (reading, writing, the partial renders of titles), not once a page
    assert cache.made - made <= 3 < len(PAGES)
    assert {Path(p).name for p in app.env.dependencies["including"]} == {"part.txt"}  # its include, its own
    assert not {"index", *PLAIN} & set(app.env.dependencies)

    monkeypatch.setattr(sphinx_docutils, "_get_settings", cache.make)  # Sphinx's own, for the same project
    monkeypatch.setattr(_settings, "cache_settings", lambda: False)
    _, plain_pages = built(source, tmp_path / "plain")
    assert cached_pages == plain_pages
    assert "an included line" in cached_pages["including.html"]


def test_each_document_gets_its_own_settings_and_other_defaults_make_new_ones():
    calls = []

    def make(*components, defaults, read_config_files=False):
        calls.append(dict(defaults))
        return frontend.Values({"tab_width": defaults.get("tab_width", 8)})

    cache = SettingsCache(make)
    first = cache("reader", defaults={"tab_width": 4})
    second = cache("another reader", defaults={"tab_width": 4})  # the same kind of component: a copy
    assert first is not second and first.record_dependencies is not second.record_dependencies
    second.record_dependencies.add("included.txt")
    assert first.record_dependencies.list == []
    assert second.tab_width == 4 and len(calls) == 1
    assert cache("reader", defaults={"tab_width": 2}).tab_width == 2 and len(calls) == 2
    assert cache(int, defaults={"tab_width": 2}) is not None and len(calls) == 3  # other components


def test_a_function_of_another_shape_is_left_in_place(monkeypatch):
    def other(*components, settings):
        raise AssertionError("not called")

    monkeypatch.setattr(sphinx_docutils, "_get_settings", other)
    assert not replaceable(other) and not cache_settings()
    assert sphinx_docutils._get_settings is other
    monkeypatch.delattr(sphinx_docutils, "_get_settings")
    assert not cache_settings()
