"""The run's bookkeeping of pytest's reports: each into the run's results, and whether a recording is whole."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

import pytest

from fc_contract.run.engine import Run
from fc_contract.run.results import Evidence, Failure, Outcome, TestResult

CLAUSE = "fc_clause"  # the report properties (JUnit XML shows them): the test's clause,
COVERAGE = "fc_coverage"  # what it covered,
EVIDENCE = "fc_evidence"  # a failure's request as curl and an excerpt of the response,
VERDICT = "fc_verdict"  # a failure's verdict (run.results.Failure, as JSON)


class Collector:
    """Turns every test report (pytest-xdist's workers' too) into a TestResult; keeps what ran to its end."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.ended: set[str] = set()
        self.ours: set[str] = set()  # deselected by this plugin (profile, target): not a partial run
        self.deselected = 0  # clause tests deselected by the user (-k, -m, --deselect)
        self.left_out: dict[str, set[str]] = {}  # clause modules --fc-clause left out uncollected: name, clauses
        self.missing: list[str] = []  # clause modules of the contracts directory that were not collected

    @property
    def expected(self) -> set[str]:
        """The clause tests collected (a recording needs every one run): the run's plan."""
        return set(self.run.planned)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        result = result_of(report)
        if result is not None:
            self.run.results.add(result)
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


def result_of(report: pytest.TestReport) -> TestResult | None:
    """The typed result of a clause test's report: its call, or a setup or teardown that failed or skipped."""
    properties = dict(report.user_properties)
    clause = properties.get(CLAUSE)
    if clause is None or (report.when != "call" and not (report.failed or report.skipped)):
        return None
    passed = TestResult(report.nodeid, str(clause), Outcome.PASSED, coverage=str(properties.get(COVERAGE) or ""),
                        seconds=report.duration)
    if hasattr(report, "wasxfail"):
        if report.failed:  # a strict xfail that passed
            return replace(passed, outcome=Outcome.XPASSED, reason=f"XPASS(strict): {report.wasxfail}")
        return replace(passed, outcome=Outcome.XFAILED, reason=str(report.wasxfail))
    if report.passed:
        return passed
    if report.skipped:
        reason = str(report.longrepr[2]) if isinstance(report.longrepr, tuple) else str(report.longrepr)
        return replace(passed, outcome=Outcome.SKIPPED, reason=reason.removeprefix("Skipped: "))
    raw = properties.get(VERDICT)
    if raw:
        evidence = properties.get(EVIDENCE)
        failure = Failure(**json.loads(str(raw)), evidence=Evidence(**json.loads(str(evidence))) if evidence else None)
        return replace(passed, outcome=Outcome.FAILED, reason=failure.text, failure=failure)
    # an error the test raised, not a verdict: pytest's own report of it, without pytest-xdist's worker lines
    text = "\n".join(line for line in str(report.longreprtext or "").splitlines() if not line.startswith("[gw"))
    return replace(passed, outcome=Outcome.FAILED, reason=text)
