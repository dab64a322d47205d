"""schema.fuzz: requests generated from the OpenAPI description, positive and negative.

Documented behaviour only (contracts/openapi.yaml, from the API reference): a request within the
description gets 200 with a conforming page; a `limit` outside 1..100 or not an integer gets 400
InvalidArgument (contract choice, see limit.bounds); a generated `nextToken` is opaque data the server
may reject (400 InvalidArgument) or accept, never a 5xx. No response is ever a 5xx or outside the
description's shape. What the documentation does not promise (undeclared methods, invalid values of
the optional X-Fc-* request headers) is judged only by that: a 405, 404 or 400 is as good an answer as
any, but a 5xx to a request the suite sent is never a conforming answer (as schemathesis's
not_a_server_error judges every request it sends).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
import schemathesis
from schemathesis import GenerationMode

from fc_contract import Clause, Contract, Exchange

CLAUSE = Clause("schema.fuzz")
pytestmark = CLAUSE.mark
# This copy's own description, its list operation only: the write siblings are state.writes' to send, on the
# qualifiers it may touch; fuzzing them would write to any qualifier of the function under test.
schema = schemathesis.openapi.from_path(Path(__file__).with_name("openapi.yaml")).include(
    operation_id="ListFunctionAsyncInvokeConfigs")
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
ENUMS = {"x-fc-log-type": ("Tail", "None"), "x-fc-invocation-type": ("Sync", "Async")}


def _unpromised(case: Any, sent_headers: dict[str, str]) -> str | None:
    """Why the documentation promises nothing for this request, or None when it does."""
    if case.method.upper() != "GET":
        return f"undeclared method {case.method.upper()}"
    for name, value in sent_headers.items():
        allowed = ENUMS.get(name.lower())
        if allowed is not None and value not in allowed:
            return f"header {name}: {value!r} outside {'|'.join(allowed)}"
    return None


def _judge(fc: Contract, exchange: Exchange, unpromised: str | None) -> None:
    query = parse_qs(urlsplit(exchange.url).query, keep_blank_values=True)
    what = f"a generated request ({unpromised or 'within the description'})"
    CLAUSE.responded(exchange, what)
    status = exchange.status or 0
    CLAUSE.check(status < 500, what, "no 5xx" + (" (any 4xx, or a page)" if unpromised else ""), exchange.describe(),
                 exchange)
    if unpromised is not None:
        return
    problems = exchange.shape.problems if exchange.shape else []
    CLAUSE.check(not problems, what, "a response as the OpenAPI description says",
                 f"{status}: " + "; ".join(problems[:3]), exchange)
    limits = query.get("limit", [])
    bad_limit = bool(limits) and not (len(limits) == 1 and re.fullmatch(r"[0-9]{1,9}", limits[0])
                                      and 1 <= int(limits[0]) <= 100)
    data = exchange.json()
    code = data.get("ErrorCode") if isinstance(data, dict) else None
    if bad_limit:
        if fc.strict:
            relaxable = status == 200 or 400 <= status < 500
            CLAUSE.check(status == 400 and code == "InvalidArgument", what + f" with limit={limits}",
                         "400 InvalidArgument", exchange.describe(), exchange,
                         choice=fc.choice if relaxable else None)
        else:
            CLAUSE.check(status == 200 or 400 <= status < 500, what, "a 4xx or a page", exchange.describe(), exchange)
    elif "nextToken" in query:
        CLAUSE.check(status == 200 or (status == 400 and (code == "InvalidArgument" or not fc.strict)),
                     what + " with a generated nextToken", "200, or 400 InvalidArgument", exchange.describe(), exchange,
                     choice=fc.choice if status == 400 else None)
    else:
        CLAUSE.check(status == 200, what, "200", exchange.describe(), exchange)


@schema.parametrize()
def test_generated_requests(case: Any, fc: Contract) -> None:
    case.path_parameters = {"serviceName": fc.service, "functionName": fc.function}
    if fc.client.read_only and case.method.upper() != "GET":
        fc.note(f"schema.fuzz: {case.method.upper()} not sent: a live run sends GET only")
        return
    kwargs = case.as_transport_kwargs(base_url=fc.client.base_url)
    request = requests.Request(method=kwargs["method"], url=kwargs["url"], params=kwargs.get("params"),
                               headers=kwargs.get("headers"))
    exchange = fc.client.send(request)
    _judge(fc, exchange, _unpromised(case, dict(request.headers or {})))
