"""The SDK clauses catch an SDK that loses a field, report known defects, and skip a missing SDK."""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

import sdk_faults
from harness import ROOT, Verdict, run_in_process

SDK_CLAUSES = ROOT / "contracts" / "sdk"


def _sdk_clauses(junit: Path, *args: str, faults: Sequence[object] = ()) -> Verdict:
    """The SDK clauses in this process, with the SDK faults given (sdk_faults.py) for that run only."""
    return run_in_process("-rfsxX", *args, junit=junit, path=SDK_CLAUSES, plugins=faults)


@pytest.fixture
def run_sdk(in_tmp: Path) -> Callable[..., Verdict]:
    """run_sdk(*options, faults=[...]): the SDK clauses run from the test's own directory."""
    runs = itertools.count()

    def run(*args: str, faults: Sequence[object] = ()) -> Verdict:
        return _sdk_clauses(in_tmp / f"junit-{next(runs)}.xml", *args, faults=faults)

    return run


def test_both_sdks_pass_offline_with_their_known_defects(run_sdk: Callable[..., Verdict]) -> None:
    verdict = run_sdk()
    assert verdict.exit_code == 0, verdict.output
    assert "18 passed, 2 deselected, 3 xfailed" in verdict.output
    assert re.search(r"SDK alibabacloud-fc-open20210406 2\.0\.12: sync (\d+) requests matched, (\d+) fields "
                     r"round-tripped; async \1 requests matched, \2 fields round-tripped", verdict.output), \
        verdict.output
    assert "SDK aliyun-fc2 2.5.2: " in verdict.output
    # each as its users have it: aliyun-fc2 sends its default API version, the replay serves it the recording
    assert re.search(r"SDK aliyun-fc2 2\.5\.2: sync \d+ requests matched, [1-9]\d* fields round-tripped, sent API "
                     r"version 2016-08-15, ", verdict.output), verdict.output
    assert "round-tripped, sent API version 2021-04-06, defects" in verdict.output
    assert "XFAIL" in verdict.output
    assert "reads Code/Message/RequestId from the error body" in verdict.output


def test_an_sdk_that_loses_a_field_fails_sdk_parsing(run_sdk: Callable[..., Verdict]) -> None:
    verdict = run_sdk(faults=[sdk_faults.drops_field()])
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
    loaded["alibabacloud-fc-open20210406"].defects["sdk.request.falsy"] = adapters.Defect(
        "a defect this SDK does not have", ">=0")
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
    result.stdout.fnmatch_lines(["*[[]sdk.request[]] alibabacloud-fc-open20210406 2.0.12, known to have a defect "
                                 "(seen in >=0): expected a defect this SDK does not have; observed fixed in 2.0.12: "
                                 "remove the xfail*"])
    result.stdout.no_fnmatch_line("*recorded from another*")  # the copy is the same clauses and description


def test_an_async_path_that_loses_a_field_fails_sdk_parsing(run_sdk: Callable[..., Verdict]) -> None:
    """aioresponses hands the async call a body without `qualifier`; the sync calls get the recording."""
    verdict = run_sdk(faults=[sdk_faults.async_drops_field()])
    assert verdict.exit_code == 1, verdict.output
    assert verdict.failed_clauses == {"sdk.parsing"}
    assert len(verdict.failures()) == 1, verdict.output
    assert "test_sdk_parsing.py::test_every_recorded_page_round_trips[alibabacloud-fc-open20210406-async]" \
        in verdict.output
    assert "alibabacloud-fc-open20210406 2.0.12 (async) parsing" in verdict.output
    assert "qualifier: recorded" in verdict.output


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SDKs in use, snapshotted once for the tests that diff against it (a replay of every recording)."""
    folder = tmp_path_factory.mktemp("snapshot")
    with contextlib.chdir(folder):
        made = _sdk_clauses(folder / "junit.xml", "-k", "baseline", f"--fc-sdk-snapshot={folder / 'snapshot.json'}")
    assert made.exit_code == 0, made.output
    return folder / "snapshot.json"


def test_a_snapshot_diffed_against_itself_is_empty(run_sdk: Callable[..., Verdict], snapshot: Path) -> None:
    data = json.loads(snapshot.read_text())
    assert set(data["sdks"]) == {"alibabacloud-fc-open20210406", "aliyun-fc2"}
    modes = {e["mode"] for e in data["sdks"]["alibabacloud-fc-open20210406"]["entries"]}
    assert modes == {"sync", "async"}
    verdict = run_sdk("-k", "baseline", f"--fc-sdk-baseline={snapshot}")
    assert verdict.exit_code == 0, verdict.output
    assert f"SDK diff against {snapshot}: no differences" in verdict.output


def test_a_renamed_model_field_is_the_only_difference(run_sdk: Callable[..., Verdict], snapshot: Path) -> None:
    verdict = run_sdk("-k", "baseline", f"--fc-sdk-baseline={snapshot}", faults=[sdk_faults.renames_field()])
    assert verdict.exit_code == 1, verdict.output
    assert verdict.failed_clauses == {"sdk.baseline"}
    listed = verdict.output.split(f"SDK diff against {snapshot}: ")[1].split("\n")
    count = int(listed[0].split()[0])
    lines = [line.strip() for line in listed[1:count + 1]]
    fields = {line.split(": ", 1)[1].split(" ")[0] for line in lines}
    assert fields == {"configs[*].statefulInvocation", "configs[*].stateful"}, lines
    assert all(line.startswith("alibabacloud-fc-open20210406 2.0.12 → 2.0.12: ") for line in lines), lines
    assert "configs[*].stateful now a boolean (was absent)" in verdict.output
    allowed = run_sdk("-k", "baseline", f"--fc-sdk-baseline={snapshot}", "--fc-sdk-baseline-allow",
                      faults=[sdk_faults.renames_field()])
    assert allowed.exit_code == 0, allowed.output
    assert f"SDK diff against {snapshot}: {count} differences" in allowed.output


OUT_OF_RANGE = """
import pytest

from fc_contract.sdk import adapters


@pytest.fixture(scope="session")
def fc_sdks():
    loaded = {name: adapters.load(name) for name in adapters.FACTORIES}
    sdk = loaded["alibabacloud-fc-open20210406"]
    sdk.defects["sdk.errors"] = adapters.Defect(sdk.defects["sdk.errors"].text, "<1")
    return loaded
"""


def test_a_defect_outside_the_versions_it_was_seen_in_fails(pytester: pytest.Pytester) -> None:
    """The ErrorCode defect said to be seen only before 1.0: 2.0.12, which has it, fails sdk.errors outright."""
    shutil.copytree(ROOT / "contracts", pytester.path / "contracts", ignore=shutil.ignore_patterns("__pycache__"))
    pytester.makeini("[pytest]\n")
    pytester.makeconftest(OUT_OF_RANGE)
    result = pytester.runpytest_subprocess("contracts/sdk", "-p", "no:cacheprovider", "-rfsxX", "-k", "errors",
                                           f"--fc-cassettes={ROOT / 'cassettes'}", timeout=120)
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*[[]sdk.errors[]] alibabacloud-fc-open20210406 2.0.12 (sync) on GET*expected error "
                                 "code 'ServiceNotFound'*observed error code 'None'*"])


def test_a_missing_sdk_is_skipped_with_the_reason(run_sdk: Callable[..., Verdict]) -> None:
    verdict = run_sdk(faults=sdk_faults.missing())
    assert verdict.exit_code == 0
    assert "aliyun-fc2 is not installed" in verdict.output
    assert "pip install 'aliyun-fc2' or the test extra" in verdict.output


def test_an_installed_sdk_that_cannot_be_imported_is_skipped_saying_so(run_sdk: Callable[..., Verdict]) -> None:
    """As a candidate installed with --no-deps that needs newer dependencies (README, the SDK upgrade)."""
    verdict = run_sdk(faults=[sdk_faults.unimportable()])
    assert verdict.exit_code == 0
    assert "aliyun-fc2 2.5.2 cannot be imported: " in verdict.output, verdict.output
    assert "aliyun-fc2 is not installed" not in verdict.output
