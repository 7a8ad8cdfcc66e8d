"""`invoke serve`: a real preview server in a subprocess; an edited bulletin shows after the rebuild."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from helpers import replace_in, write_bulletin

from dailyarchive.archivist import Refused
from dailyarchive.archivist.serve import serve
from dailyarchive.policy import HEADER_LINE

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch_until(url: str, wanted: str, process: subprocess.Popen, seconds: float = 240) -> str:
    deadline = time.monotonic() + seconds
    page = ""
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server stopped"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                page = response.read().decode("utf-8")
                policy = response.headers["Content-Security-Policy"]
            if wanted in page:
                assert f"Content-Security-Policy: {policy}" == HEADER_LINE
                return page
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"{wanted!r} never appeared at {url}")


def test_serve_builds_serves_and_rebuilds_when_a_bulletin_changes(archive: Path, tmp_path: Path) -> None:
    path = write_bulletin(archive, body="Shelling went on near Ariha.\n")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "invoke", "serve", "--archive", str(archive),
                                "--out", str(tmp_path / "preview"), "--port", str(port)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = f"http://127.0.0.1:{port}/test-daily/2019/2019-07-09-a-bulletin/"
        fetch_until(url, "Shelling went on near Ariha.", process)
        replace_in(path, "Shelling went on near Ariha.", "Shelling stopped at dawn near Ariha.")
        page = fetch_until(url, "Shelling stopped at dawn near Ariha.", process)
        assert "Shelling went on" not in page
    finally:
        process.terminate()
        output = process.communicate(timeout=60)[0]
    assert f"serving http://127.0.0.1:{port}/" in output and "rebuilding" in output


def test_serve_refuses_a_build_folder_inside_the_archive(archive: Path) -> None:
    with pytest.raises(Refused, match="inside"):
        serve(archive, archive / "_preview", ROOT / "docs", say=lambda line: None, port=free_port())
    assert not (archive / "_preview").exists()
