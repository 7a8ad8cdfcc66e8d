"""Hostile archive files through `invoke check`, each in a child process under a memory limit and a
timeout, so a regression fails the test instead of hanging CI or taking the machine's memory."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import line_of, run_limited, write_bulletin, write_raw

from dailyarchive.model.safefile import MAX_FILE_BYTES, control_character

ROOT = Path(__file__).resolve().parents[1]
MEMORY_MB = 1024  #: the child's address space: a few hundred MB are used, a regression wants gigabytes
SECONDS = 120  #: check of these small archives takes about one second
VERSION = "test-daily/2019/2019-07-09-a/v1.md"
HEAD = "---\nseries: test-daily\ndate: 2019-07-09\ntitle: T\nversion: 1\n"


def check_limited(root: Path) -> subprocess.CompletedProcess[str]:
    """`invoke check --archive root` in a child process limited to MEMORY_MB and SECONDS."""
    return run_limited([sys.executable, "-m", "invoke", "check", "--archive", str(root)], memory_mb=MEMORY_MB,
                       seconds=SECONDS, cwd=ROOT)


def reported(result: subprocess.CompletedProcess[str], path: Path, line: int, rule: str) -> str:
    """The message `check` printed for `path:line` under `rule` (fails the test when there is none)."""
    for printed in result.stdout.splitlines():
        if printed.startswith(f"{path}:{line}: error: ") and printed.endswith(f"({rule})"):
            return printed
    raise AssertionError(f"no {rule} at {path}:{line}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr[-3000:]}")


def neighbour(root: Path) -> Path:
    """A bulletin with a fault of its own: proves that the hostile file never stops the others."""
    return write_bulletin(root, date="2019-07-01", slug="neighbour", tags=["no-such-tag"])


def assert_refused(root: Path, path: Path, line: int, rule: str, *words: str) -> str:
    """check exits 1, names `path:line` under `rule` with `words`, and still checks the neighbour."""
    other = neighbour(root)
    result = check_limited(root)
    assert result.returncode == 1, result.stderr[-3000:]
    message = reported(result, path, line, rule)
    assert all(word in message for word in words), message
    reported(result, other, line_of(other, "- no-such-tag"), "tag-unknown")
    assert "Traceback" not in result.stderr
    return message


def device(path: Path) -> None:
    """A character device (like /dev/null); where mknod is not permitted, a socket: also no regular file."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except PermissionError:
        with socket.socket(socket.AF_UNIX) as server:
            server.bind(str(path))


SPECIAL: dict[str, tuple[Callable[[Path, Path], None], str]] = {
    "link-out": (lambda path, tmp: os.symlink(write_bulletin(tmp / "elsewhere", title="Secret"), path),
                 "a symbolic link is not read"),
    "link-in": (lambda path, tmp: os.symlink(write_bulletin(path.parents[3], slug="real"), path),
                "a symbolic link is not read"),
    "dev-zero": (lambda path, tmp: os.symlink("/dev/zero", path), "a symbolic link is not read"),
    "fifo": (lambda path, tmp: os.mkfifo(path), "FIFO"),
    "device": (lambda path, tmp: device(path), "not a file"),
}


@pytest.mark.parametrize("kind", SPECIAL)
def test_a_version_that_is_not_a_regular_file_of_the_archive(archive: Path, tmp_path: Path, kind: str) -> None:
    make, words = SPECIAL[kind]
    path = archive / VERSION
    path.parent.mkdir(parents=True)
    make(path, tmp_path)
    assert_refused(archive, path, 1, "file-unreadable", words, "replace")


@pytest.mark.parametrize("name", ["series.yml", "places.yml"])
def test_a_linked_series_or_gazetteer_file_is_refused(archive: Path, tmp_path: Path, name: str) -> None:
    outside = tmp_path / name
    os.replace(archive / name, outside)
    os.symlink(outside, archive / name)
    assert_refused(archive, archive / name, 1, "file-unreadable", "a symbolic link is not read")


def test_a_sparse_file_of_a_terabyte_is_refused_without_reading_it(archive: Path) -> None:
    path = write_raw(archive, VERSION, HEAD + "---\nBody.\n")
    os.truncate(path, 1 << 40)
    assert_refused(archive, path, 1, "file-too-large", f"{MAX_FILE_BYTES // 2**20} MiB limit")


@pytest.mark.parametrize("text, line, words", [
    (HEAD + "summary: a\x00b\nplaces: [Nowhere]\n---\nBody.\n", 6, "column 11: a NUL character (U+0000)"),
    (HEAD + "places: [Syria]\n---\nBody.\n\x00\x00\n", 9, "a NUL character (U+0000) is not allowed (1 more after it)"),
    (HEAD + "---\nBody with \x1b[31mcolour.\n", 7, "column 11: an escape character (U+001B)"),
    (HEAD + "---\nOld Mac line\rend.\n", 7, "a carriage return not followed by a newline"),
    (HEAD + "---\nNext line\x85here.\n", 7, "a control character (U+0085)"),
    (HEAD + "---\nKilled: \u202e445\u202c.\n", 7, "a bidi formatting character (U+202E)"),
    (HEAD + "summary: \u2067HTS\u2069\n---\nBody.\n", 6, "a bidi formatting character (U+2067)"),
])
def test_control_characters_are_errors_at_their_line(archive: Path, text: str, line: int, words: str) -> None:
    path = write_raw(archive, VERSION, text)
    assert_refused(archive, path, line, "control-character", words, "remove it")


def test_crlf_tabs_and_right_to_left_marks_are_fine(archive: Path) -> None:
    text = HEAD + "summary: \"\u0627\u0644\u0644\u0627\u0630\u0642\u064a\u0629\u200f\"\n---\nA\ttab.\r\nNext.\r\n"
    assert control_character(archive / VERSION, text) is None
    assert control_character(archive / VERSION, text, yaml=True) is None


def test_a_nul_in_a_gazetteer(archive: Path) -> None:
    path = write_raw(archive, "places.yml", "- name: Syria\n- name: Idlib\x00 Province\n")
    assert_refused(archive, path, 2, "control-character", "NUL")


def test_a_yaml_alias_bomb_is_refused_before_parsing(archive: Path) -> None:
    """506 bytes that expand to 9**9 strings: refused at the first anchor, in little memory and time."""
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
        f"{b}: &{b} [{', '.join(['*' + a] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi"))
    path = write_raw(archive, VERSION, HEAD + bomb + "---\nBody.\n")
    assert_refused(archive, path, 6, "yaml-alias", "column 4: an anchor (`&a`) is not allowed")


def test_an_alias_in_a_gazetteer(archive: Path) -> None:
    path = write_raw(archive, "actors.yml", "- name: HTS\n  kind: &k armed group\n- name: ISIS\n  kind: *k\n")
    assert_refused(archive, path, 2, "yaml-alias", "`&k`")


@pytest.mark.parametrize("nesting, line", [
    ("tags:\n" + "- " * 100_000 + "x\n", 7),
    ("tags: " + "[" * 100_000 + "]" * 100_000 + "\n", 6),
    ("tags:\n" + "".join(" " * i + "- \n" for i in range(2_500)), 6),
])
def test_deep_nesting_is_a_clean_error(archive: Path, nesting: str, line: int) -> None:
    path = write_raw(archive, VERSION, HEAD + nesting + "---\nBody.\n")
    other = neighbour(archive)
    result = check_limited(archive)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-3000:]
    assert f"{path}:" in result.stdout  # a syntax error, or an invalid tag list: never a crash
    reported(result, other, line_of(other, "- no-such-tag"), "tag-unknown")


def test_a_seven_megabyte_title(archive: Path) -> None:
    path = write_raw(archive, VERSION, HEAD.replace("title: T", "title: " + "x" * 7_000_000) + "---\nBody.\n")
    assert_refused(archive, path, 4, "field-too-long", "`title` is 7,000,000 characters long, over the limit of 300")


def test_a_fifo_named_series_yml(archive: Path) -> None:
    (archive / "series.yml").unlink()
    os.mkfifo(archive / "series.yml")
    assert_refused(archive, archive / "series.yml", 1, "file-unreadable", "FIFO")
