"""The benchmark runner end to end on a tiny archive (every key written; no timing asserts)."""

from __future__ import annotations

import importlib.util
import inspect
import json
import sys
from pathlib import Path

import pytest

from dailyarchive.harness.bench import KEYS, markdown_table, run_bench, run_counted, search_index_bytes

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_bench_runs_end_to_end_and_writes_every_key(tmp_path: Path) -> None:
    steps: list[str] = []
    result = run_bench(20, tmp_path / "bench", ROOT / "docs", progress=steps.append)
    written = json.loads((tmp_path / "bench" / "bench.json").read_text(encoding="utf-8"))
    assert written == result
    assert set(KEYS) <= set(written)
    missing = [key for key in KEYS if written[key] is None and key != "pdf_year_s"]
    assert missing == []
    assert written["bulletins"] == 20 and written["check_errors"] == 0 and written["floor_pages"] == 20
    assert written["build_status"] == 0, (tmp_path / "bench" / "logs" / "build.log").read_text(encoding="utf-8")
    assert written["add_one_pages_written"] >= 1 and written["touch_one_pages_written"] >= 1
    assert written["pdf_year_s"] is not None or written["pdf_year_note"]
    assert (tmp_path / "bench" / "floor" / "html" / "north-daily" / "index.html").exists()
    assert any(step.startswith("build") for step in steps)
    assert "| `ratio` |" in markdown_table(written)


def test_search_index_counts_the_largest_year_shard_and_its_manifest(tmp_path: Path) -> None:
    shards = tmp_path / "_static" / "search"
    shards.mkdir(parents=True)
    (shards / "north-daily-2019.js").write_text("x" * 300)
    (shards / "north-daily-2019.text.js").write_text("x" * 200)
    (shards / "south-daily-2019.js").write_text("x" * 400)
    (shards / "north-daily-2020.js").write_text("x" * 100)
    (shards / "manifest.js").write_text("x" * 50)
    (tmp_path / "searchindex.js").write_text("x" * 10_000)
    size, counted = search_index_bytes(tmp_path)
    assert size == 550
    assert "north-daily-2019.text.js" in counted and "manifest.js" in counted and "south" not in counted


def test_search_index_falls_back_to_sphinx_searchindex(tmp_path: Path) -> None:
    (tmp_path / "searchindex.js").write_text("x" * 1234)
    assert search_index_bytes(tmp_path) == (1234, "searchindex.js")


@pytest.mark.parametrize("name", ["generate", "bench"])
def test_tasks_have_help_for_every_flag(name: str) -> None:
    spec = importlib.util.spec_from_file_location("project_tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    task = getattr(module, name)
    flags = [p for p in inspect.signature(task.body).parameters if p != "c"]
    assert task.body.__doc__
    assert sorted(task.help) == sorted(flags)


#: A process that leaves a grandchild behind: it burns `seconds` of CPU after its parent has ended.
ORPHAN = """
import os, sys, time
if os.fork() == 0:
    started = time.process_time()
    while time.process_time() - started < float(sys.argv[1]):
        pass
    os._exit(0)
"""


def test_a_step_counts_the_cpu_of_what_it_leaves_running_as_a_fork_server_does(tmp_path: Path) -> None:
    with (tmp_path / "log").open("w", encoding="utf-8") as log:
        status, seconds, cpu = run_counted([sys.executable, "-c", ORPHAN, "0.5"], log)
    assert status == 0
    assert cpu is not None and cpu >= 0.45  # the grandchild's half second, counted once it has ended
