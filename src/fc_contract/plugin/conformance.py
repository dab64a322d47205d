"""The conformance report: clauses passed, failed and skipped, with each failure's evidence."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from fc_contract import __version__
from fc_contract.http.exchange import Exchange
from fc_contract.http.shown import fence, span, visible
from fc_contract.judging.clause import VERDICT_ID

EVIDENCE = "fc_evidence"
CLAUSE = "fc_clause"
COVERAGE = "fc_coverage"
EXCERPT = 600


def evidence_of(exchange: Exchange) -> str:
    """The request as curl and an excerpt of what came back, as JSON for a report's user_properties."""
    body = visible(exchange.body[:EXCERPT].decode("utf-8", "replace") + ("..." if len(exchange.body) > EXCERPT else ""))
    return json.dumps({"curl": exchange.curl(), "status": exchange.status, "error": exchange.error,
                       "content_type": exchange.header("content-type"), "body": body})


@dataclass
class _ClauseResult:
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
class _Failure:
    nodeid: str
    clause: str
    message: str
    evidence: dict[str, Any] | None


@dataclass
class Conformance:
    """Collected from the test reports (also those pytest-xdist workers send)."""

    clauses: dict[str, _ClauseResult] = field(default_factory=lambda: defaultdict(_ClauseResult))
    failures: list[_Failure] = field(default_factory=list)
    coverage: dict[str, str] = field(default_factory=dict)  # clause id -> what of the input space it covered

    def add(self, report: pytest.TestReport) -> None:
        properties = dict(report.user_properties)
        clause = properties.get(CLAUSE)
        if clause is None or (report.when != "call" and not (report.failed or report.skipped)):
            return
        result = self.clauses[str(clause)]
        if properties.get(COVERAGE):
            self.coverage[str(clause)] = str(properties[COVERAGE])
        message = _message(report)
        if hasattr(report, "wasxfail"):
            result.xfailed += report.skipped
            result.failed += report.failed  # a strict xfail that passed
            if report.failed:
                result.reasons.append(f"XPASS(strict): {report.wasxfail}")
        elif report.passed:
            result.passed += 1
        elif report.skipped:
            result.skipped += 1
            result.reasons.append(message)
        else:
            result.failed += 1
            result.reasons.append(message.splitlines()[0] if message else "failed")
            raw = properties.get(EVIDENCE)
            self.failures.append(_Failure(report.nodeid, str(clause), message, json.loads(str(raw)) if raw else None))

    def table(self) -> list[str]:
        lines = [f"{'clause':26} {'verdict':8} {'passed':>6} {'failed':>6} {'skipped':>7}  first reason"]
        for clause, result in sorted(self.clauses.items()):
            reason = result.reasons[0][:90] if result.reasons else ""
            lines.append(f"{clause:26} {result.verdict:8} {result.passed:6} {result.failed:6} "
                         f"{result.skipped:7}  {reason}")
        lines += [f"coverage {clause}: {text}" for clause, text in sorted(self.coverage.items())]
        return lines

    def markdown(self, target: str, summary: list[str], behaviour: Sequence[str] = ()) -> str:
        verdict = "FAILED" if any(r.failed for r in self.clauses.values()) else "passed"
        out = [f"# fc-contract report: {verdict}", "",
               f"- target: {span(target)}", f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
               f"- fc-contract {__version__}", "", "| clause | verdict | passed | failed | skipped | reason |",
               "| --- | --- | --- | --- | --- | --- |"]
        for clause, r in sorted(self.clauses.items()):
            reason = span(r.reasons[0][:200]) if r.reasons else ""
            out.append(f"| {span(clause)} | {r.verdict} | {r.passed} | {r.failed} | {r.skipped} | {reason} |")
        if self.coverage:
            out += ["", "## Coverage", ""]
            out += [f"- {span(clause)}: {span(text)}" for clause, text in sorted(self.coverage.items())]
        if self.failures:
            out += ["", "## Failures"]
        for failure in self.failures:
            out += ["", f"### {span(failure.clause)}: {span(failure.nodeid)}", "", *fence(failure.message.strip())]
            if failure.evidence:
                ev = failure.evidence
                got = str(ev["error"] or f"{ev['status']} {ev['content_type'] or ''}".strip())
                out += ["", "Request:", "", *fence(str(ev["curl"]), "sh"), "", f"Response: {span(got)}", "",
                        *fence(str(ev["body"] or "(empty)"))]
        if behaviour:
            out += ["", "## Behaviour diff", "", *fence("\n".join(behaviour))]
        if summary:
            out += ["", "## Run", "", *fence("\n".join(summary))]
        return "\n".join(out) + "\n"

    def write(self, path: Path, target: str, summary: list[str], behaviour: Sequence[str] = ()) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.markdown(target, summary, behaviour), encoding="utf-8")


def _message(report: pytest.TestReport) -> str:
    """The failure or skip message, without pytest-xdist's worker line."""
    if report.skipped and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    lines = [line for line in str(report.longreprtext or "").splitlines() if not line.startswith("[gw")]
    first = next((i for i, line in enumerate(lines) if VERDICT_ID.match(line)), 0)
    return "\n".join(lines[first:])
