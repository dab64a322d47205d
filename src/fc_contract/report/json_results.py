"""The run's results as one JSON document (--fc-json): what machines read instead of the terminal's text."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from fc_contract import __version__
from fc_contract.report import write_whole
from fc_contract.run.engine import Run
from fc_contract.run.results import TestResult

FORMAT = 2  # raised when a key changes meaning or goes (2: clause seconds, first failure, coverage, SDK differences)
SCHEMA = Path(__file__).with_name("results.schema.json")  # the JSON Schema every document validates against


def document(run: Run) -> dict[str, Any]:
    verdict = run.verdict()
    seconds, requests, first = run.results.seconds(), run.requests(), run.results.first_failures()
    return {
        "$schema": SCHEMA.name, "format": FORMAT, "fc_contract": __version__, "target": run.settings.target,
        "ending": verdict.ending.value, "verdict": str(verdict), "complete": verdict.complete,
        "not_run": list(verdict.not_run),
        "clauses": {clause: {"verdict": row.verdict, "passed": row.passed, "failed": row.failed,
                             "skipped": row.skipped, "xfailed": row.xfailed, "reasons": row.reasons,
                             "seconds": round(seconds.get(clause, 0.0), 3),
                             "requests": requests.get(clause, 0),
                             "first_failure": _failure(first[clause]) if clause in first else None}
                    for clause, row in run.results.table().items()},
        "coverage": run.results.coverage(),
        "tests": [{**asdict(test), "outcome": test.outcome.value} for test in run.results.tests],
        "requests": requests, "notes": run.findings.summary_notes(), "warnings": run.warnings,
        "behaviour": [{"kind": line.kind.value, "text": line.text} for line in run.findings.behaviour],
        "sdk_differences": list(run.findings.sdk),
    }


def _failure(test: TestResult) -> dict[str, Any]:
    failure = test.failure
    return {"nodeid": test.nodeid, "text": test.reason, "choice": failure.choice if failure else None,
            "documented": failure.documented if failure else True,
            "curl": failure.evidence.curl if failure and failure.evidence else None}


def write(path: Path, run: Run) -> None:
    """Written whole or not at all."""
    write_whole(path, json.dumps(document(run), indent=1))
