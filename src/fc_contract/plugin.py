"""The pytest plugin: options, hypothesis profile, clause bookkeeping, cassettes and the run's summary."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Generator, Sequence
from pathlib import Path

import pytest

from fc_contract import profiles
from fc_contract.client import RequestRefused, RunAborted, StillThrottled
from fc_contract.conformance import CLAUSE, COVERAGE, EVIDENCE, Conformance, evidence_of
from fc_contract.determinism import clause_generation
from fc_contract.fixtures import CONTRACT_KEY, fc, fc_limits, fc_settings, fc_spec, fc_target
from fc_contract.options import SETTINGS_KEY, Settings, add_options
from fc_contract.recording import save_recording, write_request_log
from fc_contract.replay import ReplayMiss
from fc_contract.report import summary_lines
from fc_contract.sdk_replay import REPORT_KEY
from fc_contract.targets import preflight
from fc_contract.verdict import ContractFailure

__all__ = ["fc", "fc_limits", "fc_settings", "fc_spec", "fc_target"]
WARNINGS_KEY = pytest.StashKey[list[str]]()
ABORTED_KEY = pytest.StashKey[str]()
CONFORMANCE_KEY = pytest.StashKey[Conformance]()


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


class _Collector:
    """Gathers the clause table from every test report (pytest-xdist's workers' too)."""

    def __init__(self, conformance: Conformance) -> None:
        self.conformance = conformance

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.conformance.add(report)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fc_clause(id): the contract clause a test checks")
    config.addinivalue_line("markers", "fc_after_all: run after every other test (it reads the whole run)")
    config.addinivalue_line("markers", "fc_sdk: an SDK clause; it replays the cassettes through an official SDK")
    config.addinivalue_line("markers", "fc_thorough: runs in the thorough profile only (random generation on top)")
    config.stash[SETTINGS_KEY] = Settings.from_config(config)
    profiles.load(config.stash[SETTINGS_KEY].profile)
    config.stash[CONFORMANCE_KEY] = Conformance()
    config.pluginmanager.register(_Collector(config.stash[CONFORMANCE_KEY]), "fc-contract-conformance")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run fc_after_all tests last; leave the SDK clauses out of runs against anything but the cassettes."""
    items.sort(key=lambda item: item.get_closest_marker("fc_after_all") is not None)
    if config.stash[SETTINGS_KEY].profile != "thorough":
        extra = [item for item in items if item.get_closest_marker("fc_thorough")]
        if extra:
            config.hook.pytest_deselected(items=extra)
            items[:] = [item for item in items if not item.get_closest_marker("fc_thorough")]
    target = config.stash[SETTINGS_KEY].target
    sdk_items = [item for item in items if item.get_closest_marker("fc_sdk")]
    if sdk_items and target != "replay":
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
    if session.config.option.collectonly:
        return
    if any("fc_target" in getattr(item, "fixturenames", ()) for item in session.items):
        warnings = session.config.stash.get(WARNINGS_KEY, [])
        session.config.stash[WARNINGS_KEY] = warnings + preflight(session.config.stash[SETTINGS_KEY])


def _contracts_dir(items: Sequence[pytest.Item]) -> Path | None:
    """The directory of the clause modules being run: the nearest holding openapi.yaml above the first."""
    for item in items:
        if item.get_closest_marker("fc_clause") or item.get_closest_marker("fc_sdk"):
            return next((d for d in Path(item.path).parents if (d / "openapi.yaml").is_file()), None)
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Name the test's clause in its reports (JUnit XML shows it as a property)."""
    if item.get_closest_marker("fc_clause"):
        item.user_properties.append((CLAUSE, _clause(item)))


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


def _find(exc: BaseException, kind: type[Exception]) -> Exception | None:
    """`exc` or the first `kind` inside an exception group (hypothesis may group failures)."""
    if isinstance(exc, kind):
        return exc
    if isinstance(exc, BaseExceptionGroup):
        return next((found for inner in exc.exceptions if (found := _find(inner, kind))), None)
    return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Count requests per clause; a replay miss fails the test; a spent budget or dead target stops the run."""
    contract = item.config.stash.get(CONTRACT_KEY, None)
    if contract is not None:
        contract.client.clause = _clause(item)
    # Seeded from the clause and test name, not the path: an installed copy replays what a clone recorded.
    scope = clause_generation(f"fc-contract {_clause(item)} {item.name}") if item.get_closest_marker(
        "fc_clause") else contextlib.nullcontext()
    try:
        with scope:
            return (yield)
    except BaseException as exc:
        aborted, missed = _find(exc, RunAborted), _find(exc, ReplayMiss)
        refused, throttled = _find(exc, RequestRefused), _find(exc, StillThrottled)
        if aborted is None and missed is None and refused is None and throttled is None:
            raise
    if aborted is not None:
        item.session.shouldfail = f"fc-contract: {aborted}"
        item.config.stash[ABORTED_KEY] = str(aborted)
        pytest.fail(f"[{getattr(aborted, 'clause', 'run')}] {aborted}; the run stops here", pytrace=False)
    if throttled is not None and missed is None and refused is None:
        pytest.skip(f"[{_clause(item)}] {throttled}")
    pytest.fail(f"[{_clause(item) or 'replay'}] {missed or refused}", pytrace=False)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write the cassettes (only after a run that was not aborted) and the request log."""
    contract = session.config.stash.get(CONTRACT_KEY, None)
    if contract is None:
        return
    if contract.settings.request_log:
        write_request_log(Path(contract.settings.request_log), contract)
    if contract.client.recording is not None:
        aborted = session.config.stash.get(ABORTED_KEY, None)
        if aborted or exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
            contract.note(f"cassettes NOT written, the previous ones are kept: the recording did not complete "
                          f"({aborted or pytest.ExitCode(exitstatus).name})")
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
        terminalreporter.write_line(f"warning: {line}", yellow=True)
    for line in conformance.table() if conformance.clauses else []:
        terminalreporter.write_line(line, red=" FAILED " in line)
    for line in run:
        terminalreporter.write_line(line)
    path = config.stash[SETTINGS_KEY].report
    if path and not hasattr(config, "workerinput"):
        target = contract.client.base_url if contract is not None else config.stash[SETTINGS_KEY].target
        conformance.write(Path(path), target, run)
        terminalreporter.write_line(f"conformance report written to {path}")
