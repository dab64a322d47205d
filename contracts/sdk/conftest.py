"""The SDK clauses' fixtures: each installed official SDK, and the cassettes replayed through it."""

from __future__ import annotations

import pytest

from fc_contract import cassettes
from fc_contract.cassettes.format import Cassette
from fc_contract.plugin import stash
from fc_contract.plugin.targets import load_cassettes
from fc_contract.sdk import adapters
from fc_contract.sdk.replay import Call, SdkReport, calls_of, replay
from fc_contract.settings import Settings


@pytest.fixture(scope="session", params=sorted(adapters.FACTORIES))
def sdk(request: pytest.FixtureRequest, fc_sdks: dict[str, adapters.Sdk | str]) -> adapters.Sdk:
    """Each official SDK in turn, as the fc_sdks fixture gives it; skipped with the reason when it is missing."""
    loaded = fc_sdks.get(request.param, f"{request.param} is not among the fc_sdks fixture's SDKs")
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
def sdk_calls(sdk: adapters.Sdk, sdk_cassettes: list[Cassette]) -> list[Call]:
    """Every recorded request the SDK can express, replayed through it once for all the SDK clauses."""
    return [replay(sdk, call) for call in calls_of(sdk_cassettes)]


@pytest.fixture(scope="session")
def sdk_report(pytestconfig: pytest.Config, sdk: adapters.Sdk) -> SdkReport:
    """The SDK's line in the run's summary."""
    reports = pytestconfig.stash.setdefault(stash.SDK_REPORTS, {})
    return reports.setdefault(sdk.name, SdkReport(sdk.name, sdk.version))
