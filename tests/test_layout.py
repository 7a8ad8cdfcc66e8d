"""The package's layout: imports go down the data flow (model → catalog → site → build), never up.

Every module of the installed package is read with `ast` (imports inside functions too); each
import is resolved to its absolute name and checked against the rules below.
"""

from __future__ import annotations

import ast
from pathlib import Path

import dailyarchive

PACKAGE = Path(dailyarchive.__file__).resolve().parent
FOLDERS = ("model", "catalog", "site", "build", "publish", "archivist", "harness", "sphinxext")

#: folder -> the parts of the package (folders, or modules at the top) it may import; None: any
ALLOWED: dict[str, set[str] | None] = {
    "model": {"model"},
    "catalog": {"catalog", "model", "addresses"},
    "site": {"site", "catalog", "model", "addresses", "policy"},
}
#: folder -> the parts it must not import
FORBIDDEN: dict[str, set[str]] = {
    "model": {"catalog", "site", "build", "publish", "archivist", "harness", "sphinxext"},
    "build": {"publish", "archivist", "harness"},
}
#: Known exceptions, each with its reason. The stager plans every file of the site, and three of them are
#: made outside build/: the data downloads and their datapackage.json (publish/data, publish/datafiles,
#: publish/datapackage, which the publish/ commands write as files too; build/datadownloads keeps them in the
#: cache) and the seal shown on the site (archivist/fixity's head_text; its sealed_problems are the check of sealed
#: files). Moving those modules would split publish/ and archivist/.
EXCEPTIONS = {
    ("dailyarchive.build.stager", "dailyarchive.publish.data"),
    ("dailyarchive.build.datadownloads", "dailyarchive.publish.data"),
    ("dailyarchive.build.datadownloads", "dailyarchive.publish.datafiles"),
    ("dailyarchive.build.datadownloads", "dailyarchive.publish.datapackage"),
    ("dailyarchive.build.stager", "dailyarchive.archivist.fixity"),
}


def modules() -> dict[str, Path]:
    """Dotted name -> file of every module of the package."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = ["dailyarchive", *path.relative_to(PACKAGE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def part_of(name: str) -> str:
    """The folder (or the module at the top, or "" for the package's own __init__) a dotted name lives in."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


def imports_of(name: str, path: Path, known: set[str]) -> list[tuple[int, str]]:
    """(line, absolute name) of every import of the package in a module, submodules imported by name resolved."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.split(".")[0] == "dailyarchive"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)]
                full = ".".join(base + ([node.module] if node.module else []))
            else:
                full = node.module or ""
            if full.split(".")[0] != "dailyarchive":
                continue
            for alias in node.names:
                sub = f"{full}.{alias.name}"
                found.append((node.lineno, sub if sub in known else full))
    return found


def violations() -> list[str]:
    found = modules()
    known = set(found)
    bad = []
    for name, path in found.items():
        here = part_of(name)
        for line, target in imports_of(name, path, known):
            there = part_of(target)
            if there == here or (name, target) in EXCEPTIONS:
                continue
            where = f"{path.relative_to(PACKAGE.parent)}:{line}: {name} imports {target}"
            allowed = ALLOWED.get(here)
            if allowed is not None and there not in allowed:
                bad.append(f"{where} ({here}/ may import only {', '.join(sorted(allowed))})")
            elif there in FORBIDDEN.get(here, set()):
                bad.append(f"{where} ({here}/ must not import {there}/)")
            elif there == "harness" and here != "harness":
                bad.append(f"{where} (only tasks.py and the tests import harness/)")
    return bad


def test_the_package_is_grouped_by_step() -> None:
    found = modules()
    assert len(found) > 40, f"only {len(found)} modules found under {PACKAGE}"
    for folder in FOLDERS:
        assert (PACKAGE / folder / "__init__.py").is_file(), f"{folder}/ is not a package"
    top = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert top == ["__init__", "addresses", "failures", "policy"], f"modules at the top: {top}"


def test_imports_go_down_the_data_flow() -> None:
    bad = violations()
    assert not bad, "imports against the layout:\n" + "\n".join(bad)


def test_the_rules_catch_an_import_up_the_table(tmp_path: Path) -> None:
    """The checker itself: a model/ module importing site/ is named, with the forbidden import."""
    module = tmp_path / "probe.py"
    module.write_text("def f():\n    from ..site.charts import chart_directive\n", encoding="utf-8")
    name = "dailyarchive.model.probe"
    [(line, target)] = imports_of(name, module, set(modules()))
    assert (line, target) == (2, "dailyarchive.site.charts")
    assert part_of(target) not in ALLOWED["model"]
