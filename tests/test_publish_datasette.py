"""Datasette serves archive.sqlite on loopback with the data dictionary as metadata and facets on the figures."""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from dailyarchive.publish.datasette import command, metadata, write_metadata
from dailyarchive.build.stager import stage

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read().decode("utf-8"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """Datasette on the sample archive's archive.sqlite, on a free loopback port."""
    folder = tmp_path_factory.mktemp("datasette")
    database = folder / "archive.sqlite"
    database.write_bytes(stage(ROOT / "archive", ROOT / "docs").outputs["downloads/archive.sqlite"])
    meta = write_metadata(folder / "metadata.json", metadata(
        (ROOT / "docs" / "data.md").read_text(encoding="utf-8"), "Syria Daily data", source="Syria Daily"))
    port = free_port()
    process = subprocess.Popen(command(database, meta, port), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                get(f"{base}/-/versions.json")
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(process.stderr.read().decode())
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_9_july_2019_figures_through_the_json_api(server):
    rows = get(f"{server}/archive/figures.json?bulletin_date=2019-07-09&is_latest=1&_shape=array&_size=max")
    killed = [r for r in rows if r["measure"] == "killed" and r["group"] == "civilians"]
    assert killed and killed[0]["value"] == 544 and killed[0]["qualifier"] == "at least"
    assert {r["bulletin_id"] for r in rows} == {"syria-daily/2019-07-09-northern-latakia-counter-attack"}


def test_facets_and_descriptions_come_from_the_data_dictionary(server):
    page = get(f"{server}/archive/figures.json?_size=1")
    assert {"measure", "group", "place", "qualifier"} <= set(page["facet_results"])
    meta = get(f"{server}/-/metadata.json")
    figures = meta["databases"]["archive"]["tables"]["figures"]
    assert figures["columns"]["qualifier"].startswith("exact, at least")
    assert meta["source"] == "Syria Daily"


def test_the_server_listens_on_loopback_only(tmp_path):
    argv = command(tmp_path / "archive.sqlite", tmp_path / "metadata.json", 8001)
    assert argv[argv.index("--host") + 1] == "127.0.0.1" and "--immutable" in argv
