"""The pytest plugin (entry point `fc_contract.plugin`): options, fixtures, and hooks that feed the run layer."""

from fc_contract.plugin.fixtures import fc, fc_baseline, fc_limits, fc_run, fc_sdks, fc_settings, fc_spec, fc_target
from fc_contract.plugin.hooks import (
    pytest_addhooks,
    pytest_addoption,
    pytest_collection_finish,
    pytest_collection_modifyitems,
    pytest_configure,
    pytest_fixture_setup,
    pytest_ignore_collect,
    pytest_make_collect_report,
    pytest_runtest_call,
    pytest_runtest_makereport,
    pytest_runtest_protocol,
    pytest_runtest_setup,
    pytest_sessionfinish,
    pytest_terminal_summary,
    pytest_unconfigure,
)

__all__ = [
    "fc", "fc_baseline", "fc_limits", "fc_run", "fc_sdks", "fc_settings", "fc_spec", "fc_target", "pytest_addhooks",
    "pytest_addoption", "pytest_collection_finish", "pytest_collection_modifyitems", "pytest_configure",
    "pytest_fixture_setup", "pytest_ignore_collect", "pytest_make_collect_report", "pytest_runtest_call",
    "pytest_runtest_makereport", "pytest_runtest_protocol", "pytest_runtest_setup", "pytest_sessionfinish",
    "pytest_terminal_summary", "pytest_unconfigure",
]
