"""Shared fixtures: the sample archive built once per test session, and small archives."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from dailyarchive.publish.html import BuildResult, build

ROOT = Path(__file__).resolve().parents[1]
pytest_plugins = ["sphinx.testing.fixtures", "strict_ci"]


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The sample archive (archive/) built once with the real Sphinx; tests only read it."""
    out = tmp_path_factory.mktemp("sample-build")
    warnings = io.StringIO()
    result = build(ROOT / "archive", out, ROOT / "docs", "html", status=None, warning=warnings)
    assert result.status == 0, warnings.getvalue()
    return result


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """An empty archive with one series (`test-daily`) and a small gazetteer."""
    from helpers import write_archive

    return write_archive(tmp_path / "archive")
