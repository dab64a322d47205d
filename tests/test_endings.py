"""Every ending of a run, told the same by every output: exit code, last terminal line, Markdown, HTML, JUnit, JSON."""

from __future__ import annotations

import html
import json
import os
import re
import signal
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

from fc_contract.fake import FakeFC, FCError, seed_store
from fc_contract.fake.wire import Request, Response
from fc_contract.report.json_results import SCHEMA
from fc_contract.sdk import adapters
from harness import Verdict
from variants import MUTANTS, Counting

Judge = Callable[..., Verdict]


class StopsAfter(FakeFC):
    """The reference server, until its `after`-th request: then it signals the run's process (Ctrl-C or SIGTERM)."""

    def __init__(self, after: int, how: str) -> None:
        super().__init__(seed_store(45))
        self.after, self.how, self.seen = after, how, 0

    def handle(self, request: Request) -> Response:
        self.seen += 1
        if self.seen == self.after:
            if self.how == "SIGTERM":
                os.kill(os.getpid(), signal.SIGTERM)
            else:
                raise KeyboardInterrupt
        return super().handle(request)


class Refuses(FakeFC):
    """Every request refused: 403 SignatureNotMatch."""

    def authenticate(self, request: Request) -> None:
        raise FCError(403, "SignatureNotMatch", "the request signature does not match")


@dataclass(frozen=True)
class Ending:
    build: Callable[[], Any]
    args: tuple[str, ...]
    exit_code: int
    verdict: str  # how the last line, the report's title and the JSON's verdict begin
    junit_errors: bool  # an incomplete run is an error in the JUnit file
    junit_failures: bool | None  # a failed clause; None: the test a run-wide stop met fails too


ENDINGS = {
    "passed": Ending(lambda: FakeFC(seed_store(45)), (), 0, "PASSED: 8 clauses", False, False),
    "failed": Ending(MUTANTS["drops-field"].build, (), 1, "FAILED: 2 of 8 clauses", False, True),
    "interrupted": Ending(lambda: StopsAfter(40, "SIGINT"), (), 2, "INCOMPLETE: interrupted after", True, False),
    "terminated": Ending(lambda: StopsAfter(40, "SIGTERM"), (), 2, "INCOMPLETE: terminated (SIGTERM) after", True,
                         False),
    "budget": Ending(lambda: FakeFC(seed_store(45)), ("--fc-max-requests=60",), 1,
                     "INCOMPLETE: stopped by the budget after", True, None),
    "auth": Ending(lambda: Refuses(seed_store(45)), (), 1, "INCOMPLETE: stopped by the target's refusals after",
                   True, None),
}


def _lines(text: str) -> Iterable[str]:
    return (line for line in text.splitlines() if line.strip())


@pytest.mark.parametrize("name", sorted(ENDINGS))
def test_every_output_tells_the_same_ending(judge: Judge, in_tmp: Path, name: str) -> None:
    ending = ENDINGS[name]
    report, results, junit = in_tmp / "report.md", in_tmp / "results.json", in_tmp / "junit.xml"
    page = in_tmp / "report.html"
    verdict = judge(ending.build(), f"--fc-report={report}", f"--fc-json={results}", f"--junitxml={junit}",
                    f"--fc-html={page}", *ending.args)
    assert verdict.exit_code == ending.exit_code, verdict.output
    said = [line for line in _lines(verdict.output) if line.startswith("fc-contract: ")]
    assert said, verdict.output
    assert said[-1].removeprefix("fc-contract: ").startswith(ending.verdict), verdict.output
    title = report.read_text(encoding="utf-8").splitlines()[0]
    expected_title = "passed" if name == "passed" else ending.verdict
    assert title.startswith(f"# fc-contract report: {expected_title}"), title
    document = json.loads(results.read_text())
    jsonschema.validate(document, json.loads(SCHEMA.read_text()))  # whatever the ending
    assert document["verdict"].startswith(ending.verdict)
    assert document["complete"] is (name in ("passed", "failed"))
    heading = re.search(r"<h1 class='[a-z]+'>fc-contract: ([^<]*)</h1>", page.read_text(encoding="utf-8"))
    assert heading is not None
    assert html.unescape(heading[1]).startswith(ending.verdict), heading[1]
    root = ET.parse(junit).getroot()
    suite = root if root.tag == "testsuite" else root.find("testsuite")
    assert suite is not None
    assert (int(suite.get("errors", "0")) > 0) == ending.junit_errors, ET.tostring(suite)[:400]
    if ending.junit_failures is not None:
        assert (int(suite.get("failures", "0")) > 0) == ending.junit_failures, ET.tostring(suite)[:400]
    if ending.junit_errors:
        not_run = [c for c in suite if c.get("classname") == "fc-contract" and c.find("skipped") is not None]
        assert not_run, ET.tostring(suite)[:400]
        assert "## Not run" in report.read_text(encoding="utf-8")


@pytest.mark.parametrize(("option", "make"), [
    ("--fc-cassettes", lambda tmp: tmp / "a-file"),  # a file where the recording's directory goes
    ("--fc-cassettes", lambda tmp: tmp / "a-file" / "below"),  # a file where a folder of it goes
    ("--fc-report", lambda tmp: tmp / "a-dir"),  # a directory where the report's file goes
    ("--fc-json", lambda tmp: tmp / "a-file" / "results.json"),
    ("--fc-html", lambda tmp: tmp / "a-dir"),
    ("--fc-request-log", lambda tmp: tmp / "a-dir"),
])
def test_an_output_that_cannot_be_written_is_a_usage_error_before_the_first_request(
        judge: Judge, in_tmp: Path, option: str, make: Callable[[Path], Path]) -> None:
    (in_tmp / "a-file").write_text("not a directory")
    (in_tmp / "a-dir").mkdir()
    app = Counting(seed_store(45))
    args = (f"{option}={make(in_tmp)}", *(("--fc-record",) if option == "--fc-cassettes" else ()))
    verdict = judge(app, *args)
    assert verdict.exit_code == 4, verdict.output
    assert f"{option}={make(in_tmp)}: " in verdict.output
    assert not app.methods, "nothing was sent"
    assert "Traceback" not in verdict.output


def test_outputs_left_by_an_earlier_run_are_replaced(judge: Judge, in_tmp: Path) -> None:
    """A report, JSON or HTML file that exists is no reason to refuse the run: it is written anew."""
    paths = {option: in_tmp / name for option, name in (("--fc-report", "r.md"), ("--fc-json", "r.json"),
                                                        ("--fc-html", "r.html"))}
    for path in paths.values():
        path.write_text("from an earlier run")
    verdict = judge(FakeFC(seed_store(45)), *(f"{option}={path}" for option, path in paths.items()))
    assert verdict.exit_code == 0, verdict.output
    for path in paths.values():
        assert "from an earlier run" not in path.read_text(), path


def test_an_sdk_snapshot_without_the_sdks_is_a_usage_error_before_the_first_request(
        run_contracts: Callable[..., Verdict], in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(adapters, "load", lambda name: f"{name} is not installed; pip install '{name}'")
    verdict = run_contracts(f"--fc-sdk-snapshot={in_tmp / 'sdk.json'}")
    assert verdict.exit_code == 4, verdict.output
    assert ("--fc-sdk-snapshot reads the official SDKs, and alibabacloud-fc-open20210406 is not installed; pip install "
            "'alibabacloud-fc-open20210406'; aliyun-fc2 is not installed; pip install 'aliyun-fc2'\n") in verdict.output
    assert not (in_tmp / "sdk.json").exists()
