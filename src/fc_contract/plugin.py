"""The pytest plugin: options, hypothesis profile, clause bookkeeping, cassettes and the run's summary."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import random
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path

import pytest

from fc_contract import profiles
from fc_contract.conformance import CLAUSE, COVERAGE, EVIDENCE, Conformance, evidence_of
from fc_contract.determinism import clause_generation
from fc_contract.fixtures import CONTRACT_KEY, fc, fc_limits, fc_settings, fc_spec, fc_target
from fc_contract.options import SETTINGS_KEY, Settings, add_options
from fc_contract.recording import save_recording, write_request_log
from fc_contract.replay import Replayer, ReplayMiss
from fc_contract.report import summary_lines
from fc_contract.sdk_replay import REPORT_KEY
from fc_contract.shown import visible
from fc_contract.stops import RequestRefused, RunAborted, StillThrottled
from fc_contract.targets import preflight
from fc_contract.verdict import ContractFailure

__all__ = ["fc", "fc_limits", "fc_settings", "fc_spec", "fc_target"]
WARNINGS_KEY = pytest.StashKey[list[str]]()
ABORTED_KEY = pytest.StashKey[str]()
CONFORMANCE_KEY = pytest.StashKey[Conformance]()
COLLECTOR_KEY = pytest.StashKey["_Collector"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


class _Collector:
    """Gathers the clause table from every test report (pytest-xdist's workers' too), and what ran to its end."""

    def __init__(self, conformance: Conformance) -> None:
        self.conformance = conformance
        self.expected: set[str] = set()  # the clause tests collected (a recording needs every one run)
        self.ended: set[str] = set()
        self.ours: set[str] = set()  # deselected by this plugin (profile, target): not a partial run
        self.deselected = 0  # clause tests deselected by the user (-k, -m, --deselect)
        self.missing: list[str] = []  # clause modules of the contracts directory that were not collected

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.conformance.add(report)
        if report.when == "call" or (report.when == "setup" and not report.passed):
            self.ended.add(report.nodeid)

    def pytest_deselected(self, items: Sequence[pytest.Item]) -> None:
        self.deselected += sum(1 for i in items if i.get_closest_marker("fc_clause") and i.nodeid not in self.ours)

    def incomplete(self) -> str | None:
        """Why this run's recording would not be the whole suite, if it would not."""
        if self.missing:
            return f"the run did not collect every clause module (missing {', '.join(self.missing)})"
        if self.deselected:
            return f"{self.deselected} clause tests were deselected (-k, -m or --deselect)"
        unfinished = self.expected - self.ended
        if unfinished:
            return f"{len(unfinished)} clause tests did not run to their end (-x, --maxfail or an interruption)"
        return None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fc_clause(id): the contract clause a test checks")
    config.addinivalue_line("markers", "fc_after_all: run after every other test (it reads the whole run)")
    config.addinivalue_line("markers", "fc_sdk: an SDK clause; it replays the cassettes through an official SDK")
    config.addinivalue_line("markers", "fc_thorough: runs in the thorough profile only (random generation on top)")
    config.stash[SETTINGS_KEY] = Settings.from_config(config)
    profiles.register()
    config.stash[CONFORMANCE_KEY] = Conformance()
    config.stash[COLLECTOR_KEY] = _Collector(config.stash[CONFORMANCE_KEY])
    config.pluginmanager.register(config.stash[COLLECTOR_KEY], "fc-contract-conformance")


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, object, object]:
    """Collect the clause modules under fc-contract's hypothesis profile, and nothing else."""
    path = Path(collector.path)  # the module and what it holds (schemathesis collects its cases below it)
    if not (path.suffix == ".py" and _is_contract_module(path)):
        return (yield)
    with profiles.active(collector.config.stash[SETTINGS_KEY].profile):
        return (yield)


@functools.cache
def _is_contract_module(path: Path) -> bool:
    """A clause module: it uses fc_contract, and a description lies beside it or one level up.

    Both, because a mock server's repository may well keep an openapi.yaml beside its own tests.
    """
    if _description_dir(path) is None:
        return False
    try:
        return "fc_contract" in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def _description_dir(path: Path) -> Path | None:
    """The directory holding the description of a clause module at `path`: beside it or one level up."""
    return next((folder for folder in (path.parent, path.parent.parent) if (folder / "openapi.yaml").is_file()), None)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run fc_after_all tests last; leave the SDK clauses out of runs against anything but the cassettes."""
    items.sort(key=lambda item: item.get_closest_marker("fc_after_all") is not None)
    if config.stash[SETTINGS_KEY].profile != "thorough":
        extra = [item for item in items if item.get_closest_marker("fc_thorough")]
        if extra:
            config.stash[COLLECTOR_KEY].ours.update(item.nodeid for item in extra)
            config.hook.pytest_deselected(items=extra)
            items[:] = [item for item in items if not item.get_closest_marker("fc_thorough")]
    target = config.stash[SETTINGS_KEY].target
    sdk_items = [item for item in items if item.get_closest_marker("fc_sdk")]
    if sdk_items and target != "replay":
        config.stash[COLLECTOR_KEY].ours.update(item.nodeid for item in sdk_items)
        config.hook.pytest_deselected(items=sdk_items)
        items[:] = [item for item in items if not item.get_closest_marker("fc_sdk")]
        config.stash[WARNINGS_KEY] = [f"the SDK clauses (contracts/sdk) replay the cassettes; they were left out "
                                      f"of this run against {target}"]


def pytest_collection_finish(session: pytest.Session) -> None:
    """Check the target once, before any test, when the run holds contract tests."""
    contracts = _contracts_dir(session.items)
    if contracts is not None:
        settings = session.config.stash[SETTINGS_KEY]
        session.config.stash[SETTINGS_KEY] = dataclasses.replace(settings, contracts=str(contracts))
        collector = session.config.stash[COLLECTOR_KEY]
        clauses = [item for item in session.items if item.get_closest_marker("fc_clause")]
        collector.expected = {item.nodeid for item in clauses}
        collected = {Path(item.path).name for item in clauses}
        collector.missing = sorted(p.name for p in contracts.glob("test_*.py") if p.name not in collected)
    if session.config.option.collectonly:
        return
    if any("fc_target" in getattr(item, "fixturenames", ()) for item in session.items):
        warnings = session.config.stash.get(WARNINGS_KEY, [])
        session.config.stash[WARNINGS_KEY] = warnings + preflight(session.config.stash[SETTINGS_KEY])


def _contracts_dir(items: Sequence[pytest.Item]) -> Path | None:
    """The directory of the clause modules being run: the nearest holding openapi.yaml above the first."""
    return next((_description_dir(Path(item.path)) for item in items if _is_contract_test(item)), None)


def _is_contract_test(item: pytest.Item) -> bool:
    """A clause or SDK clause test: what fc-contract's profile, seeding and replay apply to."""
    return item.get_closest_marker("fc_clause") is not None or item.get_closest_marker("fc_sdk") is not None


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Name the test's clause in its reports (JUnit XML shows it as a property)."""
    if item.get_closest_marker("fc_clause"):
        item.user_properties.append((CLAUSE, _clause(item)))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    """A clause or SDK test, from setup to teardown, under fc-contract's profile; the global random kept."""
    if not _is_contract_test(item):
        return (yield)
    state = random.getstate()
    try:
        with profiles.active(item.config.stash[SETTINGS_KEY].profile):
            return (yield)
    finally:
        random.setstate(state)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, object, object]:
    """A failure's evidence (request as curl, response excerpt) travels in the report, for --fc-report."""
    report = yield
    contract = item.config.stash.get(CONTRACT_KEY, None)
    covered = contract.coverage.get(_clause(item), {}) if contract is not None else {}
    if covered and call.when == "call" and isinstance(report, pytest.TestReport):
        report.user_properties.append((COVERAGE, "; ".join(text for _, text in sorted(covered.items()))))
    failure = call.excinfo.value if call.excinfo is not None else None
    if isinstance(failure, ContractFailure) and failure.exchange is not None and isinstance(report, pytest.TestReport):
        report.user_properties.append((EVIDENCE, evidence_of(failure.exchange)))
    return report



def _clause(item: pytest.Item) -> str:
    marker = item.get_closest_marker("fc_clause")
    return str(marker.args[0]) if marker else ""


def _find(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    """`exc` or the first `kind` inside an exception group (hypothesis may group failures)."""
    if isinstance(exc, kind):
        return exc
    if isinstance(exc, BaseExceptionGroup):
        return next((found for inner in exc.exceptions if (found := _find(inner, kind))), None)
    if isinstance(exc.__cause__, kind):  # hypothesis wraps a BaseException (pytest's Failed) in a flaky group
        return exc.__cause__
    return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Count requests per clause; a replay miss fails the test; a spent budget or dead target stops the run."""
    if not _is_contract_test(item):
        return (yield)  # not a clause test: nothing here is fc-contract's business
    contract = item.config.stash.get(CONTRACT_KEY, None)
    if contract is not None:
        contract.client.clause = _clause(item)
    # Seeded from the clause and test name, not the path: an installed copy replays what a clone recorded.
    scope = clause_generation(f"fc-contract {_clause(item)} {item.name}") if item.get_closest_marker(
        "fc_clause") else contextlib.nullcontext()
    replayer = contract.target.replayer if contract is not None else None
    try:
        with scope, _replaying(replayer):
            return (yield)
    except BaseException as exc:
        aborted, missed = _find(exc, RunAborted), _find(exc, ReplayMiss)
        refused, throttled = _find(exc, RequestRefused), _find(exc, StillThrottled)
        failed = _find(exc, ContractFailure) if isinstance(exc, BaseExceptionGroup) else None
        if isinstance(failed, ContractFailure) and aborted is None and missed is None and refused is None:
            raise ContractFailure(str(failed.msg), failed.exchange) from None  # one line, not a group's traceback
        if aborted is None and missed is None and refused is None and throttled is None:
            raise
    if aborted is not None:
        item.session.shouldfail = f"fc-contract: {aborted}"
        item.config.stash[ABORTED_KEY] = str(aborted)
        pytest.fail(visible(f"[{getattr(aborted, 'clause', 'run')}] {aborted}; the run stops here"), pytrace=False)
    if throttled is not None and missed is None and refused is None:
        pytest.skip(visible(f"[{_clause(item)}] {throttled}"))
    pytest.fail(visible(f"[{_clause(item) or 'replay'}] {missed or refused}"), pytrace=False)


@contextlib.contextmanager
def _replaying(replayer: Replayer | None) -> Iterator[None]:
    """Replay (and refuse sockets) while a clause test runs, not while any other test does."""
    if replayer is None:
        yield
        return
    replayer.start()
    try:
        yield
    finally:
        replayer.pause()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write the cassettes (only after a run that was not aborted) and the request log."""
    contract = session.config.stash.get(CONTRACT_KEY, None)
    if contract is None:
        return
    if contract.settings.request_log:
        write_request_log(Path(contract.settings.request_log), contract)
    if contract.client.recording is not None:
        aborted = session.config.stash.get(ABORTED_KEY, None)
        if exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
            aborted = aborted or pytest.ExitCode(exitstatus).name
        why = aborted or session.config.stash[COLLECTOR_KEY].incomplete()
        if why:
            contract.note(f"cassettes NOT written, the previous ones are kept: the recording did not complete ({why})")
        else:
            save_recording(contract)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """The clause table, the run's figures and notes; and the Markdown report when asked for."""
    contract = config.stash.get(CONTRACT_KEY, None)
    conformance = config.stash[CONFORMANCE_KEY]
    sdk_reports = config.stash.get(REPORT_KEY, {})
    if contract is None and not sdk_reports and not conformance.clauses:
        return
    run = summary_lines(contract) if contract is not None else []
    run += [f"SDK {report.line()}" for report in sdk_reports.values()]
    terminalreporter.section("fc-contract")
    for line in config.stash.get(WARNINGS_KEY, []):
        terminalreporter.write_line(visible(f"warning: {line}"), yellow=True)
    for line in conformance.table() if conformance.clauses else []:
        terminalreporter.write_line(visible(line), red=" FAILED " in line)
    for line in run:
        terminalreporter.write_line(visible(line))
    path = config.stash[SETTINGS_KEY].report
    if path and not hasattr(config, "workerinput"):
        target = contract.client.base_url if contract is not None else config.stash[SETTINGS_KEY].target
        conformance.write(Path(path), target, run)
        terminalreporter.write_line(f"conformance report written to {path}")
