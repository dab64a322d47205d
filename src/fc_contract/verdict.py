"""Clause verdicts: every failure starts with the clause id and ends with a request to reproduce."""

from __future__ import annotations

from typing import NoReturn

import pytest

from fc_contract.exchange import Exchange


class Clause:
    """One clause of the contract, e.g. Clause("limit.bounds")."""

    def __init__(self, clause_id: str) -> None:
        self.id = clause_id
        self.mark = pytest.mark.fc_clause(clause_id)

    def message(self, what: str, expected: str, observed: str, exchange: Exchange | None = None) -> str:
        text = f"[{self.id}] {what}: expected {expected}; observed {observed}"
        if exchange is not None:
            text += f"\n  reproduce: {exchange.curl()}"
        return text

    def fail(self, what: str, expected: str, observed: str, exchange: Exchange | None = None) -> NoReturn:
        pytest.fail(self.message(what, expected, observed, exchange), pytrace=False)

    def check(self, ok: bool, what: str, expected: str, observed: str, exchange: Exchange | None = None) -> None:
        if not ok:
            self.fail(what, expected, observed, exchange)

    def responded(self, exchange: Exchange, what: str) -> None:
        """Fail unless a whole HTTP response came back."""
        if exchange.error is not None:
            self.fail(what, "an HTTP response", exchange.describe(), exchange)

    def skip(self, needs: str) -> NoReturn:
        pytest.skip(f"[{self.id}] needs {needs}")
