"""Judging one response: a page, or an FC error (shared by the clause modules)."""

from __future__ import annotations

from typing import Any

from fc_contract.http.exchange import Exchange
from fc_contract.judging.clause import Clause
from fc_contract.judging.verdict import Choice


def expect_page(clause: Clause, exchange: Exchange, what: str) -> list[Any]:
    """A 200 whose body has a configs list; returns the list."""
    clause.responded(exchange, what)
    data = exchange.json()
    configs = data.get("configs") if isinstance(data, dict) else None
    clause.check(exchange.status == 200 and isinstance(configs, list), what,
                 "200 with a configs list", exchange.describe(), exchange)
    assert isinstance(configs, list)
    return configs


def fc_error_body(data: Any) -> bool:
    """A body in the FC error shape: a JSON object with string ErrorCode and ErrorMessage."""
    return isinstance(data, dict) and isinstance(data.get("ErrorCode"), str) and isinstance(
        data.get("ErrorMessage"), str)


def expect_error(clause: Clause, exchange: Exchange, what: str, status: int | None, code: str | None,
                 choice: Choice | None = None) -> None:
    """An FC error: the status (None: any 4xx), {ErrorCode, ErrorMessage} and X-Fc-Request-Id.

    `choice`: the expected status and code are the contract's choice, not documented; a failure that a
    lenient reading would pass (another 4xx or code, or a 200) rests on it and names its switch.
    """
    wanted = f"{status or '4xx'} {code or 'error'} in the FC error shape"
    clause.responded(exchange, what)
    data = exchange.json()
    actual = exchange.status or 0
    relaxable = choice is not None and (actual == 200 or 400 <= actual < 500)
    clause.check(actual == status if status else 400 <= actual < 500, what, wanted, exchange.describe(), exchange,
                 choice=choice if relaxable else None)
    clause.check(fc_error_body(data), what,
                 f"{wanted}: a JSON body with string ErrorCode and ErrorMessage", exchange.describe(), exchange)
    assert isinstance(data, dict)
    if code is not None:
        clause.check(data["ErrorCode"] == code, what, wanted, exchange.describe(), exchange, choice=choice)
    clause.check(bool(exchange.header("X-Fc-Request-Id")), what, f"{wanted} with an X-Fc-Request-Id header",
                 "no X-Fc-Request-Id header", exchange)


def difference(expected: list[Any], observed: list[Any], around: int = 2) -> tuple[int, str, str] | None:
    """Where two sequences first differ, and each side from `around` items before it to `around` after: None if equal.

    >>> difference(["a", "b", "c", "d"], ["a", "b", "d"], around=1)
    (2, "at 2: ...['b', 'c', 'd']", "at 2: ...['b', 'd']")
    """
    if expected == observed:
        return None
    at = next((i for i, (a, b) in enumerate(zip(expected, observed, strict=False)) if a != b),
              min(len(expected), len(observed)))
    start = max(0, at - around)

    def show(items: list[Any]) -> str:
        shown = items[start:at + around + 1]
        return (f"at {at}: {'...' if start else ''}{shown}{'...' if at + around + 1 < len(items) else ''}"
                + ("" if at < len(items) else f" (ends after {len(items)})"))

    return at, show(expected), show(observed)
