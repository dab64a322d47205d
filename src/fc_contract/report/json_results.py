"""The run's results as one JSON document (--fc-json): what machines read instead of the terminal's text."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from fc_contract import __version__
from fc_contract.run.engine import Run

FORMAT = 1  # raised when a key changes meaning or goes


def document(run: Run) -> dict[str, Any]:
    verdict = run.verdict()
    return {
        "format": FORMAT, "fc_contract": __version__, "target": run.settings.target, "ending": verdict.ending.value,
        "verdict": str(verdict), "not_run": list(verdict.not_run),
        "clauses": {clause: {"verdict": row.verdict, "passed": row.passed, "failed": row.failed,
                             "skipped": row.skipped, "xfailed": row.xfailed, "reasons": row.reasons}
                    for clause, row in run.results.table().items()},
        "tests": [{**asdict(test), "outcome": test.outcome.value} for test in run.results.tests],
        "requests": run.requests(), "notes": run.findings.summary_notes(), "warnings": run.warnings,
        "behaviour": [{"kind": line.kind.value, "text": line.text} for line in run.findings.behaviour],
    }


def write(path: Path, run: Run) -> None:
    """Written whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(document(run), indent=1), encoding="utf-8")
    os.replace(partial, path)
