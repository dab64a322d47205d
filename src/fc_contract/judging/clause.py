"""Clause verdicts: every failure starts with the clause id and ends with a request to reproduce."""

from __future__ import annotations

from typing import NoReturn

import pytest

from fc_contract.http.exchange import Exchange
from fc_contract.http.shown import visible
from fc_contract.judging.verdict import Choice, Stop, Verdict


class ContractFailure(pytest.fail.Exception):  # type: ignore[misc,name-defined]
    """pytest's failure, carrying its typed Verdict; its text is the verdict's."""

    def __init__(self, verdict: Verdict | Stop) -> None:
        super().__init__(str(verdict), pytrace=False)
        self.verdict = verdict

    @property
    def exchange(self) -> Exchange | None:
        return self.verdict.exchange if isinstance(self.verdict, Verdict) else None


ContractFailure.__module__ = "builtins"  # as pytest does for Failed: the summary says "ContractFailure: [...]"


class Clause:
    """One clause of the contract, e.g. Clause("limit.bounds")."""

    def __init__(self, clause_id: str) -> None:
        self.id = clause_id
        self.mark = pytest.mark.fc_clause(clause_id)

    def verdict(self, what: str, expected: str, observed: str, exchange: Exchange | None = None,
                choice: Choice | None = None) -> Verdict:
        return Verdict(self.id, what, expected, observed, choice, (exchange,) if exchange is not None else ())

    def fail(self, what: str, expected: str, observed: str, exchange: Exchange | None = None,
             choice: Choice | None = None) -> NoReturn:
        """Fail the test; `choice` when the expectation is the contract's choice, not the documentation's."""
        raise ContractFailure(self.verdict(what, expected, observed, exchange, choice))

    def check(self, ok: bool, what: str, expected: str, observed: str, exchange: Exchange | None = None,
              choice: Choice | None = None) -> None:
        if not ok:
            self.fail(what, expected, observed, exchange, choice)

    def responded(self, exchange: Exchange, what: str) -> None:
        """Fail unless a whole HTTP response came back."""
        if exchange.error is not None:
            self.fail(what, "an HTTP response", exchange.describe(), exchange)

    def skip(self, needs: str) -> NoReturn:
        pytest.skip(visible(f"[{self.id}] needs {needs}"))
