"""Clause verdicts: every failure starts with the clause id and ends with a request to reproduce."""

from __future__ import annotations

import re
from typing import NoReturn

import pytest

from fc_contract.http.exchange import Exchange
from fc_contract.http.shown import visible

# How every verdict line starts: "[limit.bounds] ...", or a run-wide id ("[auth]", "[budget]", "[replay]").
VERDICT_ID = re.compile(r"^\[([a-z][a-z0-9_.-]*)\] ", re.MULTILINE)


class ContractFailure(pytest.fail.Exception):  # type: ignore[misc,name-defined]
    """pytest's failure, carrying the exchange that shows it (the Markdown report's evidence)."""

    def __init__(self, message: str, exchange: Exchange | None) -> None:
        super().__init__(message, pytrace=False)
        self.exchange = exchange


ContractFailure.__module__ = "builtins"  # as pytest does for Failed: the summary says "ContractFailure: [...]"


class Clause:
    """One clause of the contract, e.g. Clause("limit.bounds")."""

    def __init__(self, clause_id: str) -> None:
        self.id = clause_id
        self.mark = pytest.mark.fc_clause(clause_id)

    def message(self, what: str, expected: str, observed: str, exchange: Exchange | None = None) -> str:
        text = f"[{self.id}] {what}: expected {expected}; observed {observed}"
        if exchange is not None:
            text += f"\n  reproduce: {exchange.curl()}"
        return visible(text)

    def fail(self, what: str, expected: str, observed: str, exchange: Exchange | None = None) -> NoReturn:
        raise ContractFailure(self.message(what, expected, observed, exchange), exchange)

    def check(self, ok: bool, what: str, expected: str, observed: str, exchange: Exchange | None = None) -> None:
        if not ok:
            self.fail(what, expected, observed, exchange)

    def responded(self, exchange: Exchange, what: str) -> None:
        """Fail unless a whole HTTP response came back."""
        if exchange.error is not None:
            self.fail(what, "an HTTP response", exchange.describe(), exchange)

    def skip(self, needs: str) -> NoReturn:
        pytest.skip(visible(f"[{self.id}] needs {needs}"))
