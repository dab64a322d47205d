"""sdk.parsing: every recorded page parses into the SDK's models without loss.

Documented (the official SDK's models: ListFunctionAsyncInvokeConfigsResponseBody, ...Configs,
DestinationConfig, Destination): every field of the response has a place in the model, so
`to_map()` of the parsed model gives back the recorded JSON, field by field (null and absent being
the same). aliyun-fc2 hands back the JSON itself, which must equal the recording.
"""

from __future__ import annotations

import pytest

from fc_contract.judging.clause import Clause
from fc_contract.sdk import adapters
from fc_contract.sdk.adapters import without_nulls
from fc_contract.sdk.replay import Call, SdkReport, differences, leaves

CLAUSE = Clause("sdk.parsing")
pytestmark = [CLAUSE.mark, pytest.mark.fc_sdk]


def test_every_recorded_page_round_trips(sdk: adapters.Sdk, sdk_mode: str, sdk_calls: list[Call],
                                         sdk_report: SdkReport) -> None:
    pages = [call for call in sdk_calls
             if call.interaction.status == 200 and isinstance(call.recorded_json(), dict) and call.answered]
    if not pages:
        CLAUSE.skip("a recorded 200 page in the cassettes")
    lost = []
    for call in pages:
        recorded = without_nulls(call.recorded_json())
        parsed = without_nulls(call.outcome.body) if call.outcome and call.outcome.body is not None else None
        found = differences(recorded, parsed) if parsed is not None else [
            f"no page: {call.outcome.error if call.outcome else 'no outcome'}"]
        if found:
            lost.append((call, found))
        else:
            sdk_report.fields_round_tripped[sdk_mode] = sdk_report.fields_round_tripped.get(sdk_mode, 0) + leaves(
                recorded)
    if lost:
        call, found = lost[0]
        CLAUSE.fail(f"{sdk.name} {sdk.version} ({sdk_mode}) parsing {len(pages)} recorded pages (first: {call.label})",
                    "every recorded field in the SDK's model", f"{len(lost)} pages lose fields; {'; '.join(found[:3])}")
