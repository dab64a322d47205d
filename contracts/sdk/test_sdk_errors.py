"""sdk.errors: recorded FC errors surface through the SDK with their error code and request id.

Documented (Function Compute error codes): errors are {"ErrorCode", "ErrorMessage"} with the
request id in the X-Fc-Request-Id response header. An SDK that reads other keys loses the code:
such a known defect is an expected failure in the versions it was seen in, and a version in that range
where it is fixed turns the run red: "fixed in VERSION: remove the xfail".
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest

from fc_contract.judging.clause import Clause
from fc_contract.sdk import adapters
from fc_contract.sdk.replay import Call

KnownDefect = Callable[[Clause, str], AbstractContextManager[None]]

CLAUSE = Clause("sdk.errors")
pytestmark = [CLAUSE.mark, pytest.mark.fc_sdk]


def test_recorded_errors_surface_with_code_and_request_id(sdk: adapters.Sdk, sdk_mode: str, sdk_calls: list[Call],
                                                          known_defect: KnownDefect) -> None:
    errors = [call for call in sdk_calls
              if call.interaction.status >= 400 and not sdk.drops(call.limit, call.next_token)
              and isinstance(call.recorded_json(), dict) and "ErrorCode" in call.recorded_json()]
    if not errors:
        CLAUSE.skip("a recorded FC error in the cassettes")
    for call in errors:  # an error the SDK cannot even tell apart is no known defect: it fails outright
        got = call.outcome.status if call.outcome else None
        CLAUSE.check(got == call.interaction.status, f"{sdk.name} {sdk.version} ({sdk_mode}) on {call.label}",
                     f"an error with HTTP status {call.interaction.status}",
                     f"status {got}: {call.outcome.error if call.outcome else 'no outcome'}")
    with known_defect(CLAUSE, "sdk.errors"):
        for call in errors:
            _judge(sdk, sdk_mode, call)


def _judge(sdk: adapters.Sdk, sdk_mode: str, call: Call) -> None:
    outcome = call.outcome
    assert outcome is not None
    code = call.recorded_json()["ErrorCode"]
    request_id = dict((k.lower(), v) for k, v in call.interaction.headers).get("x-fc-request-id")
    CLAUSE.check((outcome.error_code, outcome.request_id) == (code, request_id),
                 f"{sdk.name} {sdk.version} ({sdk_mode}) on {call.label}",
                 f"error code {code!r}, request id {request_id!r}",
                 f"error code {outcome.error_code!r}, request id {outcome.request_id!r}")
