"""sdk.errors: recorded FC errors surface through the SDK with their error code and request id.

Documented (Function Compute error codes): errors are {"ErrorCode", "ErrorMessage"} with the
request id in the X-Fc-Request-Id response header. An SDK that reads other keys loses the code:
such a known defect is a strict xfail, so a fixed SDK turns the run red until the marker goes.
"""

from __future__ import annotations

import pytest

from fc_contract.judging.clause import Clause
from fc_contract.sdk import adapters
from fc_contract.sdk.replay import Call, SdkReport

CLAUSE = Clause("sdk.errors")
pytestmark = [CLAUSE.mark, pytest.mark.fc_sdk]


def test_recorded_errors_surface_with_code_and_request_id(request: pytest.FixtureRequest, sdk: adapters.Sdk,
                                                          sdk_calls: list[Call], sdk_report: SdkReport) -> None:
    errors = [call for call in sdk_calls
              if call.interaction.status >= 400 and not sdk.drops(call.limit, call.next_token)
              and isinstance(call.recorded_json(), dict) and "ErrorCode" in call.recorded_json()]
    if not errors:
        CLAUSE.skip("a recorded FC error in the cassettes")
    if "sdk.errors" in sdk.defects:
        sdk_report.defects.append(sdk.defects["sdk.errors"])
        request.applymarker(pytest.mark.xfail(strict=True, reason=sdk.defects["sdk.errors"]))
    for call in errors:
        outcome = call.outcome
        assert outcome is not None
        code = call.recorded_json()["ErrorCode"]
        request_id = dict((k.lower(), v) for k, v in call.interaction.headers).get("x-fc-request-id")
        CLAUSE.check((outcome.error_code, outcome.request_id) == (code, request_id),
                     f"{sdk.name} {sdk.version} on {call.label}", f"error code {code!r}, request id {request_id!r}",
                     f"error code {outcome.error_code!r}, request id {outcome.request_id!r}")
