"""The invoke tasks: every task and flag has help, and `invoke check` prints and exits as documented."""

from __future__ import annotations

import importlib.util
import inspect
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import line_of, replace_in, write_archive, write_bulletin
from invoke import Collection, Task

from dailyarchive.errors import RULES

ROOT = Path(__file__).resolve().parents[1]
LINE = re.compile(r"^(?P<path>.+):(?P<line>\d+): (?P<level>error|warning): (?P<message>.+) \((?P<rule>[a-z0-9-]+)\)$")


def load_tasks() -> Collection:
    spec = importlib.util.spec_from_file_location("project_tasks", ROOT / "tasks.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return Collection.from_module(module)


TASKS: dict[str, Task] = {name: load_tasks()[name] for name in load_tasks().task_names}


def invoke(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_invoke_list_shows_every_task_with_its_help() -> None:
    listed = invoke("--list").stdout
    for name, task in TASKS.items():
        assert re.search(rf"^  {re.escape(name)}\s+\S", listed, re.MULTILINE), f"{name} has no help in --list"
        assert task.__doc__ and task.__doc__.strip(), f"{name} has no docstring"


@pytest.mark.parametrize("name", sorted(TASKS))
def test_every_flag_is_documented(name: str) -> None:
    task = TASKS[name]
    flags = [p for p in inspect.signature(task.body).parameters if p != "c"]
    assert sorted(task.help) == sorted(flags), f"invoke {name}: document every flag in help={{...}}"
    shown = invoke("--help", name)
    assert shown.returncode == 0
    assert task.__doc__.split()[0] in shown.stdout
    for flag in flags:
        option = "--" + flag.replace("_", "-")
        assert re.search(rf"{re.escape(option)}\S*\s+\S", shown.stdout), f"{option} has no help text"


def test_check_lists_every_rule() -> None:
    result = invoke("check", "--list-rules")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == list(RULES)
    assert all(len(line.split(None, 1)) == 2 for line in lines)


def test_check_passes_on_the_sample_archive() -> None:
    result = invoke("check")
    assert (result.returncode, result.stdout) == (0, ""), result.stdout + result.stderr
    assert "0 error(s)" in result.stderr


def test_check_prints_every_problem_and_fails_on_an_error(tmp_path: Path) -> None:
    root = write_archive(tmp_path / "archive")
    bad_date = write_bulletin(root, figures=[{"measure": "killed", "value": 5, "kind": "stock", "as_of": "2019-02-30"}])
    unknown = write_bulletin(root, date="2019-07-10", places=["Nowhere"])
    result = invoke("check", "--archive", str(root))
    assert result.returncode == 1
    found = [LINE.match(line) for line in result.stdout.splitlines()]
    assert all(found), result.stdout
    assert [(m["path"], int(m["line"]), m["level"], m["rule"]) for m in found] == [
        (str(bad_date), line_of(bad_date, "as_of:"), "error", "date-format"),
        (str(unknown), line_of(unknown, "- Nowhere"), "error", "place-unknown"),
    ]
    assert "2 error(s), 0 warning(s)" in result.stderr


def test_check_exits_zero_with_warnings_only(tmp_path: Path) -> None:
    root = write_archive(tmp_path / "archive")
    total = {"measure": "killed", "kind": "running-total", "since": "2019-04-26", "qualifier": "at least"}
    write_bulletin(root, date="2019-07-05", slug="earlier", figures=[{**total, "value": 544}])
    write_bulletin(root, figures=[{**total, "value": 500}])
    result = invoke("check", "--archive", str(root))
    assert result.returncode == 0
    (line,) = result.stdout.splitlines()
    assert LINE.match(line)["rule"] == "running-total-fell" and ": warning: " in line


def test_check_of_a_folder_without_an_archive(tmp_path: Path) -> None:
    result = invoke("check", "--archive", str(tmp_path))
    assert result.returncode == 2 and "no series.yml here" in result.stderr


def test_a_copy_of_the_sample_with_one_bad_date_points_at_the_key(tmp_path: Path) -> None:
    copy = Path(shutil.copytree(ROOT / "archive", tmp_path / "archive"))
    path = next(iter(sorted(copy.glob("syria-daily/2019/2019-07-09-*/v1.md"))))
    replace_in(path, "\ndate: 2019-07-09\n", "\ndate: 2019-07-32\n")
    result = invoke("check", "--archive", str(copy))
    assert result.returncode == 1
    assert f"{path}:{line_of(path, 'date: 2019-07-32')}: error: `date`: '2019-07-32' is not a day of the calendar" \
        in result.stdout
