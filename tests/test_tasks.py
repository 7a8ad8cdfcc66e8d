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
from helpers import line_of, replace_in, skip_unless_ci, write_archive, write_bulletin
from invoke import Collection, Task

from dailyarchive import check_archive
from dailyarchive.model.errors import RULES, has_errors

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
        option = flag.replace("_", "-")  # a flag that is on by default is shown as --[no-]flag
        assert re.search(rf"--(?:\[no-\])?{re.escape(option)}\S*\s+\S", shown.stdout), f"--{option} has no help text"


def test_check_lists_every_rule() -> None:
    result = invoke("check", "--list-rules")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == list(RULES)
    assert all(len(line.split(None, 1)) == 2 for line in lines)


def test_check_passes_on_the_sample_archive_printing_what_check_archive_finds() -> None:
    result = invoke("check")
    problems = check_archive(ROOT / "archive")  # the oracle: whatever the archive holds today
    assert not has_errors(problems), [p.format(ROOT) for p in problems]
    assert (result.returncode, result.stdout.splitlines()) == (0, [p.format(ROOT) for p in problems]), result.stderr
    assert f"0 error(s), {len(problems)} warning(s)" in result.stderr


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


# ---- messages, not tracebacks: full disks, read-only folders, unreadable paths ----------------------------------

def invoke_with_file_size_limit(limit: int, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a task in a process that may write no file larger than `limit` bytes: writes fail with EFBIG, as on a
    full disk (root ignores permissions, not this)."""
    import resource

    def limit_file_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, preexec_fn=limit_file_size)


def assert_message(result: subprocess.CompletedProcess[str], path: Path, words: str) -> None:
    """The task failed with a one-line message naming `path` and what happened, and no traceback."""
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "Traceback" not in output, output
    message = result.stderr.strip().splitlines()[-1]
    assert str(path) in message and words in message, message


def leftovers(folder: Path) -> list[Path]:
    """Temporary files and staging folders a failed command should not leave."""
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(".dailyarchive-next-")]


def full_disk_cases(tmp_path: Path) -> dict[str, tuple[list[str], Path]]:
    """Per task: its arguments and the folder it writes to."""
    root = write_archive(tmp_path / "archive")
    write_bulletin(root)
    return {
        "schema": (["schema", "--out", str(tmp_path / "out" / "bulletin.schema.json")], tmp_path / "out"),
        "generate": (["generate", "--out", str(tmp_path / "out"), "--bulletins", "3"], tmp_path / "out"),
        "build": (["build", "--archive", str(root), "--out", str(tmp_path / "out")], tmp_path / "out"),
        "bench": (["bench", "--out", str(tmp_path / "out"), "--bulletins", "3"], tmp_path / "out"),
    }


@pytest.mark.parametrize("name", ["schema", "generate", "build", "bench"])
def test_a_full_disk_ends_the_task_with_a_message_naming_the_file_and_leaves_no_temporary_file(
        tmp_path: Path, name: str) -> None:
    args, folder = full_disk_cases(tmp_path)[name]
    result = invoke_with_file_size_limit(1000, *args)
    assert_message(result, folder, "(File too large): free space")
    assert not leftovers(tmp_path)
    assert not [p for p in tmp_path.rglob("*") if p.is_file() and p.stat().st_size == 1000]  # no half-written file


@pytest.mark.parametrize("name", ["check", "schema", "generate", "build", "bench", "new"])
def test_a_path_through_a_file_ends_the_task_with_a_message(tmp_path: Path, name: str) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    target = blocker / "below"
    args = {"check": ["check", "--archive", str(target)],
            "schema": ["schema", "--out", str(target / "bulletin.schema.json")],
            "generate": ["generate", "--out", str(target), "--bulletins", "3"],
            "build": ["build", "--archive", str(ROOT / "archive"), "--out", str(target)],
            "bench": ["bench", "--out", str(target), "--bulletins", "3"],
            "new": ["new", "--archive", str(target), "--series", "test-daily", "--title", "A day"]}[name]
    result = invoke(*args)
    assert_message(result, target, "no series.yml here" if name in ("check", "new") else "not a folder")


@pytest.fixture
def read_only_folder(tmp_path: Path):
    """A folder on a file system mounted read-only (tmpfs), with a copy of a small archive in `archive/`."""
    mount_point = tmp_path / "read-only"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount_point)],
                             capture_output=True, text=True)
    if mounted.returncode:
        skip_unless_ci(f"cannot mount a tmpfs here ({mounted.stderr.strip()}): the read-only cases need it")
    try:
        write_bulletin(write_archive(mount_point / "archive"))
        subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True)
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)


def test_a_read_only_folder_ends_every_writing_task_with_a_message_and_check_still_reads(read_only_folder: Path) -> None:
    archive = read_only_folder / "archive"
    cases = {"schema": ["schema", "--out", str(read_only_folder / "bulletin.schema.json")],
             "generate": ["generate", "--out", str(read_only_folder / "generated"), "--bulletins", "3"],
             "build": ["build", "--archive", str(archive), "--out", str(read_only_folder / "build")],
             "build into the archive's own folder": ["build", "--archive", str(archive), "--out", str(archive)],
             "new": ["new", "--archive", str(archive), "--series", "test-daily", "--title", "A day",
                     "--date", "2019-07-10"]}
    for name, args in cases.items():
        result = invoke(*args)
        assert "Traceback" not in result.stderr, (name, result.stderr)
        assert result.returncode == 2 and "read-only" in result.stderr.lower(), (name, result.stderr)
        assert str(read_only_folder) in result.stderr, (name, result.stderr)
    assert invoke("check", "--archive", str(archive)).returncode == 0  # reading needs no lock and no write


def test_a_second_build_into_a_folder_in_use_fails_naming_the_holder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time\nfrom pathlib import Path\n"
                               "from dailyarchive.build.locks import hold\nwith hold(Path(sys.argv[1]), 'build'):\n"
                               "    print('held', flush=True); time.sleep(600)", str(out)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        result = invoke("build", "--archive", str(ROOT / "archive"), "--out", str(out))
    finally:
        holder.kill()
        holder.wait()
    assert_message(result, out, f"is in use by another build (pid {holder.pid} on ")
    assert not (out / "html").exists()
