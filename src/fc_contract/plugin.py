"""The pytest plugin: options, hypothesis profile, clause bookkeeping, cassettes and the run's summary."""

from __future__ import annotations

import random
from collections.abc import Generator
from pathlib import Path

import pytest

from fc_contract import profiles
from fc_contract.client import RunAborted
from fc_contract.fixtures import CONTRACT_KEY, fc, fc_limits, fc_settings, fc_spec, fc_target
from fc_contract.options import Settings, add_options
from fc_contract.recording import save_recording, write_request_log
from fc_contract.replay import ReplayMiss
from fc_contract.report import summary_lines
from fc_contract.sdk_replay import REPORT_KEY
from fc_contract.targets import preflight

__all__ = ["fc", "fc_limits", "fc_settings", "fc_spec", "fc_target"]
WARNINGS_KEY = pytest.StashKey[list[str]]()
ABORTED_KEY = pytest.StashKey[str]()


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fc_clause(id): the contract clause a test checks")
    config.addinivalue_line("markers", "fc_after_all: run after every other test (it reads the whole run)")
    config.addinivalue_line("markers", "fc_sdk: an SDK clause; it replays the cassettes through an official SDK")
    profiles.load(Settings.from_config(config).profile)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run fc_after_all tests last; leave the SDK clauses out of runs against anything but the cassettes."""
    items.sort(key=lambda item: item.get_closest_marker("fc_after_all") is not None)
    target = Settings.from_config(config).target
    sdk_items = [item for item in items if item.get_closest_marker("fc_sdk")]
    if sdk_items and target != "replay":
        config.hook.pytest_deselected(items=sdk_items)
        items[:] = [item for item in items if not item.get_closest_marker("fc_sdk")]
        config.stash[WARNINGS_KEY] = [f"the SDK clauses (contracts/sdk) replay the cassettes; they were left out "
                                      f"of this run against {target}"]


def pytest_collection_finish(session: pytest.Session) -> None:
    """Check the target once, before any test, when the run holds contract tests."""
    if session.config.option.collectonly:
        return
    if any("fc_target" in getattr(item, "fixturenames", ()) for item in session.items):
        warnings = session.config.stash.get(WARNINGS_KEY, [])
        session.config.stash[WARNINGS_KEY] = warnings + preflight(Settings.from_config(session.config))


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Seed the global random per test: schemathesis draws from it, and replay must send what record sent."""
    if item.get_closest_marker("fc_clause"):
        random.seed(f"fc-contract {item.nodeid}")


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
    try:
        return (yield)
    except BaseException as exc:
        aborted, missed = _find(exc, RunAborted), _find(exc, ReplayMiss)
        if aborted is None and missed is None:
            raise
    if aborted is not None:
        item.session.shouldfail = f"fc-contract: {aborted}"
        item.config.stash[ABORTED_KEY] = str(aborted)
        pytest.fail(f"[{getattr(aborted, 'clause', 'run')}] {aborted}; the run stops here", pytrace=False)
    pytest.fail(f"[{_clause(item) or 'replay'}] {missed}", pytrace=False)


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
    contract = config.stash.get(CONTRACT_KEY, None)
    sdk_reports = config.stash.get(REPORT_KEY, {})
    if contract is None and not sdk_reports:
        return
    terminalreporter.section("fc-contract")
    for line in config.stash.get(WARNINGS_KEY, []):
        terminalreporter.write_line(f"warning: {line}", yellow=True)
    for line in summary_lines(contract) if contract is not None else []:
        terminalreporter.write_line(line)
    for report in sdk_reports.values():
        terminalreporter.write_line(f"SDK {report.line()}")
