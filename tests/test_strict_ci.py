"""A test cannot quietly stop testing: in CI a missing tool fails its test, and any skip or xfail fails the run."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from helpers import run_limited

TESTS = Path(__file__).resolve().parent


def run_pytest(folder: Path, test_code: str, ci: bool) -> subprocess.CompletedProcess[str]:
    """Run pytest on one test file in `folder`, with this project's plugin, with or without `CI` set."""
    (folder / "conftest.py").write_text('pytest_plugins = ["strict_ci"]\n')
    (folder / "test_example.py").write_text(textwrap.dedent(test_code))
    env = {k: v for k, v in os.environ.items() if k != "CI"} | {"PYTHONPATH": str(TESTS)}
    if ci:
        env["CI"] = "1"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(folder),
                           str(folder)], cwd=folder, env=env, capture_output=True, text=True, timeout=120)


MISSING_TOOL = """
    from helpers import needs_tool

    @needs_tool("no-such-program-dailyarchive")
    def test_uses_the_tool():
        pass

    def test_plain():
        pass
"""


@pytest.mark.parametrize("ci", [False, True])
def test_a_test_needing_a_missing_tool_skips_here_and_fails_in_ci(tmp_path: Path, ci: bool) -> None:
    result = run_pytest(tmp_path, MISSING_TOOL, ci)
    if ci:
        assert result.returncode == 1, result.stdout
        assert "1 passed, 1 error" in result.stdout  # it fails in its set-up, before it runs
        assert "no-such-program-dailyarchive is not installed" in result.stdout
    else:
        assert result.returncode == 0, result.stdout
        assert "1 passed, 1 skipped" in result.stdout


@pytest.mark.parametrize("code", [
    "import pytest\n\ndef test_skipped():\n    pytest.skip('not today')\n\ndef test_plain():\n    pass\n",
    "import pytest\n\n@pytest.mark.xfail(reason='known bug')\ndef test_broken():\n    assert False\n",
    "import pytest\n\n@pytest.mark.xfail(reason='fixed since')\ndef test_fixed():\n    pass\n",
    "import pytest\n\npytest.importorskip('no_such_module_dailyarchive')\n\ndef test_never():\n    pass\n",
], ids=["skip", "xfailed", "xpassed", "module-skipped"])
def test_in_ci_any_skip_or_xfail_fails_the_run_and_is_listed(tmp_path: Path, code: str) -> None:
    here = run_pytest(tmp_path, code, ci=False)
    assert here.returncode in (0, 5) and "did not run as written" not in here.stdout  # 5: no test ran
    result = run_pytest(tmp_path, code, ci=True)
    assert result.returncode == (5 if here.returncode == 5 else 1), result.stdout
    assert "did not run as written, so the run fails" in result.stdout
    assert "test_example.py" in result.stdout.split("did not run as written")[1]


def test_in_ci_a_run_where_everything_ran_passes(tmp_path: Path) -> None:
    result = run_pytest(tmp_path, "def test_plain():\n    pass\n", ci=True)
    assert result.returncode == 0, result.stdout
    assert "did not run as written" not in result.stdout


def test_ci_run_sets_ci() -> None:
    script = (TESTS.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "export CI=1" in script and script.rstrip().endswith("invoke test")


# ---- hostile input runs under limits: run_limited -------------------------------------------------------------

def test_run_limited_runs_a_command_and_reports_its_peak_memory() -> None:
    result = run_limited([sys.executable, "-c", "x = bytearray(200 << 20); print('ok')"], memory_mb=1024)
    assert (result.returncode, result.stdout) == (0, "ok\n")
    assert 200 <= result.peak_rss_mb < 1024


def test_run_limited_stops_a_command_that_eats_memory() -> None:
    result = run_limited([sys.executable, "-c", "x = bytearray(2 << 30)"], memory_mb=512)
    assert result.returncode == 1 and "MemoryError" in result.stderr


def test_run_limited_fails_the_test_when_a_command_hangs_and_kills_its_children(tmp_path: Path) -> None:
    marker = tmp_path / "child.pid"
    hang = f"import subprocess, sys, time\np = subprocess.Popen(['sleep', '600'])\nopen({str(marker)!r}, 'w').write(str(p.pid))\ntime.sleep(600)"
    with pytest.raises(pytest.fail.Exception, match="ran past 2 s and was killed"):
        run_limited([sys.executable, "-c", hang], seconds=2)
    child = int(marker.read_text())
    for _ in range(100):  # the killed grandchild is reaped by init shortly after
        if not Path(f"/proc/{child}").exists() or "State:\tZ" in Path(f"/proc/{child}/status").read_text():
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the hanging command's child still runs")


def test_run_limited_passes_a_signal_death_on() -> None:
    result = run_limited([sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"])
    assert result.returncode == -9
