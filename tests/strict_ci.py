"""Pytest plugin (loaded by conftest): a test cannot quietly stop testing.

A test marked `needs_tool` (see `helpers.needs_tool`) is skipped when its program is missing, and
fails instead in CI (`CI` set). In CI the run also fails when any test was skipped, or marked
xfail (xfailed or xpassed): a known failure left in place is a failure, so fix it or delete the
test. Every such test is listed at the end of the run.
"""

from __future__ import annotations

import pytest
from helpers import in_ci, require_tool


class NotRunLedger:
    """Every test of the session that did not run as written: (test id, why)."""

    def __init__(self) -> None:
        self.not_run: list[tuple[str, str]] = []

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        for mark in item.iter_markers("needs_tool"):
            require_tool(*mark.args, **mark.kwargs)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if hasattr(report, "wasxfail"):
            self.not_run.append((report.nodeid, f"xfail ({report.outcome}): {report.wasxfail}"))
        elif report.skipped:
            self.not_run.append((report.nodeid, f"skipped: {_reason(report)}"))

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.skipped:  # a module skipped as a whole (importorskip, allow_module_level)
            self.not_run.append((report.nodeid, f"skipped: {_reason(report)}"))

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if not (in_ci() and self.not_run):
            return
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_sep("=", f"CI: {len(self.not_run)} test(s) did not run as written, so the run fails",
                               red=True)
            for nodeid, why in self.not_run:
                reporter.write_line(f"{nodeid}: {why}")
        if session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    """The skip's reason, from pytest's (path, line, message) long report."""
    return str(report.longrepr[2]) if isinstance(report.longrepr, tuple) else str(report.longrepr)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs_tool(name, install=...): the test needs the program `name`; "
                                       "skipped without it, a failure in CI (helpers.needs_tool)")
    config.pluginmanager.register(NotRunLedger(), "dailyarchive-not-run-ledger")
