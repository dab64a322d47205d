"""What the end of a run prints: the clause table, the target, requests per clause, undocumented fields, notes."""

from __future__ import annotations

from fc_contract.http.shown import escape
from fc_contract.run.engine import Run
from fc_contract.run.results import Results

REASON = 90  # characters of a clause's first reason the table shows


def rows(results: Results, coverage: bool = True) -> list[tuple[str, bool]]:
    """The clause table, then (unless not `coverage`) what each clause covered: each line, and whether it is a
    failed clause's."""
    lines = [(f"{'clause':26} {'verdict':8} {'passed':>6} {'failed':>6} {'skipped':>7}  first reason", False)]
    cut: list[tuple[str, str]] = []
    for clause, row in results.table().items():
        reason = row.reasons[0] if row.reasons else ""
        if len(reason) > REASON:
            cut += [(clause, reason)] if not row.failed else []  # a failure is shown whole below the table
            reason = reason[:REASON - 1] + "\u2026"
        lines.append((f"{clause:26} {row.verdict:8} {row.passed:6} {row.failed:6} {row.skipped:7}  {reason}",
                      bool(row.failed)))
    lines += [(f"  {clause}: {reason}", False) for clause, reason in cut]  # whole: a skip's reason says what to do
    covered = results.coverage().items() if coverage else ()
    return lines + [(f"coverage {clause}: {text}", False) for clause, text in covered]


def table(results: Results, coverage: bool = True) -> list[str]:
    """The clause table's lines."""
    return [line for line, _ in rows(results, coverage)]


def first_failures(results: Results) -> dict[str, str]:
    """Clause -> the text of its first failure."""
    return {clause: test.reason.strip() for clause, test in results.first_failures().items()}


def _undocumented_fields(run: Run) -> list[str]:
    seen: set[str] = set()
    for exchange in run.contract.client.history if run.contract is not None else ():
        if exchange.shape is not None:
            seen |= exchange.shape.undocumented
    return sorted(seen)


def summary(run: Run) -> list[str]:
    """The run's figures and notes (nothing when no Contract was made), then each SDK's line."""
    contract, settings = run.contract, run.settings
    lines: list[str] = []
    if contract is not None:
        client = contract.client
        kind = run.target.kind if run.target is not None else "url"
        use = ("replayed" if kind == "replay" else "recorded into" if settings.record
               else "not used against this target")
        lines += [f"target {client.base_url}, function {contract.service}/{contract.function}: {client.sent} requests",
                  f"judged by {contract.spec.path.resolve()}; cassettes {settings.cassette_dir.resolve()} ({use})"]
        lines += [f"  {clause or '(setup)'}: {count} requests" for clause, count in run.requests().items()]
        lines.append(f"spent {client.spent()} (budget {settings.max_seconds:g} s, retry waits at most "
                     f"{client.limits.max_waiting:g} s)")
        if client.retried:
            lines.append(f"retried {len(client.retried)} throttled requests:")
            lines += [f"  {line}" for line in client.retried[:20]]
            lines += [f"  ... and {len(client.retried) - 20} more"] if len(client.retried) > 20 else []
        fields = _undocumented_fields(run)
        if fields:
            lines.append(f"undocumented response fields (allowed, additive): {escape(', '.join(fields[:50]))}")
        lines += [f"note: {note}" for note in run.findings.summary_notes()]
    return lines + [f"SDK {report.line()}" for report in run.sdk_reports.values()]
