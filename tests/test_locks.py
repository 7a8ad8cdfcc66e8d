"""Locks: a second command waits, then fails naming the holder; a dead holder's lock is taken over."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dailyarchive.model.errors import DailyArchiveError
from dailyarchive.build.locks import LOCK_NAME, LockHeld, hold, read_holder

HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from dailyarchive.build.locks import hold
    with hold(Path(sys.argv[1]), sys.argv[2], wait=float(sys.argv[3])):
        print("held", flush=True)
        if sys.argv[4] == "forever":
            time.sleep(600)
        else:
            print(open(Path(sys.argv[1]) / ".dailyarchive.lock").read(), flush=True)
""")


def start_holder(folder: Path, purpose: str = "seal") -> subprocess.Popen[str]:
    """A real second process that takes the lock and keeps it until killed."""
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(folder), purpose, "10", "forever"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline() == "held\n", process.stderr.read()
    return process


def try_lock(folder: Path, wait: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", HOLDER, str(folder), "build", str(wait), "once"],
                          capture_output=True, text=True, timeout=120)


def test_a_second_process_waits_then_fails_naming_the_holder_and_takes_over_once_the_holder_dies(tmp_path: Path) -> None:
    first = start_holder(tmp_path, "seal")
    try:
        second = try_lock(tmp_path, 0.5)
        assert second.returncode != 0 and "held" not in second.stdout
        message = second.stderr.strip().splitlines()[-1]
        assert message.startswith(f"dailyarchive.build.locks.LockHeld: {tmp_path} is in use by another seal"), message
        assert f"pid {first.pid} on " in message and "another seal" in message and "since " in message
        assert "this build waited 0.5 s" in message and "run this one again" in message
        assert f"-c {tmp_path} seal 10 forever" in message  # the holder's command line
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    assert read_holder(tmp_path)["pid"] == first.pid  # the dead holder's details are still in the file
    third = try_lock(tmp_path, 5)
    assert third.returncode == 0, third.stderr
    lines = third.stdout.splitlines()
    assert lines[0] == "held"
    details = json.loads(lines[1])
    assert details["purpose"] == "build" and details["pid"] != first.pid  # overwritten, not appended
    assert (tmp_path / LOCK_NAME).read_text() == ""  # released: an empty file that breaks nothing later


def test_the_lock_in_one_process_is_free_again_after_the_block_and_nests(tmp_path: Path) -> None:
    with hold(tmp_path, "seal"):
        with hold(tmp_path, "seal", wait=0):  # a task that calls another task does not wait on itself
            assert read_holder(tmp_path)["purpose"] == "seal"
        assert read_holder(tmp_path)["pid"] == os.getpid()
    assert read_holder(tmp_path) == {}
    second = try_lock(tmp_path, 0)
    assert second.returncode == 0, second.stderr


def test_lock_held_is_a_package_error_with_its_details(tmp_path: Path) -> None:
    first = start_holder(tmp_path, "import")
    try:
        with pytest.raises(LockHeld) as caught:
            with hold(tmp_path, "new", wait=0):
                pass
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    assert isinstance(caught.value, DailyArchiveError)
    assert caught.value.holder["pid"] == first.pid and caught.value.folder == tmp_path
    assert str(caught.value).startswith(f"{tmp_path} is in use by another import (pid {first.pid}")


def test_a_folder_that_cannot_take_the_lock_file_raises_os_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(NotADirectoryError):
        with hold(tmp_path / "file", "build"):
            pass


def test_a_symbolic_link_as_lock_file_is_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me")
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / LOCK_NAME).symlink_to(target)
    with pytest.raises(OSError):
        with hold(folder, "seal"):
            pass
    assert target.read_text() == "keep me"
