"""sdk.baseline: the installed SDKs make of the cassettes what a recorded snapshot says they did.

Documented (the official SDKs' models and clients): what a version sends and returns for the same
recorded traffic is its behaviour; a maintainer compares the version in use (its snapshot, written with
--fc-sdk-snapshot=FILE) with a candidate (--fc-sdk-baseline=FILE). Every difference is one line, grouped
when it repeats; any difference fails unless --fc-sdk-baseline-allow accepts it (it is still listed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fc_contract import Clause, Settings
from fc_contract.run.engine import Run
from fc_contract.sdk import snapshot

CLAUSE = Clause("sdk.baseline")
pytestmark = [CLAUSE.mark, pytest.mark.fc_sdk, pytest.mark.fc_sdk_snapshot]


def test_the_snapshot_is_written(fc_settings: Settings, sdk_snapshot: dict[str, Any]) -> None:
    if not fc_settings.sdk_snapshot:
        CLAUSE.skip("--fc-sdk-snapshot=FILE to write a snapshot")
    snapshot.write(Path(fc_settings.sdk_snapshot), sdk_snapshot)
    entries = sum(len(s["entries"]) for s in sdk_snapshot["sdks"].values())
    CLAUSE.check(entries > 0, "the snapshot", "the SDKs' replies to the recorded responses", "nothing replayed")


def test_the_sdks_answer_as_in_the_baseline(fc_run: Run, fc_settings: Settings,
                                            sdk_snapshot: dict[str, Any]) -> None:
    if not fc_settings.sdk_baseline:
        CLAUSE.skip("--fc-sdk-baseline=FILE to compare with")
    try:
        baseline = snapshot.load(Path(fc_settings.sdk_baseline))
    except ValueError as exc:
        CLAUSE.fail("reading the baseline", "a snapshot written by --fc-sdk-snapshot", str(exc))
    lines = snapshot.compare(baseline, sdk_snapshot)
    fc_run.findings.sdk.extend(lines)
    if lines and not fc_settings.sdk_baseline_allow:
        CLAUSE.fail(f"the installed SDKs replaying the cassettes against {fc_settings.sdk_baseline}",
                    "what the baseline recorded (--fc-sdk-baseline-allow accepts differences)",
                    f"{len(lines)} differences: " + "; ".join(lines[:5]))
