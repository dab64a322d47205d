"""errors: unknown resources and bad tokens get the documented FC errors.

Documented (Function Compute error codes; the SDKs read these keys): errors are JSON
{"ErrorCode", "ErrorMessage"} with an X-Fc-Request-Id header; 404 ServiceNotFound ("service '%s'
does not exist"), 404 FunctionNotFound ("function '%s' does not exist in service '%s'"),
400 InvalidArgument. A token is the server's business: of a nextToken the server did not issue only
what a client can know is judged. Never a 5xx; an error is in the FC error shape; a 200 is a
conforming page and not the first page again (a silent restart makes a client loop).
Contract choice (not documented): garbage and foreign tokens get exactly 400 InvalidArgument
(--fc-invalid-input=lenient: any 4xx, or a conforming 200 that is no restart). A tampered token (a
real one with characters appended) gets 400 InvalidArgument or a conforming 200 that is no restart
in either mode: a lenient decoder may read it as the token it was.
"""

from __future__ import annotations

import pytest

from fc_contract import ABSENT_FUNCTION, ABSENT_SERVICE, Clause, Contract, expect_error

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


def _judge_bad_token(fc: Contract, label: str, token: str, may_page: bool) -> None:
    """`may_page`: a 200 is acceptable when it is a conforming page and no restart."""
    exchange = fc.page([("nextToken", token)])
    what = f"a {label} nextToken {token[:40]!r}"
    CLAUSE.responded(exchange, what)
    CLAUSE.check((exchange.status or 0) < 500, what, "no 5xx", exchange.describe(), exchange)
    if exchange.status != 200:
        strict = fc.strict and not may_page
        expect_error(CLAUSE, exchange, what, 400 if strict else None, "InvalidArgument" if strict else None,
                     choice=fc.choice if strict else None)
        return
    problems = exchange.shape.problems if exchange.shape else []
    CLAUSE.check(not problems, what, "an error, or a page as the description says", "; ".join(problems[:3]),
                 exchange)
    data = exchange.json()
    first = data.get("configs", [])[:1] if isinstance(data, dict) else []
    reference = fc.page().json()
    if first and isinstance(reference, dict) and first == reference.get("configs", [])[:1]:
        CLAUSE.fail(what, "400 InvalidArgument, or a page that is not the first page again",
                    "200, the first page again (a silent restart: a client following tokens loops)", exchange)
    if fc.strict and not may_page:
        CLAUSE.fail(what, "400 InvalidArgument", exchange.describe(), exchange, choice=fc.choice)


@pytest.mark.parametrize("label", ["garbage", "foreign"])
def test_a_token_the_server_did_not_issue_is_invalid_argument(fc: Contract, label: str) -> None:
    _judge_bad_token(fc, label, dict(fc.foreign_tokens())[label], may_page=False)


def test_a_tampered_token_is_invalid_argument_or_no_restart(fc: Contract) -> None:
    _judge_bad_token(fc, "tampered", _real_token(fc) + "x0", may_page=True)
