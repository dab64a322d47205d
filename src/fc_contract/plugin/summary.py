"""What the end of a run prints: the target, requests per clause, undocumented fields, notes."""

from __future__ import annotations

from fc_contract.http.shown import escape
from fc_contract.judging.contract import Contract


def _undocumented_fields(contract: Contract) -> list[str]:
    seen: set[str] = set()
    for exchange in contract.client.history:
        if exchange.shape is not None:
            seen |= exchange.shape.undocumented
    return sorted(seen)


def summary_lines(contract: Contract, kind: str) -> list[str]:
    """The run's lines; `kind` is the target's (replay, fake, url, live)."""
    client, settings = contract.client, contract.settings
    use = ("replayed" if kind == "replay" else "recorded into" if settings.record
           else "not used against this target")
    lines = [f"target {client.base_url}, function {contract.service}/{contract.function}: "
             f"{client.sent} requests",
             f"judged by {contract.spec.path.resolve()}; cassettes {settings.cassette_dir.resolve()} ({use})"]
    lines += [f"  {clause or '(setup)'}: {count} requests" for clause, count in sorted(client.counts.items())]
    lines.append(f"spent {client.spent()} (budget {settings.max_seconds:g} s, retry waits at most "
                 f"{client.limits.max_waiting:g} s)")
    if client.retried:
        lines.append(f"retried {len(client.retried)} throttled requests:")
        lines += [f"  {line}" for line in client.retried[:20]]
        lines += [f"  ... and {len(client.retried) - 20} more"] if len(client.retried) > 20 else []
    fields = _undocumented_fields(contract)
    if fields:
        lines.append(f"undocumented response fields (allowed, additive): {escape(', '.join(fields[:50]))}")
    lines += [f"note: {note}" for note in contract.notes]
    return lines
