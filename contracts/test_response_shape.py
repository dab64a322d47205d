"""response.shape: every response conforms to the OpenAPI description (contracts/openapi.yaml).

Documented (API reference, ListFunctionAsyncInvokeConfigs, response parameters, and the official
SDK's ListFunctionAsyncInvokeConfigsResponseBody): {"configs": [...], "nextToken": "..."}; each config
has createdTime and lastModifiedTime (ISO-8601), function, qualifier and service (strings), and
destinationConfig, maxAsyncEventAgeInSeconds, maxAsyncRetryAttempts and statefulInvocation, which
"if you have not configured this parameter" are null. A destination is null or {destination: ARN}.
Errors are {"ErrorCode", "ErrorMessage"}; every response has an X-Fc-Request-Id header.
Undocumented additional fields are allowed (additive) and listed in the run's summary.
"""

from __future__ import annotations

import pytest

from fc_contract import ABSENT_SERVICE, Clause, Contract, Exchange

CLAUSE = Clause("response.shape")
pytestmark = CLAUSE.mark


def _conforms(exchange: Exchange, what: str) -> None:
    CLAUSE.responded(exchange, what)
    problems = exchange.shape.problems if exchange.shape else ["not validated"]
    CLAUSE.check(not problems, what, "a response as the OpenAPI description says",
                 f"{exchange.status}: " + "; ".join(problems[:4]), exchange)


def test_the_first_page_conforms(fc: Contract) -> None:
    _conforms(fc.page(), "the first page")


def test_every_page_of_a_walk_conforms(fc: Contract) -> None:
    """Every page of every planned walk (see fc_contract.judging.plan)."""
    for walk in fc.planned_walks(CLAUSE):
        for number, page in enumerate(walk.pages, start=1):
            _conforms(page, f"page {number} of a {'no-limit' if walk.limit is None else f'limit={walk.limit}'} walk")


@pytest.mark.parametrize(("label", "query", "service"), [
    ("an unknown service", [], ABSENT_SERVICE),
    ("limit=101", [("limit", "101")], None),
])
def test_error_responses_conform(fc: Contract, label: str, query: list[tuple[str, str]], service: str | None) -> None:
    _conforms(fc.page(query, service=service), label)


@pytest.mark.fc_after_all
def test_every_response_of_the_run_conforms(fc: Contract, pytestconfig: pytest.Config) -> None:
    """Runs last: every list response any clause received in this process."""
    if hasattr(pytestconfig, "workerinput"):
        pytest.skip("[response.shape] under pytest-xdist each worker sees only its own responses; run serially "
                    "to validate every response of every clause")
    bad = [e for e in fc.client.history if e.shape is not None and e.shape.problems]
    if not [e for e in fc.client.history if e.shape is not None]:
        CLAUSE.skip("responses from the other clauses; none was received in this process")
    if bad:
        first = bad[0]
        CLAUSE.fail(f"{len(bad)} of the run's responses (first, from {first.clause or 'setup'})",
                    "responses as the OpenAPI description says",
                    f"{first.status}: " + "; ".join(first.shape.problems[:4] if first.shape else []), first)
