"""The archivist's guide cannot go stale: every `invoke` command in its code blocks runs, in order,
on a copy of the sample archive, and the archive checks after each step."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "archivist.md"
#: Commands that run until stopped: tested on their own (tests/test_archivist_serve.py).
LONG_RUNNING = {"serve"}
#: Tasks that write into a build folder: the test gives them one of its own.
WITH_OUT = {"build", "serve"}


def guide_commands() -> list[list[str]]:
    """Every `invoke ...` line of the guide's code blocks, in order, as argument lists."""
    blocks = re.findall(r"^```(?:sh|shell|console|bash)\n(.*?)^```", GUIDE.read_text(encoding="utf-8"), re.M | re.S)
    return [shlex.split(line) for block in blocks for line in block.splitlines() if line.startswith("invoke ")]


def test_the_guide_shows_every_archivist_command() -> None:
    shown = {command[1] for command in guide_commands()}
    assert {"new", "revise", "import", "serve", "check", "build", "seal", "verify"} <= shown


@pytest.mark.slow
def test_every_command_of_the_guide_runs_on_a_copy_of_the_sample_archive(tmp_path: Path) -> None:
    archive = shutil.copytree(ROOT / "archive", tmp_path / "archive")
    ran = []
    for command in guide_commands():
        task = command[1]
        if task in LONG_RUNNING:
            continue
        args = [*command[1:], "--archive", str(archive)]
        if task in WITH_OUT:
            args += ["--out", str(tmp_path / "build")]
        result = subprocess.run([sys.executable, "-m", "invoke", *args], cwd=ROOT, capture_output=True, text=True,
                                timeout=600)
        assert result.returncode == 0, f"{shlex.join(command)}:\n{result.stdout}\n{result.stderr}"
        ran.append(task)
        if task == "new":  # the guide's next step, in words: write the bulletin's text below the front matter
            path = Path(result.stdout.strip().splitlines()[-1])
            path.write_text(path.read_text(encoding="utf-8") + "Shelling hit villages south of Ariha.\n",
                            encoding="utf-8")
        check = subprocess.run([sys.executable, "-m", "invoke", "check", "--archive", str(archive)], cwd=ROOT,
                               capture_output=True, text=True, timeout=300)
        assert check.returncode == 0, f"after {shlex.join(command)}:\n{check.stdout}"
    assert {"new", "revise", "import", "build", "seal", "verify"} <= set(ran)
    html = tmp_path / "build/html/syria-daily/2019"
    page = html / "2019-09-01-regime-shelling-resumes-after-the-ceasefire/index.html"
    assert "Shelling hit villages south of Ariha." in page.read_text(encoding="utf-8")
    rebuilt = subprocess.run([sys.executable, "-m", "invoke", "build", "--archive", str(archive), "--out",
                              str(tmp_path / "build")], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    imported = html / "2019-09-03-shelling-returns-to-ariha-three-days-into-the-ceasefire/index.html"
    assert "Regime artillery shelled the town of Ariha" in imported.read_text(encoding="utf-8")
    assert (html / "2019-08-31-russia-announces-ceasefire/v2.html").is_file()
