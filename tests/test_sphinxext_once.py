"""What Sphinx works out for every document, worked out once a build (`sphinxext._once`): real Sphinx builds of
small projects."""

from __future__ import annotations

import io
import re
import shutil
import zlib
from pathlib import Path

from docutils import frontend
from helpers import sphinx_build
from sphinx.application import Sphinx
from sphinx.builders import html as html_builder
from sphinx.util import docutils as sphinx_docutils

from dailyarchive.sphinxext import _once
from dailyarchive.sphinxext._once import (SETTINGS_KEYWORDS, ChecksumCache, SettingsCache, cache_checksums,
                                          cache_settings, replaceable)

PLAIN = [f"plain-{n}" for n in range(8)]
PAGES = {
    "index.md": "# Home\n\n```{toctree}\nincluding\n" + "".join(f"{name}\n" for name in PLAIN) + "```\n",
    "including.md": "# Including\n\n```{include} part.txt\n```\n",
    **{f"{name}.md": f"# Page {name}\n\nText with *emphasis* and a [link](https://example.org/).\n" for name in PLAIN},
}


def write_project(root: Path) -> Path:
    """A MyST project of ten pages, one of which includes a file."""
    root.mkdir()
    (root / "conf.py").write_text('extensions = ["myst_parser", "dailyarchive.sphinxext._once"]\n'
                                  'html_static_path = ["static"]\nhtml_css_files = ["house.css"]\n')
    (root / "static").mkdir()
    (root / "static" / "house.css").write_text("body { color: black; }\n")
    (root / "part.txt").write_text("an included line\n")
    for name, text in PAGES.items():
        (root / name).write_text(text)
    return root


def built(source: Path, out: Path) -> tuple[Sphinx, dict[str, str]]:
    """Build `source` into `out`; the application and the text of every page."""
    warnings = io.StringIO()
    app = sphinx_build(source, out, status=io.StringIO(), warning=warnings)
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
    monkeypatch.setattr(_once, "cache_settings", lambda: False)
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
    assert not replaceable(other, keywords=SETTINGS_KEYWORDS) and not cache_settings()
    assert sphinx_docutils._get_settings is other
    monkeypatch.delattr(sphinx_docutils, "_get_settings")
    assert not cache_settings()


def house_checksums(pages: dict[str, str]) -> set[str]:
    """The checksums the pages give `house.css`."""
    return {found for page in pages.values() for found in re.findall(r"house\.css\?v=(\w+)", page)}


def test_a_static_file_is_found_once_a_build_and_again_in_the_next(tmp_path, monkeypatch):
    source = write_project(tmp_path / "src")
    cache = cache_checksums()
    assert isinstance(cache, ChecksumCache) and html_builder._file_checksum is cache
    asked: list[str] = []
    sphinx_checksum = cache.checksum
    monkeypatch.setattr(cache, "checksum", lambda outdir, name: asked.append(str(name)) or sphinx_checksum(outdir, name))
    _, pages = built(source, tmp_path / "out")
    assert house_checksums(pages) == {f"{zlib.crc32(b'body { color: black; }' + bytes([10])):08x}"}
    assert asked.count("_static/house.css") == 1 and len(pages) == len(PAGES) + 2  # every page links it; found once

    (source / "static" / "house.css").write_text("body { color: navy; }\n")
    shutil.rmtree(tmp_path / "out")  # the same process builds every page again, into the same folder
    _, pages = built(source, tmp_path / "out")
    assert house_checksums(pages) == {f"{zlib.crc32(b'body { color: navy; }' + bytes([10])):08x}"}
    assert asked.count("_static/house.css") == 2
