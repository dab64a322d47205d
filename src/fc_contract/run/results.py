"""The run's typed results: a result per test, the clause table they make, how the run ended.

The plugin appends them (from pytest's reports, also those pytest-xdist workers send); every output
(terminal table, progress lines, Markdown, JUnit properties, JSON, the CLI, the SDK matrix) reads them.
"""

from __future__ import annotations

import enum
import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from fc_contract.http.exchange import Exchange
from fc_contract.http.shown import visible
from fc_contract.judging.verdict import Stop, Verdict

EXCERPT = 600  # bytes of a failure's response body its evidence keeps


class Outcome(enum.Enum):
    PASSED = "passed"
    FAILED = "failed"  # a verdict, or an error the test raised
    SKIPPED = "skipped"
    XFAILED = "xfailed"  # a known defect, present
    XPASSED = "xpassed"  # a known defect that is gone: a strict xfail, so it fails the run


class Ending(enum.Enum):
    """How the run ended: one value, decided once, that every output renders."""

    PASSED = "passed"
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    TERMINATED = "terminated"  # SIGTERM: a CI job's timeout or cancel
    BUDGET = "budget"  # stopped by --fc-max-requests or --fc-max-seconds
    AUTH = "auth"  # stopped by the target's refusals
    STOPPED = "stopped"  # stopped by another run-wide rule (an unresponsive target, throttling, safety)
    ERROR = "error"


COMPLETE = (Ending.PASSED, Ending.FAILED)  # the endings of a run that judged every clause it collected
STOPS = {"budget": Ending.BUDGET, "auth": Ending.AUTH}  # a run-wide verdict id -> the ending it makes
WHY = {Ending.INTERRUPTED: "interrupted", Ending.TERMINATED: "terminated (SIGTERM)",
       Ending.BUDGET: "stopped by the budget", Ending.AUTH: "stopped by the target's refusals",
       Ending.STOPPED: "stopped", Ending.ERROR: "ended by an internal error"}  # how an incomplete run is said


@dataclass(frozen=True)
class RunVerdict:
    """The run's one verdict, as every output says it: its ending, and the clauses it concerns."""

    ending: Ending
    clauses: int  # the clauses the run set out to judge
    ran: int  # those with a result
    failed: int
    not_run: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return self.ending in COMPLETE

    def __str__(self) -> str:
        if self.ending is Ending.PASSED:
            return f"PASSED: {self.clauses} clauses"
        if self.ending is Ending.FAILED:
            return f"FAILED: {self.failed} of {self.clauses} clauses"
        failed = f", {self.failed} failed" if self.failed else ""
        return f"INCOMPLETE: {WHY[self.ending]} after {self.ran} of {self.clauses} clauses{failed}"


@dataclass(frozen=True)
class Evidence:
    """The request as curl and an excerpt of what came back."""

    curl: str
    status: int | None
    error: str | None
    content_type: str | None
    body: str

    @classmethod
    def of(cls, exchange: Exchange) -> Evidence:
        text = exchange.body[:EXCERPT].decode("utf-8", "replace") + ("..." if len(exchange.body) > EXCERPT else "")
        return cls(exchange.curl(), exchange.status, exchange.error, exchange.header("content-type"), visible(text))


@dataclass(frozen=True)
class Failure:
    """A failed test's verdict, as plain data: whose, its text, its basis, its evidence."""

    clause: str  # the verdict's id: the clause, or a run-wide id (replay, budget, auth, ...)
    text: str
    choice: str | None = None  # the switch that relaxes it, when it rests on a contract choice
    evidence: Evidence | None = None
    observed: str = ""
    defect: str = ""  # a known defect this failure says is gone

    @property
    def documented(self) -> bool:
        return self.choice is None

    def to_json(self) -> str:
        """Without the evidence, which travels on its own (the JUnit property fc_evidence)."""
        return json.dumps({k: v for k, v in asdict(self).items() if k != "evidence"})

    @classmethod
    def of(cls, verdict: Verdict | Stop) -> Failure:
        if isinstance(verdict, Stop):
            return cls(verdict.clause, str(verdict))
        exchange = verdict.exchange
        return cls(verdict.clause, str(verdict), verdict.choice.switch if verdict.choice else None,
                   Evidence.of(exchange) if exchange is not None else None, verdict.observed, verdict.defect)


@dataclass(frozen=True)
class TestResult:
    """One test's outcome: its clause, why (a failure's verdict, a skip's reason), what it covered."""

    __test__ = False  # not a pytest test class

    nodeid: str
    clause: str
    outcome: Outcome
    reason: str = ""  # a skip's reason, an xfail's defect, or a failure's text
    failure: Failure | None = None
    coverage: str = ""
    seconds: float = 0.0



@dataclass
class ClauseRow:
    """One clause's line in the table."""

    passed: int = 0
    failed: int = 0
    skipped: int = 0
    xfailed: int = 0
    reasons: list[str] = field(default_factory=list)  # first line of each failure and skip

    @property
    def verdict(self) -> str:
        if self.failed:
            return "FAILED"
        return "passed" if self.passed or self.xfailed else "skipped"


@dataclass
class Results:
    """Every test result of the run, in the order they came."""

    tests: list[TestResult] = field(default_factory=list)

    def add(self, result: TestResult) -> None:
        self.tests.append(result)

    def table(self) -> dict[str, ClauseRow]:
        """Clause -> its row, sorted by clause."""
        rows: dict[str, ClauseRow] = defaultdict(ClauseRow)
        for test in self.tests:
            row = rows[test.clause]
            if test.outcome is Outcome.PASSED:
                row.passed += 1
            elif test.outcome is Outcome.SKIPPED:
                row.skipped += 1
                row.reasons.append(test.reason)
            elif test.outcome is Outcome.XFAILED:
                row.xfailed += 1
            else:
                row.failed += 1
                row.reasons.append(test.reason.splitlines()[0] if test.reason else "failed")
        return dict(sorted(rows.items()))

    def failures(self) -> list[TestResult]:
        return [t for t in self.tests if t.outcome in (Outcome.FAILED, Outcome.XPASSED)]

    def first_failures(self) -> dict[str, TestResult]:
        """Clause -> its first failed test, in the order they came."""
        first: dict[str, TestResult] = {}
        for test in self.failures():
            first.setdefault(test.clause, test)
        return first

    def failed_clauses(self) -> set[str]:
        """The verdict id of each failure: the clause it names, or a run-wide id (replay, budget, ...)."""
        return {t.failure.clause if t.failure else t.clause for t in self.failures()}

    def seconds(self) -> dict[str, float]:
        """Clause -> the seconds its tests took."""
        out: dict[str, float] = defaultdict(float)
        for test in self.tests:
            out[test.clause] += test.seconds
        return dict(sorted(out.items()))

    def coverage(self) -> dict[str, str]:
        """Clause -> what its checks covered of the input space (its last test's words)."""
        return dict(sorted({t.clause: t.coverage for t in self.tests if t.coverage}.items()))
