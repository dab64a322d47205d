"""sdk.request: for every recorded request, the SDK sends the same path, query and headers.

Documented (API reference, ListFunctionAsyncInvokeConfigs): GET
/2021-04-06/services/{serviceName}/functions/{functionName}/async-invoke-configs (or the same path under
API version 2016-08-15, which aliyun-fc2 sends as shipped; the summary says which each SDK sent) with the query
parameters limit and nextToken and the X-Fc-* request headers; the SDK's own signature headers
(ACS3-HMAC-SHA256 for alibabacloud-fc-open20210406, "FC id:signature" with Date for aliyun-fc2).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from urllib.parse import unquote, urlsplit

import pytest

from fc_contract.cassettes.replay import request_key
from fc_contract.http.api import canonical_path
from fc_contract.judging.clause import Clause
from fc_contract.sdk import adapters
from fc_contract.sdk.replay import Call, SdkReport

CLAUSE = Clause("sdk.request")
pytestmark = [CLAUSE.mark, pytest.mark.fc_sdk]


def _mismatch(sdk: adapters.Sdk, call: Call) -> str | None:
    """What the SDK sent differently from the recorded request, or None."""
    if call.sent is None:
        return f"sent nothing ({call.outcome.error if call.outcome else 'no outcome'})"
    parts = urlsplit(str(call.sent.url))
    sent = request_key(str(call.sent.method), canonical_path(unquote(parts.path)), parts.query)
    recorded = request_key(call.interaction.method, unquote(call.interaction.path), call.interaction.query)
    if sent != recorded:
        return f"sent {sent[0]} {sent[1]} {list(sent[2])}, recorded {list(recorded[2])}"
    for name, prefix in sdk.required_headers.items():
        value = call.sent.headers.get(name)
        if value is None or not value.startswith(prefix):
            return f"header {name}: {value!r}, expected a value starting {prefix!r}"
    for name, value in call.headers.items():
        if call.sent.headers.get(name) != value:
            return f"header {name}: sent {call.sent.headers.get(name)!r}, recorded {value!r}"
    return None


def test_every_recorded_request_is_sent_as_recorded(sdk: adapters.Sdk, sdk_mode: str, sdk_calls: list[Call],
                                                    sdk_report: SdkReport) -> None:
    judged = [call for call in sdk_calls if not sdk.drops(call.limit, call.next_token)]
    if not judged:
        CLAUSE.skip("recorded list requests the SDK can express; the cassettes hold none")
    problems = [(call, problem) for call in judged if (problem := _mismatch(sdk, call))]
    sdk_report.versions |= {urlsplit(str(call.sent.url)).path.split("/")[1] for call in judged if call.sent}
    sdk_report.requests_matched[sdk_mode] = len(judged) - len(problems)
    if problems:
        call, problem = problems[0]
        CLAUSE.fail(f"{sdk.name} {sdk.version} ({sdk_mode}) replaying {len(judged)} recorded requests "
                    f"(first: {call.label})", "the recorded path, query and headers",
                    f"{len(problems)} differ; the first {problem}")


def test_falsy_query_values_are_sent(sdk: adapters.Sdk, sdk_calls: list[Call],
                                     known_defect: Callable[[Clause, str], AbstractContextManager[None]]) -> None:
    """limit=0 must reach the server (which answers 400), not be dropped into the default of 20."""
    falsy = [call for call in sdk_calls if call.limit == 0 or call.next_token == ""]
    if not falsy:
        CLAUSE.skip("a recorded request with limit=0 or an empty nextToken")
    with known_defect(CLAUSE, "sdk.request.falsy"):
        problems = [(call, problem) for call in falsy if (problem := _mismatch(sdk, call))]
        if problems:
            call, problem = problems[0]
            CLAUSE.fail(f"{sdk.name} {sdk.version} sending {call.label}", "limit=0 and nextToken= sent as given",
                        problem)
