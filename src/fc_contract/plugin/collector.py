"""The run's clause bookkeeping: every test report into the clause table, and whether a recording is whole."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from fc_contract.plugin.conformance import Conformance


class Collector:
    """Gathers the clause table from every test report (pytest-xdist's workers' too), and what ran to its end."""

    def __init__(self, conformance: Conformance) -> None:
        self.conformance = conformance
        self.expected: set[str] = set()  # the clause tests collected (a recording needs every one run)
        self.ended: set[str] = set()
        self.ours: set[str] = set()  # deselected by this plugin (profile, target): not a partial run
        self.deselected = 0  # clause tests deselected by the user (-k, -m, --deselect)
        self.missing: list[str] = []  # clause modules of the contracts directory that were not collected

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.conformance.add(report)
        if report.when == "call" or (report.when == "setup" and not report.passed):
            self.ended.add(report.nodeid)

    def pytest_deselected(self, items: Sequence[pytest.Item]) -> None:
        self.deselected += sum(1 for i in items if i.get_closest_marker("fc_clause") and i.nodeid not in self.ours)

    def incomplete(self) -> str | None:
        """Why this run's recording would not be the whole suite, if it would not."""
        if self.missing:
            return f"the run did not collect every clause module (missing {', '.join(self.missing)})"
        if self.deselected:
            return f"{self.deselected} clause tests were deselected (-k, -m or --deselect)"
        unfinished = self.expected - self.ended
        if unfinished:
            return f"{len(unfinished)} clause tests did not run to their end (-x, --maxfail or an interruption)"
        return None
