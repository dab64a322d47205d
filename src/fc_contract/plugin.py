"""The pytest plugin: options, hypothesis profile, clause bookkeeping and the run's summary."""

from __future__ import annotations

from collections.abc import Generator

import pytest

from fc_contract import profiles
from fc_contract.client import RunAborted
from fc_contract.fixtures import CONTRACT_KEY, fc, fc_limits, fc_settings, fc_spec, fc_target
from fc_contract.options import Settings, add_options
from fc_contract.report import summary_lines
from fc_contract.targets import preflight

__all__ = ["fc", "fc_limits", "fc_settings", "fc_spec", "fc_target"]


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fc_clause(id): the contract clause a test checks")
    config.addinivalue_line("markers", "fc_after_all: run after every other test (it reads the whole run)")
    profiles.load(Settings.from_config(config).profile)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker("fc_after_all") is not None)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Check the target once, before any test, when the run holds contract tests."""
    if session.config.option.collectonly:
        return
    if any("fc_target" in getattr(item, "fixturenames", ()) for item in session.items):
        preflight(Settings.from_config(session.config))


def _clause(item: pytest.Item) -> str:
    marker = item.get_closest_marker("fc_clause")
    return str(marker.args[0]) if marker else ""


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Count requests per clause; an exhausted budget or a dead target stops the run with one verdict."""
    contract = item.config.stash.get(CONTRACT_KEY, None)
    if contract is not None:
        contract.client.clause = _clause(item)
    try:
        return (yield)
    except RunAborted as exc:
        aborted = exc
    item.session.shouldfail = f"fc-contract: {aborted}"
    pytest.fail(f"[{aborted.clause}] {aborted}; the run stops here", pytrace=False)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    contract = config.stash.get(CONTRACT_KEY, None)
    if contract is None:
        return
    terminalreporter.section("fc-contract")
    for line in summary_lines(contract):
        terminalreporter.write_line(line)
