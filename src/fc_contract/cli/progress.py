"""What `fc-contract` prints while the suite runs and after: a line per clause, then the table and failures."""

from __future__ import annotations

import os
import time
from collections import Counter, defaultdict
from typing import TextIO

import pytest

from fc_contract.http.shown import visible
from fc_contract.plugin import stash
from fc_contract.plugin.collector import CLAUSE
from fc_contract.report import terminal


class Progress:
    """A pytest plugin: one line per clause as its last test ends; at the end, the clause table."""

    def __init__(self, out: TextIO, live: bool, quiet: bool) -> None:
        self.out, self.live, self.quiet = out, live, quiet
        self.config: pytest.Config | None = None
        self.total: Counter[str] = Counter()  # tests of each clause in this run
        self.done: Counter[str] = Counter()
        self.seconds: dict[str, float] = defaultdict(float)
        self.started = time.monotonic()
        self.stopped: str | None = None  # why the run stopped early (pytest.exit, an interruption)

    def _write(self, line: str) -> None:
        # "\r\x1b[K" clears the live line: our own control sequence, never server data
        self._emit(("\r\x1b[K" if self.live else "") + visible(line) + "\n")

    def _emit(self, text: str) -> None:
        """Write and flush; once the reader has gone (`| head`), the run goes on and its verdict stands."""
        try:
            self.out.write(text)
            self.out.flush()
        except BrokenPipeError:
            self.out = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the run

    def pytest_configure(self, config: pytest.Config) -> None:
        self.config = config

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        for item in session.items:
            marker = item.get_closest_marker("fc_clause")
            if marker is not None:
                self.total[str(marker.args[0])] += 1

    @pytest.hookimpl(trylast=True)  # after the collector has counted the report into the clause table
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        clause = str(dict(report.user_properties).get(CLAUSE, ""))
        if not clause:
            return
        self.seconds[clause] += report.duration
        if report.when != "teardown" or self.quiet:
            return
        self.done[clause] += 1
        if self.done[clause] == self.total[clause]:
            row = self.config.stash[stash.RUN].results.table().get(clause) if self.config else None
            verdict = row.verdict if row is not None else ""
            self._write(f"{clause:26} {verdict:8} {self._requests(clause):6} requests {self.seconds[clause]:7.1f} s")
        elif self.live:
            finished = sum(1 for c in self.total if self.done[c] == self.total[c])
            self._emit("\r\x1b[K" + visible(f"{clause}: {self.done[clause]}/{self.total[clause]} tests; "
                                             f"{finished}/{len(self.total)} clauses done"))

    def _requests(self, clause: str) -> int:
        return self.config.stash[stash.RUN].requests().get(clause, 0) if self.config else 0

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        self.stopped = str(getattr(excinfo.value, "msg", "") or "interrupted")

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        if self.live:
            self._emit("\r\x1b[K")
        if self.stopped:
            self._write(f"fc-contract: the run stopped: {self.stopped}")
        run = config.stash.get(stash.RUN, None)
        if run is None or not run.results.tests:
            return
        if self.quiet:  # the table and the verdict, nothing else
            for line in terminal.table(run.results, coverage=False):
                self._write(line)
            self._write(str(run.verdict()))
            return
        for line in run.warnings:
            self._write(f"warning: {line}")
        self._write("")
        for line in terminal.table(run.results):
            self._write(line)
        for clause, message in terminal.first_failures(run.results).items():
            self._write(f"\n{clause} failed:")
            if clause == "behaviour.diff" and run.findings.behaviour:  # its differences: each once, below
                self._write(f"  {message.splitlines()[0]} (each below)")
                continue
            for line in message.splitlines()[:6]:
                self._write(f"  {line}")
        if run.findings.behaviour:
            self._write("\nbehaviour diff:")
            for difference in run.findings.behaviour:
                self._write(f"  {difference}")
        for report in run.sdk_reports.values():
            self._write(f"SDK {report.line()}")
        if run.settings.sdk_baseline:
            self._write(f"SDK diff against {run.settings.sdk_baseline}: {len(run.findings.sdk) or 'no'} differences")
            for line in run.findings.sdk:
                self._write(f"  {line}")
        for note in run.findings.summary_notes() if run.contract is not None else []:
            self._write(f"note: {note}")
        sent = f", {run.contract.client.sent} requests" if run.contract is not None else ""
        clauses = f"{len(self.total)} clause{'s' if len(self.total) != 1 else ''}"
        self._write(f"\n{clauses}{sent} in {time.monotonic() - self.started:.1f} s")
        self._write(str(run.verdict()))  # the last line, whatever the ending: what the exit code says
