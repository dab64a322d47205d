"""The SDK clauses catch an SDK that loses a field, report known defects, and skip a missing SDK."""

from __future__ import annotations

import shutil
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


FALSE_DEFECT = """
import pytest

from fc_contract.sdk import adapters


@pytest.fixture(scope="session")
def fc_sdks():
    loaded = {name: adapters.load(name) for name in adapters.FACTORIES}
    loaded["alibabacloud-fc-open20210406"].defects["sdk.request.falsy"] = "a defect this SDK does not have"
    return loaded
"""


def test_a_fixed_defect_turns_the_run_red(pytester: pytest.Pytester) -> None:
    """An fc_sdks fixture in the user's conftest.py reaches the SDK clauses: here, a defect the SDK lacks."""
    shutil.copytree(ROOT / "contracts", pytester.path / "contracts", ignore=shutil.ignore_patterns("__pycache__"))
    pytester.makeini("[pytest]\n")
    pytester.makeconftest(FALSE_DEFECT)
    result = pytester.runpytest_subprocess("contracts/sdk", "-p", "no:cacheprovider", "-rfsxX",
                                           f"--fc-cassettes={ROOT / 'cassettes'}", timeout=120)
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*XPASS(strict)*a defect this SDK does not have*"])
    result.stdout.no_fnmatch_line("*recorded from another*")  # the copy is the same clauses and description


def test_a_missing_sdk_is_skipped_with_the_reason(run_sdk: Callable[..., Verdict]) -> None:
    verdict = run_sdk("-p", "sdk_missing")
    assert verdict.exit_code == 0
    assert "aliyun-fc2 is not installed" in verdict.output
    assert "pip install 'aliyun-fc2' or the test extra" in verdict.output
