"""The README's two set-up commands: a virtual environment in the first (PEP 668), and CI runs both exactly."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    """The lines of the README's first `sh` block."""
    block = re.search(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    assert block, "the README has no sh block of set-up commands"
    return block.group(1).strip().splitlines()


def test_the_readme_sets_up_in_a_virtual_environment_and_ci_runs_its_commands_exactly() -> None:
    install, tests = readme_commands()
    # Debian's and Ubuntu's Python refuse `pip install` outside a virtual environment (PEP 668)
    assert install.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install ")
    assert tests.startswith(". .venv/bin/activate && ")  # works in a new shell, where nothing is active
    assert tests.endswith("invoke test")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert install in ci and tests in ci and ci.index(install) < ci.index(tests)
    assert ".venv/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_the_first_command_installs_what_the_build_needs_and_no_more() -> None:
    """`invoke build` runs `setup-system.sh build` (Graphviz, TeX Live, the PDF's fonts), not the tests' browser."""
    script = ROOT / "tools" / "setup-system.sh"
    build = subprocess.run(["bash", str(script), "build"], capture_output=True, text=True, check=True).stdout
    assert all(package in build for package in ("graphviz", "texlive-xetex", "latexmk", "fonts-hosny-amiri"))
    assert "chromium" not in build and "Nu Html Checker" not in build
    wrong = subprocess.run(["bash", str(script), "tests"], capture_output=True, text=True)
    assert wrong.returncode == 2 and "unknown part 'tests'" in wrong.stderr
    tasks = (ROOT / "tasks.py").read_text(encoding="utf-8")
    assert 'setup_system(c, part="build")' in tasks.partition("def build(")[2].partition("\ndef ")[0]
