"""The engine of one run, no pytest in it: builds the target, the client and the Contract once, keeps the results.

A front end (the pytest plugin) hands it what happens: a target or Contract made, a clause test starting and
ending, a run-wide stop, the end. Every output reads what it keeps: `results`, `findings`, `ending()`.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from fc_contract.cassettes.format import cassette_path
from fc_contract.cassettes.record import save_recording, write_request_log
from fc_contract.cassettes.replay import ReplayMiss, Staleness
from fc_contract.http.client import Client, Limits
from fc_contract.http.exchange import Exchange
from fc_contract.http.redact import environment_redactor
from fc_contract.http.shown import visible
from fc_contract.http.stops import RequestRefused, RunAborted, StillThrottled
from fc_contract.judging.clause import ContractFailure
from fc_contract.judging.contract import Contract
from fc_contract.judging.spec import Spec
from fc_contract.judging.verdict import Findings, Stop, Verdict
from fc_contract.judging.writes import cleanup
from fc_contract.run import profiles
from fc_contract.run.determinism import clause_generation
from fc_contract.run.results import COMPLETE, STOPS, Ending, Results, RunVerdict
from fc_contract.run.targets import Target, load_cassettes, preflight
from fc_contract.sdk.reading import Readers
from fc_contract.sdk.replay import SdkReport
from fc_contract.settings import Settings, flag


def _find(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    """`exc` or the first `kind` inside an exception group (hypothesis may group failures)."""
    if isinstance(exc, kind):
        return exc
    if isinstance(exc, BaseExceptionGroup):
        return next((found for inner in exc.exceptions if (found := _find(inner, kind))), None)
    if isinstance(exc.__cause__, kind):  # hypothesis wraps a BaseException (pytest's Failed) in a flaky group
        return exc.__cause__
    if isinstance(exc.__context__, kind):  # or raises its own error while handling it (a stopped state machine)
        return exc.__context__
    return None


@dataclass(frozen=True)
class Raised:
    """What a clause test's exception means for the run: a stop, a skip, or one verdict instead of a group."""

    stop: Stop | None = None  # fail the test with it; `stops_run`: and end the run
    skip: str = ""  # skip the test, saying this
    verdict: Verdict | None = None  # fail the test with this one verdict (hypothesis grouped several)

    @classmethod
    def of(cls, exc: BaseException, clause: str) -> Raised | None:
        """None: the exception is the test's own outcome, to be left as it is."""
        aborted, missed = _find(exc, RunAborted), _find(exc, ReplayMiss)
        refused, throttled = _find(exc, RequestRefused), _find(exc, StillThrottled)
        if aborted is not None:
            return cls(stop=Stop(getattr(aborted, "clause", "run"), str(aborted), stops_run=True))
        if missed is not None or refused is not None:
            return cls(stop=Stop(clause or "replay", str(missed or refused)))
        failed = _find(exc, ContractFailure) if isinstance(exc, BaseExceptionGroup) else None
        if isinstance(failed, ContractFailure) and isinstance(failed.verdict, Verdict):
            return cls(verdict=failed.verdict)
        if throttled is not None:
            return cls(skip=visible(f"[{clause}] {throttled}"))
        return None


def limits_of(settings: Settings) -> Limits:
    """Per-request and per-run bounds from the options."""
    return Limits(connect_timeout=settings.timeout, read_timeout=settings.timeout, total_timeout=3 * settings.timeout,
                  max_requests=settings.max_requests, max_seconds=settings.max_seconds,
                  max_waiting=settings.max_seconds / 5)


@dataclass
class Run:
    """One run: what it sends through, what it found, how it ended."""

    settings: Settings
    results: Results = field(default_factory=Results)
    findings: Findings = field(default_factory=Findings)
    warnings: list[str] = field(default_factory=list)  # what makes the verdicts doubtful (stale cassettes, ...)
    sdk_reports: dict[str, SdkReport] = field(default_factory=dict)  # the SDK clauses' lines, by SDK name
    target: Target | None = None
    contract: Contract | None = None
    stop: Stop | None = None  # the run-wide verdict that stopped the run early
    interrupted: bool = False
    terminated: bool = False  # by SIGTERM (the plugin turns it into an interruption)
    planned: dict[str, str] = field(default_factory=dict)  # nodeid -> clause of every clause test collected

    def __post_init__(self) -> None:
        """What is read once a run is read again for this one (several runs may share a process)."""
        environment_redactor.cache_clear()
        load_cassettes.cache_clear()

    def preflight(self) -> None:
        """Before the first request: raises TargetError for a target that cannot work; keeps the warnings."""
        self.warnings += preflight(self.settings)

    def make_contract(self, settings: Settings, target: Target, spec: Spec, limits: Limits) -> Contract:
        """The Contract every clause gets: the one place the client is configured (`settings`: the run's, or an
        override's)."""
        read_only = target.kind == "live" and not settings.allow_writes
        return Contract(settings, Client(target.base_url, target.session, limits, read_only=read_only), spec,
                        self.findings)

    def adopt_target(self, target: Target) -> None:
        """The target the run sends through (the shipped fixture's, or an override's)."""
        self.target = target
        self.warnings += target.warnings

    def adopt(self, contract: Contract) -> None:
        """The run's Contract (the shipped fixture's, or an override's): replay and recording wired to its client."""
        contract.findings = self.findings
        client, target = contract.client, self.target
        if target is not None and target.replayer is not None and client.base_url == target.base_url.rstrip("/"):
            target.replayer.registry.current_clause = lambda: client.clause
            client.sleep = lambda _: None  # a recorded Retry-After need not be waited out again
        if self.settings.record and client.recording is None:
            client.recording = []
        if self.findings.reads is None:
            readers = Readers.installed()  # the run's pages read as the official clients read them, on receipt
            self.findings.reads = readers.reads
            judge = client.inspect or contract.spec.inspect

            def inspect(exchange: Exchange) -> None:
                judge(exchange)
                readers(exchange)

            client.inspect = inspect
        self.contract = contract

    @contextmanager
    def test(self) -> Iterator[None]:
        """A clause or SDK test, from setup to teardown: under the run's hypothesis profile, the global random kept."""
        state = random.getstate()
        try:
            with profiles.active(self.settings.profile):
                yield
        finally:
            random.setstate(state)

    @contextmanager
    def clause(self, clause: str, name: str, test: object = None, generated: bool = True) -> Iterator[None]:
        """A test's call: its requests counted for `clause`; seeded generation (of `test`, the test function) for a
        clause test; replay while it runs.

        Seeded from the clause and test name, not the path or the code: an installed copy replays what a clone
        recorded, and an edited docstring sends the same requests.
        """
        if self.contract is not None:
            self.contract.client.clause = clause
        replayer = self.target.replayer if self.target is not None else None
        if replayer is not None:
            replayer.start()
        try:
            if generated:
                derandomized = profiles.derandomized(self.settings.profile)
                with clause_generation(f"fc-contract {clause} {name}", test, derandomized):
                    yield
            else:
                yield
        finally:
            if replayer is not None:
                replayer.pause()

    def stopped(self, stop: Stop) -> None:
        """A run-wide verdict: the run stops here."""
        self.stop = self.stop or stop

    def finish(self, incomplete: str | None) -> None:
        """The end: delete what the writes left, write the request log, and the cassettes when the recording is whole.

        `incomplete`: why the run did not run every clause test to its end, if it did not.
        """
        contract = self.contract
        if contract is None:
            return
        replayer = self.target.replayer if self.target is not None else None
        if replayer is not None:
            self.warnings += self._stale(replayer.stale(), complete=incomplete is None and self.stop is None)
        self._clean_up_writes(contract)
        if self.settings.request_log:
            write_request_log(Path(self.settings.request_log), contract)
        if contract.client.recording is not None:
            why = (self.stop.text if self.stop else None) or ("interrupted" if self.interrupted else None) or incomplete
            if why:
                contract.note(f"cassettes NOT written, the previous ones are kept: the recording did not complete "
                              f"({why})")
            else:
                kind, described = ((self.target.kind, self.target.description) if self.target
                                   else ("url", contract.client.base_url))
                save_recording(contract, kind, described)

    def _stale(self, stale: dict[str, Staleness], complete: bool) -> list[str]:
        """One warning per cassette whose clause now sends other requests than it holds (misses only, for a partial
        run or a clause the run did not choose: its recordings were not asked for)."""
        ran = set(self.planned.values())
        warnings = []
        for clause, how in stale.items():
            whole = complete and clause in ran
            if clause and how.stale(whole):
                warnings.append(f"{cassette_path(self.settings.cassette_dir, clause).name}: the clause {clause} now "
                                f"sends other requests than were recorded ({how.describe(whole)}); re-record it with "
                                f"{flag('record')}")
        return warnings

    def _clean_up_writes(self, contract: Contract) -> None:
        """Delete what a write clause created and could not delete itself (an interrupted run); say what was done."""
        if self.target is not None and self.target.kind == "replay":  # nothing was written anywhere
            contract.created.clear()
            return
        left = cleanup(contract)
        if contract.cleaned:
            contract.note(f"writes: the configs put on {', '.join(contract.cleaned)} were deleted again"
                          + ("" if left else "; nothing the run created is left"))
        if left:
            contract.note(f"writes: could NOT delete configs the run created, delete them by hand: {'; '.join(left)}")

    def ending(self) -> Ending:
        """How the run ended, decided from what it kept."""
        if self.terminated:
            return Ending.TERMINATED
        if self.interrupted:
            return Ending.INTERRUPTED
        if self.stop is not None:
            return STOPS.get(self.stop.clause, Ending.STOPPED)
        return Ending.FAILED if self.results.failures() else Ending.PASSED

    def verdict(self) -> RunVerdict:
        """The one verdict every output gives: the ending, and how many of the planned clauses ran and failed."""
        table = self.results.table()
        planned = list(dict.fromkeys([*self.planned.values(), *table]))
        done = {t.nodeid for t in self.results.tests}
        unfinished = {of for nodeid, of in self.planned.items() if nodeid not in done}
        not_run = [c for c in planned if c not in table or (c in unfinished and not table[c].failed)]
        failed = sum(1 for row in table.values() if row.failed)
        ending = self.ending()
        return RunVerdict(ending, len(planned), len(planned) - len(not_run), failed,
                          tuple(not_run) if ending not in COMPLETE else ())

    def requests(self) -> dict[str, int]:
        """Requests sent per clause ('' for those sent outside any clause test)."""
        return dict(sorted(self.contract.client.counts.items())) if self.contract is not None else {}
