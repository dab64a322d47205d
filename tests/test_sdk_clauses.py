"""The SDK clauses catch an SDK that loses a field, report known defects, and skip a missing SDK."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from harness import ROOT, Verdict

PLUGINS = ROOT / "tests" / "plugins"


@pytest.fixture
def run_sdk(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Verdict]:
    monkeypatch.setenv("PYTHONPATH", str(PLUGINS))

    def run(*args: str) -> Verdict:
        junit = pytester.path / "junit.xml"
        result = pytester.runpytest_subprocess(str(ROOT / "contracts" / "sdk"), "-p", "no:cacheprovider", "-rfsxX",
                                               f"--junitxml={junit}", *args, timeout=120)
        return Verdict(int(result.ret), "\n".join(result.outlines + result.errlines), junit)

    return run


def test_both_sdks_pass_offline_with_their_known_defects(run_sdk: Callable[..., Verdict]) -> None:
    verdict = run_sdk()
    assert verdict.exit_code == 0, verdict.output
    assert "12 passed, 2 xfailed" in verdict.output
    assert "SDK alibabacloud-fc-open20210406 2.0.12: " in verdict.output
    assert "SDK aliyun-fc2 2.5.2: " in verdict.output
    assert "XFAIL" in verdict.output
    assert "reads Code/Message/RequestId from the error body" in verdict.output


def test_an_sdk_that_loses_a_field_fails_sdk_parsing(run_sdk: Callable[..., Verdict]) -> None:
    verdict = run_sdk("-p", "sdk_drops_field")
    assert verdict.exit_code == 1
    assert verdict.failed_clauses == {"sdk.parsing"}
    assert "qualifier: recorded" in verdict.output
    assert "the SDK's model has nothing" in verdict.output


def test_a_fixed_defect_turns_the_run_red(run_sdk: Callable[..., Verdict]) -> None:
    verdict = run_sdk("-p", "sdk_fixed")
    assert verdict.exit_code == 1
    assert "XPASS(strict)" in verdict.output
    assert "a defect this SDK does not have" in verdict.output


def test_a_missing_sdk_is_skipped_with_the_reason(run_sdk: Callable[..., Verdict]) -> None:
    verdict = run_sdk("-p", "sdk_missing")
    assert verdict.exit_code == 0
    assert "aliyun-fc2 is not installed" in verdict.output
    assert "pip install 'aliyun-fc2' or the test extra" in verdict.output
