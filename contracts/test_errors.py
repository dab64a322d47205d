"""errors: unknown resources and bad tokens get the documented FC errors.

Documented (Function Compute error codes; the SDKs read these keys): errors are JSON
{"ErrorCode", "ErrorMessage"} with an X-Fc-Request-Id header; 404 ServiceNotFound ("service '%s'
does not exist"), 404 FunctionNotFound ("function '%s' does not exist in service '%s'"),
400 InvalidArgument. Contract choice (not documented): a nextToken the server did not issue, or a
tampered one, gets 400 InvalidArgument (--fc-invalid-input=lenient: any 4xx), never a 5xx and never
a silent restart from the first page.
"""

from __future__ import annotations

import pytest

from fc_contract.contract import ABSENT_FUNCTION, ABSENT_SERVICE, Contract
from fc_contract.judge import expect_error
from fc_contract.verdict import Clause

CLAUSE = Clause("errors")
pytestmark = CLAUSE.mark


def test_an_unknown_service_is_service_not_found(fc: Contract) -> None:
    exchange = fc.page(service=ABSENT_SERVICE, function=ABSENT_FUNCTION)
    expect_error(CLAUSE, exchange, f"service {ABSENT_SERVICE!r}", 404, "ServiceNotFound")


def test_an_unknown_function_is_function_not_found(fc: Contract) -> None:
    exchange = fc.page(function=ABSENT_FUNCTION)
    expect_error(CLAUSE, exchange, f"function {ABSENT_FUNCTION!r} in service {fc.service!r}", 404, "FunctionNotFound")


def _real_token(fc: Contract) -> str:
    page = fc.page([("limit", "1")])
    data = page.json()
    token = data.get("nextToken") if isinstance(data, dict) else None
    if not isinstance(token, str) or not token:
        CLAUSE.skip(f"a nextToken to tamper with: at least 2 configs on {fc.service}/{fc.function}")
    return token


def _judge_bad_token(fc: Contract, label: str, token: str) -> None:
    exchange = fc.page([("nextToken", token)])
    what = f"a {label} nextToken {token[:40]!r}"
    if exchange.status == 200:
        data = exchange.json()
        first = data.get("configs", [None])[:1] if isinstance(data, dict) else []
        reference = fc.page([("limit", "1")]).json()
        restart = bool(first) and isinstance(reference, dict) and first == reference.get("configs", [])[:1]
        CLAUSE.fail(what, "400 InvalidArgument", "200, the first page again (a silent restart)" if restart
                    else exchange.describe(), exchange)
    strict = fc.strict
    expect_error(CLAUSE, exchange, what, 400 if strict else None, "InvalidArgument" if strict else None)


@pytest.mark.parametrize("label", ["garbage", "foreign"])
def test_a_token_the_server_did_not_issue_is_invalid_argument(fc: Contract, label: str) -> None:
    _judge_bad_token(fc, label, dict(fc.foreign_tokens())[label])


def test_a_tampered_token_is_invalid_argument(fc: Contract) -> None:
    _judge_bad_token(fc, "tampered", _real_token(fc) + "x0")
