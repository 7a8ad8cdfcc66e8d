"""The README's two set-up commands: a virtual environment in the first (PEP 668), and CI runs both exactly."""

from __future__ import annotations

import re
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
