"""The safe profile of bulletin bodies: every construct allowed or refused, with its line."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from dailyarchive.model.safebody import (MYST_DISABLED, MYST_EXTENSIONS, Finding, link_problem, own_images,
                                   unsafe_constructs)

ROOT = Path(__file__).resolve().parents[1]
OWN = frozenset({"photo.jpg", "map.png"})

ALLOWED = {
    "paragraphs and emphasis": "One *two* **three** `code`.\n\nAnother paragraph.  \nHard break.\n",
    "headings": "# Top\n\n## What happened\n\n### Detail\n",
    "lists": "- a\n- b\n  1. c\n  2. d\n",
    "quote": "> A statement.\n> Second line.\n",
    "table": "| a | b |\n| --- | --- |\n| 1 | **2** |\n",
    "footnote": "A claim.[^src]\n\n[^src]: Where it comes from, with a [link](https://example.org/a).\n",
    "definition list": "Term\n: Its definition.\n",
    "thematic break and comment": "a\n\n---\n\n% a comment\nb\n",
    "code fence": "```python\nprint('<script>')\n```\n\n    indented code\n",
    "http links": "[a](http://example.org) [b](https://example.org/x?y=1#z) <https://example.org/auto>\n",
    "mailto": "[mail](mailto:desk@example.org) <desk@example.org>\n",
    "anchor": "[up](#what-happened)\n",
    "other bulletins": ("[before](../2019-07-05-fifth/index.md) "
                        "[by root](/test-daily/2019/2019-07-05-fifth/index.md#h)\n"),
    "reference link": "[a][r]\n\n[r]: https://example.org/ref\n",
    "admonitions": "".join(f"```{{{name}}}\nText in {name}.\n```\n\n" for name in (
        "note", "warning", "important", "tip", "caution", "attention", "danger", "error", "hint", "seealso")),
    "admonition with title and class": ":::{admonition} A *title*\n:class: tip\nBody.\n:::\n",
    "admonition on the first line": "```{note} Short note.\n```\n",
    "image of its folder": "![A photo](photo.jpg)\n",
    "image directive": "```{image} map.png\n:alt: A map\n:width: 300px\n```\n",
    "figure": "```{figure} photo.jpg\n---\nalt: Fighters\nfigwidth: 80%\n---\nThe caption.\n```\n",
    "list-table": "```{list-table} Casualties\n:header-rows: 1\n\n* - place\n  - killed\n* - Idlib\n  - 12\n```\n",
    "table directive": "```{table} Title\n| a |\n| - |\n| 1 |\n```\n",
    "harmless roles": "H{sub}`2`O, x{sup}`2`, {abbr}`UN (United Nations)`\n",
    "raw html as text": "<script>alert(1)</script> and <b>bold</b>\n",
    "a --- block at the start is text": "---\nmyst:\n  html_meta:\n    http-equiv=refresh: 0;url=/x\n---\nText\n",
    "substitution syntax is text": "{{ secret }} and |sub|\n",
}

REFUSED = {  # body, line of the finding, words of its construct
    "raw html": ("Text.\n\n```{raw} html\n<script>alert(1)</script>\n```\n", 3, "{raw}"),
    "raw latex in colon fence": (":::{raw} latex\n\\input{/etc/passwd}\n:::\n", 1, "{raw}"),
    "raw, upper case": ("```{RAW} html\n<b>\n```\n", 1, "{RAW}"),
    "eval-rst": ("a\n\n```{eval-rst}\n.. raw:: html\n\n   <script>\n```\n", 3, "{eval-rst}"),
    "include": ("```{include} ../../../../etc/passwd\n```\n", 1, "{include}"),
    "literalinclude": ("```{literalinclude} /proc/self/environ\n```\n", 1, "{literalinclude}"),
    "csv-table inline": ("```{csv-table}\na,b\n```\n", 1, "{csv-table}"),
    "code-block": ("```{code-block} python\nx\n```\n", 1, "{code-block}"),
    "toctree": ("```{toctree}\n/conf\n```\n", 1, "{toctree}"),
    "raw in an admonition": ("```{note}\nok\n\n```{raw} html\n<b>\n```\n```\n", 4, "{raw}"),
    "raw in a nested colon fence": ("::::{warning}\nok\n:::{raw} html\n<b>\n:::\n::::\n", 3, "{raw}"),
    "include in a figure caption": ("```{figure} photo.jpg\nCaption\n\n```{include} /conf.py\n```\n```\n", 4,
                                    "{include}"),
    "file option": ("```{note}\n:file: /etc/passwd\ntext\n```\n", 1, ":file:"),
    "url option": ("```{image} photo.jpg\n:url: http://127.0.0.1/\n```\n", 1, ":url:"),
    "image target": ("```{image} photo.jpg\n:target: javascript:alert(1)\n```\n", 1, ":target:"),
    "name option": ("```{note}\n:name: label\nx\n```\n", 1, ":name:"),
    "raw role": ("a {raw}`<b>`\n", 1, "{raw}"),
    "ref role": ("line one\nsee {doc}`/conf`\n", 2, "{doc}"),
    "role in a heading": ("# Title {math}`x`\n", 1, "{math}"),
    "role in a table cell": ("| a |\n| - |\n| {download}`/etc/passwd` |\n", 3, "{download}"),
    "role in an admonition title": ("```{admonition} {raw}`x`\nbody\n```\n", 1, "{raw}"),
    "javascript link": ("a\nb [x](javascript:alert(1))\n", 2, "javascript:"),
    "javascript, mixed case": ("[x](JaVaScRiPt:alert(1))\n", 1, "JaVaScRiPt:"),
    "javascript, tab entity": ("[x](java&#x09;script:alert(1))\n", 1, "script:alert"),
    "javascript, leading spaces": ("[x](   javascript:alert(1))\n", 1, "javascript:"),
    "javascript, percent tab": ("[x](java%09script:alert(1))\n", 1, "script:alert"),
    "javascript autolink": ("<javascript:alert(1)>\n", 1, "javascript:"),
    "javascript reference": ("[x][r]\n\n[r]: javascript:alert(1)\n", 3, "javascript:"),
    "unused javascript reference": ("text\n\n[r]: javascript:alert(1)\n", 3, "javascript:"),
    "vbscript": ("[x](vbscript:msgbox)\n", 1, "vbscript:"),
    "data link": ("[x](data:text/html,<script>)\n", 1, "data:"),
    "file link": ("[x](file:///etc/passwd)\n", 1, "file:"),
    "path scheme": ("[x](path:/etc/passwd)\n", 1, "path:"),
    "inventory scheme": ("[x](inv:py#os)\n", 1, "inv:"),
    "upper-case http": ("[x](HTTP://example.org)\n", 1, "HTTP:"),
    "http without host": ("[x](http:evil)\n", 1, "http:evil"),
    "protocol-relative": ("[x](//evil.example/a)\n", 1, "//evil"),
    "download of a machine file": ("[x](../../../../etc/passwd)\n", 1, "etc/passwd"),
    "download of the conf": ("[x](/conf.py)\n", 1, "/conf.py"),
    "page outside the site": ("[x](../../../../README.md)\n", 1, "README.md"),
    "staging folder": ("[x](/_dailyarchive/bodies/a.md)\n", 1, "_dailyarchive"),
    "remote image": ("![x](https://example.org/t.png)\n", 1, "remote image"),
    "protocol-relative image": ("![x](//example.org/t.png)\n", 1, "remote image"),
    "remote image directive": ("```{image} https://example.org/t.png\n```\n", 1, "remote image"),
    "remote figure": ("```{figure} https://example.org/t.png\nCaption.\n```\n", 1, "remote image"),
    "data image": ("![x](data:image/png;base64,iVBORw0KGgo=)\n", 1, "data:image"),
    "image outside the folder": ("![x](../other/photo.jpg)\n", 1, "../other"),
    "absolute image": ("![x](/etc/photo.jpg)\n", 1, "/etc/photo.jpg"),
    "image not in the folder": ("![x](missing.jpg)\n", 1, "missing.jpg"),
    "svg image": ("![x](drawing.svg)\n", 1, "drawing.svg"),
    "front matter block with a link": ("---\ntitle: x\n---\n[x](javascript:alert(1))\n", 4, "javascript:"),
    "target": ("(secret-label)=\n## Heading\n", 1, "(secret-label)="),
    "block break": ("a\n\n+++\n\nb\n", 3, "myst_block_break"),
    "div without a directive": (":::\ntext\n:::\n", 1, ":::"),
}


@pytest.mark.parametrize("body", ALLOWED.values(), ids=ALLOWED.keys())
def test_allowed_construct_has_no_finding(body):
    assert unsafe_constructs(body, own_files=OWN) == []


@pytest.mark.parametrize(("body", "line", "words"), REFUSED.values(), ids=REFUSED.keys())
def test_refused_construct_is_found_at_its_line_with_a_fix(body, line, words):
    findings = unsafe_constructs(body, own_files=OWN)
    assert [f for f in findings if f.line == line and words in f.construct], findings
    assert all(isinstance(f, Finding) and f.fix for f in findings)


def test_every_construct_of_a_body_is_reported():
    body = "[a](javascript:x)\n\n```{raw} html\n<b>\n```\n\n![r](https://e.org/p.png) {raw}`y`\n"
    assert [f.line for f in unsafe_constructs(body)] == [1, 3, 7, 7]


def test_images_are_refused_without_own_files():
    assert unsafe_constructs("![A photo](photo.jpg)\n") != []


@pytest.mark.parametrize("url", ["https://example.org/a", "mailto:a@example.org", "#here", "../x-y/index.md",
                                 "/s/2019/2019-01-01-a/index.md", "index.md#top"])
def test_link_allowed(url):
    assert link_problem(url) is None


@pytest.mark.parametrize("url", ["javascript:alert(1)", " javascript:x", "java\tscript:x", "Data:x", "file:/x",
                                 "ftp://example.org", "//host/x", "../../../../x.md", "x.txt", "/x/_static/a.md",
                                 "https:x", "", "x.md?y=1"])
def test_link_refused(url):
    assert link_problem(url) is not None


def test_own_images_are_regular_image_files_of_the_folder(tmp_path):
    for name in ("photo.jpg", "map.PNG", "notes.txt", "drawing.svg", "v1.md", "bad name.jpg"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "link.jpg").symlink_to(tmp_path / "photo.jpg")
    (tmp_path / "folder.png").mkdir()
    assert own_images(tmp_path) == {"photo.jpg", "map.PNG"}
    assert own_images(tmp_path / "missing") == frozenset()


def test_scanner_reads_bodies_with_the_docs_projects_myst_options():
    conf = runpy.run_path(str(ROOT / "docs" / "conf.py"))
    assert set(conf["myst_enable_extensions"]) == MYST_EXTENSIONS
    assert set(conf["myst_disable_syntax"]) == set(MYST_DISABLED)
    assert not {key for key in conf if key.startswith("myst_")} - {"myst_enable_extensions", "myst_disable_syntax"}
