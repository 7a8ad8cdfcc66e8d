"""Hostile bulletin bodies in a real Sphinx build: no script, no file of the machine, no fetch, no remote image.

One archive holds one bulletin per hostile body of issue 10 (and one safe bulletin
that uses every allowed construct); it is checked, then built once in a child
process whose environment carries a secret, while a server on loopback counts
the requests the build makes.
"""

from __future__ import annotations

import http.server
import io
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import line_of, write_archive, write_bulletin
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

import dailyarchive
from dailyarchive.model.load import load_archive
from dailyarchive.site.pages import _latex as latex
from dailyarchive.publish.html import build
from dailyarchive.catalog.rules import check

ROOT = Path(__file__).resolve().parents[1]
#: The child build imports the same dailyarchive as this test (the venv's editable install may point elsewhere).
PACKAGE_ROOT = str(Path(dailyarchive.__file__).resolve().parents[1])
SECRET = "dailyarchive-test-secret-5b1f0e"
PASSWD = "../../../../../../../../../../etc/passwd"
#: slug: (body, the text of the body's line that check must name)
HOSTILE = {
    "raw-script": ("```{raw} html\n<script>alert('raw')</script>\n```\n", "{raw} html"),
    "eval-rst-raw": ("```{eval-rst}\n.. raw:: html\n\n   <script>alert('rst')</script>\n```\n", "{eval-rst}"),
    "raw-role": ("```{eval-rst}\n.. role:: raw-html(raw)\n   :format: html\n\n"
                 ":raw-html:`<script>alert('role')</script>`\n```\n", "{eval-rst}"),
    "md-raw-role": ("Text {raw}`<script>alert('mdrole')</script>` here.\n", "{raw}`"),
    "rst-js-link": ("```{eval-rst}\n`x <javascript:alert('rstlink')>`_\n```\n", "{eval-rst}"),
    "md-js-link": ("[x](javascript:alert('mdlink'))\n", "[x](javascript"),
    "include": (f"```{{include}} {PASSWD}\n```\n", "{include}"),
    "literalinclude": (f"```{{literalinclude}} {PASSWD}\n```\n", "{literalinclude}"),
    "raw-file": (f"```{{raw}} html\n:file: {PASSWD}\n```\n", "{raw} html"),
    "csv-file": (f"```{{csv-table}}\n:file: {PASSWD}\n```\n", "{csv-table}"),
    "rst-include": (f"```{{eval-rst}}\n.. include:: {PASSWD}\n```\n", "{eval-rst}"),
    "environ": ("```{literalinclude} /proc/self/environ\n```\n", "/proc/self/environ"),
    "conf": ("```{include} /conf.py\n```\n", "{include} /conf.py"),
    "raw-url": ("```{raw} html\n:url: http://127.0.0.1:PORT/\n```\n", "{raw} html"),
    "remote-md-image": ("![x](https://example.org/t.png)\n", "![x]"),
    "remote-image": ("```{image} https://example.org/t.png\n```\n", "{image}"),
    "remote-figure": ("```{figure} https://example.org/t.png\nA caption.\n```\n", "{figure}"),
}
SAFE_BODY = """\
Opening paragraph with **bold**, a [source](https://example.net/report) and a footnote.[^1]

## What happened

- a list item with {sub}`2` and {abbr}`UN (United Nations)`
- [the earlier bulletin](../2019-07-09-md-js-link/index.md)

| place | killed |
| --- | --- |
| Kafr Nabudah | 12 |

> A quoted statement.

```{note}
An admonition holding *emphasis*.
```

![A photo](p.png)

[^1]: The footnote.
"""
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


class _Counting(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        self.requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"<script>alert('fetched')</script>")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[int, list[str]]]:
    """A real HTTP server on loopback; yields (port, the paths it was asked for)."""
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1], _Counting.requests
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def hostile_archive(tmp_path_factory: pytest.TempPathFactory, server: tuple[int, list[str]]) -> Path:
    """The archive: one bulletin per hostile body, each after a line of safe text, and one safe bulletin."""
    archive = write_archive(tmp_path_factory.mktemp("untrusted") / "archive")
    port, _ = server
    for slug, (body, _) in HOSTILE.items():
        write_bulletin(archive, date="2019-07-09", slug=slug, body="Safe text.\n\n" + body.replace("PORT", str(port)))
    write_bulletin(archive, date="2019-07-20", slug="safe", body=SAFE_BODY)
    (archive / "test-daily/2019/2019-07-20-safe/p.png").write_bytes(PNG)
    return archive


@pytest.fixture(scope="module")
def built(hostile_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess, Path]:
    """The archive built by a child process with SECRET in its environment: (the process, its HTML folder)."""
    out = tmp_path_factory.mktemp("untrusted-build")
    script = ("import sys; from pathlib import Path; from dailyarchive.publish.html import build; "
              "r = build(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), 'html'); sys.exit(r.status)")
    process = subprocess.run([sys.executable, "-c", script, str(hostile_archive), str(out), str(ROOT / "docs")],
                             env={**os.environ, "DAILYARCHIVE_TEST_SECRET": SECRET, "PYTHONPATH": PACKAGE_ROOT},
                             capture_output=True,
                             text=True, timeout=600)
    return process, out / "html"


def test_check_reports_every_hostile_body_at_its_path_and_line(hostile_archive):
    problems = [p for p in check(load_archive(hostile_archive)) if p.rule == "body-unsafe"]
    found = {(p.path, p.line) for p in problems}
    for slug, (_, marker) in HOSTILE.items():
        path = hostile_archive / f"test-daily/2019/2019-07-09-{slug}/v1.md"
        assert (path, line_of(path, marker)) in found, (slug, [p.format() for p in problems if p.path == path])
    assert all(p.level == "error" and "not allowed in a bulletin body" in p.message for p in problems)
    assert not [p for p in problems if "2019-07-20-safe" in str(p.path)]


def test_build_fails_and_publishes_no_script_file_secret_fetch_or_remote_image(built, server):
    process, html = built
    _, requests = server
    assert process.returncode != 0, process.stderr[-3000:]
    assert "body-unsafe" in process.stderr and "withheld" in process.stderr
    assert requests == []
    passwd_lines = [line for line in Path("/etc/passwd").read_text().splitlines() if line.strip()]
    conf_line = 'extensions = ["myst_parser", "dailyarchive.sphinxext"]'
    for path in html.rglob("*"):
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", "replace")
        relative = path.relative_to(html)
        assert SECRET not in text, relative
        assert not [line for line in passwd_lines if line in text], relative
        assert conf_line not in text, relative
        assert "example.org/t.png" not in text, relative
        if relative.parts[0] != "_search":  # the search data holds a body's words as JSON strings: text, not markup
            assert "alert(" not in text, relative
            assert "javascript:alert" not in text.lower(), relative
    downloads = {p.name for p in (html / "_downloads").rglob("*") if p.is_file()}
    assert downloads <= {"bulletin.schema.json"}  # the docs' own download, nothing of the machine


def test_each_hostile_page_shows_a_notice_instead_of_its_body(built):
    _, html = built
    for slug in HOSTILE:
        page = BeautifulSoup((html / f"test-daily/2019/2019-07-09-{slug}/index.html").read_text(encoding="utf-8"),
                             "html.parser")
        assert page.find(class_="body-withheld") is not None, slug
        assert "Safe text." not in page.get_text(), slug  # the whole body is withheld, not only the bad part


def test_safe_body_renders_in_full_and_trusted_pages_keep_their_raw_html(built):
    _, html = built
    page = BeautifulSoup((html / "test-daily/2019/2019-07-20-safe/index.html").read_text(encoding="utf-8"),
                         "html.parser")
    assert page.find(class_="body-withheld") is None
    assert page.find("a", href="https://example.net/report") is not None
    assert page.find("a", href="../2019-07-09-md-js-link/index.html") is not None
    assert page.find("sub").get_text() == "2" and page.find("abbr") is not None
    assert page.find("table") is not None and page.find("blockquote") is not None
    assert page.find(class_="admonition note") is not None
    assert page.find("img", alt="A photo")["src"].endswith("p.png")
    assert page.find(id="what-happened") is not None
    # Raw HTML of the generated wrapper (read after every hostile body) and of the hand-written home page
    # still renders: the restricted settings were restored after each body.
    assert page.find("nav", class_="breadcrumbs") is not None
    home = BeautifulSoup((html / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.find("a", href="test-daily/2019/2019-07-20-safe/index.html") is not None


def test_fixing_a_withheld_body_publishes_it_on_the_next_incremental_build(tmp_path):
    archive = write_archive(tmp_path / "archive")
    path = write_bulletin(archive, body="Before.\n\n```{raw} html\n<script>alert('x')</script>\n```\n")
    out = tmp_path / "out"
    first = build(archive, out, ROOT / "docs", "html", status=None, warning=io.StringIO())
    page = first.outdir / "test-daily/2019/2019-07-09-a-bulletin/index.html"
    assert first.status != 0 and "body-withheld" in page.read_text(encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").split("Before.")[0] + "Fixed text.\n", encoding="utf-8")
    second = build(archive, out, ROOT / "docs", "html", status=None, warning=io.StringIO())
    text = page.read_text(encoding="utf-8")
    assert second.status == 0 and "Fixed text." in text and "body-withheld" not in text


PROBE = """\
from sphinx.util.docutils import SphinxDirective
from dailyarchive.sphinxext._body import untrusted


class Probe(SphinxDirective):
    \"\"\"Its content rendered as a body is, but without the profile's scan: the parse-time layer alone.\"\"\"

    has_content = True

    def run(self):
        renderer = self.state._renderer
        with untrusted(renderer):
            renderer.nested_render_text("\\n".join(self.content), self.content_offset)
        return []


def setup(app):
    app.add_directive("untrusted-probe", Probe)
"""
PROBED = """\
# Probe

`````{untrusted-probe}
```{raw} html
<script>alert('raw')</script>
```

```{include} /conf.py
```

```{literalinclude} /conf.py
```

```{eval-rst}
.. raw:: html

   <script>alert('rst')</script>

`x <javascript:alert('rstlink')>`_
```

Text {raw}`<b>alert('role')</b>` and {download}`/conf.py`.

```{note}
Still *allowed*.
```
`````

```{raw} html
<p id="trusted-after">trusted</p>
```
"""
TRUSTED = """\
# Trusted

```{raw} html
<p id="trusted-next">trusted</p>
```

```{include} part.md
```
"""


def test_parse_time_layer_alone_refuses_raw_files_rst_and_roles_and_restores_trust(tmp_path):
    (tmp_path / "conf.py").write_text(
        "import os, sys\nsys.path.insert(0, os.path.dirname(__file__))\n"
        "extensions = ['myst_parser', 'probe']\nmyst_enable_extensions = ['colon_fence', 'deflist']\n"
        "exclude_patterns = ['part.md']\n# conf-marker-7d1\n", encoding="utf-8")
    (tmp_path / "probe.py").write_text(PROBE, encoding="utf-8")
    (tmp_path / "index.md").write_text(PROBED + "\n```{toctree}\nzz\n```\n", encoding="utf-8")
    (tmp_path / "zz.md").write_text(TRUSTED, encoding="utf-8")
    (tmp_path / "part.md").write_text("Included by a trusted page.\n", encoding="utf-8")
    out = tmp_path / "_build"
    with docutils_namespace():
        app = Sphinx(str(tmp_path), str(tmp_path), str(out), str(tmp_path / "_doctrees"), "html",
                     status=None, warning=io.StringIO(), freshenv=True)
        app.build()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "alert(" not in index and "conf-marker-7d1" not in index and "javascript:" not in index
    assert not (out / "_downloads").exists()
    assert "Still <em>allowed</em>" in index
    assert '<p id="trusted-after">trusted</p>' in index  # the same page, after the body: trusted again
    other = (out / "zz.html").read_text(encoding="utf-8")
    assert '<p id="trusted-next">trusted</p>' in other and "Included by a trusted page." in other


def test_field_text_cannot_leave_the_raw_latex_block():
    hostile = "x\n```\n```{raw} latex\n\\input{/etc/passwd} ^^5cinput $x$ % # & _ ~ {}"
    escaped = latex.tex(hostile)
    assert "\n" not in escaped and "\\input" not in escaped and "^^" not in escaped
    block = latex.raw(latex.items(hostile, [escaped]))
    assert [line for line in block if line.startswith("```")] == ["```{raw} latex", "```"]
