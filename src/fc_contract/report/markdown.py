"""The conformance report as Markdown: clauses passed, failed and skipped, with each failure's evidence."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fc_contract import __version__
from fc_contract.http.shown import fence, span
from fc_contract.run.engine import Run
from fc_contract.run.results import WHY, Ending, Results, RunVerdict

REASON = 200  # characters of a clause's first reason the table shows


def markdown(results: Results, target: str, summary: list[str], behaviour: list[str],
             verdict: RunVerdict | None = None) -> str:
    title = str(verdict) if verdict is not None else "FAILED" if results.failures() else "passed"
    out = [f"# fc-contract report: {title}", "",
           f"- target: {span(target)}", f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
           f"- fc-contract {__version__}", "", "| clause | verdict | passed | failed | skipped | reason |",
           "| --- | --- | --- | --- | --- | --- |"]
    for clause, row in results.table().items():
        reason = span(row.reasons[0][:REASON]) if row.reasons else ""
        out.append(f"| {span(clause)} | {row.verdict} | {row.passed} | {row.failed} | {row.skipped} | {reason} |")
    if verdict is not None and verdict.not_run:
        out += ["", "## Not run", "", f"The run ended before these clauses were judged ({WHY[verdict.ending]}):", ""]
        out += [f"- {span(clause)}" for clause in verdict.not_run]
    coverage = results.coverage()
    if coverage:
        out += ["", "## Coverage", ""]
        out += [f"- {span(clause)}: {span(text)}" for clause, text in coverage.items()]
    failures = results.failures()
    if failures:
        out += ["", "## Failures"]
    for test in failures:
        out += ["", f"### {span(test.clause)}: {span(test.nodeid)}", "", *fence(test.reason.strip())]
        evidence = test.failure.evidence if test.failure is not None else None
        if evidence is not None:
            got = str(evidence.error or f"{evidence.status} {evidence.content_type or ''}".strip())
            out += ["", "Request:", "", *fence(evidence.curl, "sh"), "", f"Response: {span(got)}", "",
                    *fence(evidence.body or "(empty)")]
    if behaviour:
        out += ["", "## Behaviour diff", "", *fence("\n".join(behaviour))]
    if summary:
        out += ["", "## Run", "", *fence("\n".join(summary))]
    return "\n".join(out) + "\n"


def write(path: Path, run: Run, summary: list[str]) -> None:
    """The report of `run` at `path` (its folders made)."""
    where = run.contract.client.base_url if run.contract is not None else run.settings.target
    path.parent.mkdir(parents=True, exist_ok=True)
    verdict = run.verdict()
    text = markdown(run.results, where, summary, [str(line) for line in run.findings.behaviour],
                    verdict if verdict.ending is not Ending.PASSED else None)
    path.write_text(text, encoding="utf-8")
