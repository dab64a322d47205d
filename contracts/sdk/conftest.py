"""The SDK clauses' fixtures: each installed official SDK, and the cassettes replayed through it."""

from __future__ import annotations

import pytest

from fc_contract import cassettes, sdks
from fc_contract.cassettes import Cassette
from fc_contract.options import Settings
from fc_contract.sdk_replay import REPORT_KEY, Call, SdkReport, calls_of, replay
from fc_contract.targets import load_cassettes


@pytest.fixture(scope="session", params=sorted(sdks.FACTORIES))
def sdk(request: pytest.FixtureRequest) -> sdks.Sdk:
    """Each official SDK in turn; skipped with the reason when it is not installed."""
    loaded = sdks.load(request.param)
    if isinstance(loaded, str):
        pytest.skip(loaded)
    return loaded


@pytest.fixture(scope="session")
def sdk_cassettes(fc_settings: Settings) -> list[Cassette]:
    """The cassettes, and the documentation's sample when it lies beside them."""
    loaded = list(load_cassettes(fc_settings.cassette_dir))
    sample = fc_settings.cassette_dir / "documentation" / "sample.yaml"
    return [*loaded, cassettes.load(sample)] if sample.is_file() else loaded


@pytest.fixture(scope="session")
def sdk_calls(sdk: sdks.Sdk, sdk_cassettes: list[Cassette]) -> list[Call]:
    """Every recorded request the SDK can express, replayed through it once for all the SDK clauses."""
    return [replay(sdk, call) for call in calls_of(sdk_cassettes)]


@pytest.fixture(scope="session")
def sdk_report(pytestconfig: pytest.Config, sdk: sdks.Sdk) -> SdkReport:
    """The SDK's line in the run's summary."""
    reports = pytestconfig.stash.setdefault(REPORT_KEY, {})
    return reports.setdefault(sdk.name, SdkReport(sdk.name, sdk.version))
