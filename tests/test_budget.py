"""Every run ends within its stated wall-clock budget, with one verdict that names why and a written report."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fc_contract.fake import seed_store
from fc_contract.fake.faults import Fault, Faulty, build
from fc_contract.fake.server import Server
from harness import Verdict
from sdk_faults import Patch
from variants import Throttles, ThrottlesGrowing

Run = Callable[..., Verdict]
MARGIN = 8.0  # pytest's start-up and one request past the deadline (timeouts of 1 s)


@pytest.fixture
def released(server: Server) -> Iterator[Server]:
    yield server
    if isinstance(server.app, Faulty):
        server.app.released.set()


def _timed(run: Run, *args: str) -> tuple[Verdict, float]:
    started = time.monotonic()
    verdict = run(*args)
    return verdict, time.monotonic() - started


def _one_verdict(verdict: Verdict, clause: str, report: Path) -> list[str]:
    assert verdict.exit_code == 1, verdict.output
    assert verdict.failed_clauses == {clause}, verdict.output
    failed = [line for line in verdict.output.splitlines() if line.startswith("FAILED ")]
    assert len(failed) == 1, verdict.output
    assert "Traceback" not in verdict.output
    assert "INTERNALERROR" not in verdict.output
    assert f"[{clause}]" in report.read_text(), "the report is written when the budget stops the run"
    return [line for line in verdict.output.splitlines() if line.startswith(f"[{clause}] ")]


def test_every_request_throttled_is_one_throttled_verdict(released: Server, run_contracts: Run,
                                                          tmp_path: Path) -> None:
    released.app = build(seed_store(45), [Fault.parse("throttle:1")])
    report = tmp_path / "report.md"
    verdict, seconds = _timed(run_contracts, f"--fc-target={released.url}", "--fc-max-seconds=60",
                              f"--fc-report={report}")
    lines = _one_verdict(verdict, "throttled", report)
    assert "5 requests in a row stayed throttled" in lines[0], lines
    assert "Retry-After 1" in lines[0], lines
    assert "Lower the rate" in lines[0]
    assert seconds < 60 + MARGIN


def test_every_request_slow_ends_at_the_wall_clock_budget(released: Server, run_contracts: Run,
                                                          tmp_path: Path) -> None:
    released.app = build(seed_store(45), [Fault.parse("latency:0.8")])
    report = tmp_path / "report.md"
    verdict, seconds = _timed(run_contracts, f"--fc-target={released.url}", "--fc-timeout=1",
                              "--fc-max-seconds=6", f"--fc-report={report}")
    lines = _one_verdict(verdict, "budget", report)
    assert re.search(r"spent its --fc-max-seconds budget of 6 s: \d+\.\d s, \d+ requests", lines[0]), lines
    assert seconds < 6 + MARGIN


def test_a_growing_retry_after_cannot_spend_the_run_in_sleeps(released: Server, run_contracts: Run,
                                                              tmp_path: Path) -> None:
    released.app = ThrottlesGrowing(seed_store(45))
    report = tmp_path / "report.md"
    verdict, seconds = _timed(run_contracts, f"--fc-target={released.url}", "--fc-max-seconds=20",
                              f"--fc-report={report}")
    _one_verdict(verdict, "throttled", report)
    assert seconds < 20 / 5 + MARGIN  # the waits may take a fifth of the budget
    waited = re.search(r"retries that waited (\d+\.\d) s", verdict.output)
    assert waited is not None, verdict.output
    assert float(waited[1]) <= 4.0, verdict.output


def test_throttling_every_fourth_request_still_passes(server: Server, run_contracts: Run) -> None:
    server.app = Throttles(seed_store(45), every=4)
    verdict = run_contracts(f"--fc-target={server.url}")
    assert verdict.exit_code == 0, verdict.output
    assert re.search(r"spent \d+\.\d s, \d+ requests, \d+ retries that waited 0\.0 s", verdict.output)


class CountsSleeps(Patch):
    """time.sleep for one run, keeping the sleeps of a second or more."""

    def __init__(self) -> None:
        self.long: list[float] = []
        super().__init__(time, "sleep", self._counting)

    def _counting(self, original: Callable[[float], None]) -> Callable[[float], None]:
        def sleep(seconds: float) -> None:
            if seconds >= 1.0:
                self.long.append(seconds)
            original(seconds)
        return sleep


def test_replay_waits_out_no_recorded_retry(released: Server, run_contracts: Run, tmp_path: Path) -> None:
    """The recording slept through Retry-After; its replay sends the retries at once (counted, not timed)."""
    released.app = build(seed_store(45), [Fault.parse("throttle:1@100")])
    sleeps = CountsSleeps()
    recorded = run_contracts(f"--fc-target={released.url}", "--fc-record", f"--fc-cassettes={tmp_path}",
                             plugins=[sleeps])
    assert recorded.exit_code == 0, recorded.output
    waited = re.search(r"retries that waited (\d+\.\d) s", recorded.output)
    assert waited is not None, recorded.output
    assert float(waited[1]) >= 3.0, recorded.output
    assert sleeps.long, recorded.output
    sleeps = CountsSleeps()
    replayed = run_contracts(f"--fc-cassettes={tmp_path}", plugins=[sleeps])
    assert replayed.exit_code == 0, replayed.output
    assert re.search(r"\d+ retries that waited \d+\.\d s", replayed.output)
    assert sleeps.long == [], replayed.output
