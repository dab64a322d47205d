"""The fixtures the contracts use; override any of them in a conftest.py to change the behaviour."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fc_contract.client import Client, Limits
from fc_contract.contract import Contract
from fc_contract.options import SETTINGS_KEY, Settings
from fc_contract.spec import Spec
from fc_contract.targets import Target, open_target

CONTRACT_KEY = pytest.StashKey[Contract]()


@pytest.fixture(scope="session")
def fc_settings(pytestconfig: pytest.Config) -> Settings:
    """The resolved fc-contract options."""
    return pytestconfig.stash[SETTINGS_KEY]


@pytest.fixture(scope="session")
def fc_spec(fc_settings: Settings) -> Spec:
    """The OpenAPI description the responses are judged by: the one beside the contracts being run."""
    return Spec(fc_settings.spec_path)


@pytest.fixture(scope="session")
def fc_target(fc_settings: Settings) -> Iterator[Target]:
    """Where the requests go; session-scoped, closed at the end of the run."""
    target = open_target(fc_settings)
    yield target
    target.close()


@pytest.fixture(scope="session")
def fc_limits(fc_settings: Settings) -> Limits:
    """Per-request bounds: timeouts, body size, the request budget."""
    return Limits(connect_timeout=fc_settings.timeout, read_timeout=fc_settings.timeout,
                  total_timeout=3 * fc_settings.timeout, max_requests=fc_settings.max_requests,
                  max_seconds=fc_settings.max_seconds, max_waiting=fc_settings.max_seconds / 5)


@pytest.fixture(scope="session")
def fc(pytestconfig: pytest.Config, fc_settings: Settings, fc_target: Target, fc_spec: Spec,
       fc_limits: Limits) -> Contract:
    """The function under test, its client and the shared walks."""
    client = Client(fc_target.base_url, fc_spec, fc_target.session, fc_limits)
    if fc_target.replayer is not None:
        fc_target.replayer.registry.current_clause = lambda: client.clause
        client.sleep = lambda _: None  # a recorded Retry-After need not be waited out again
    client.read_only = fc_target.kind == "live"
    if fc_settings.record:
        client.recording = []
    contract = Contract(fc_settings, client, fc_target)
    pytestconfig.stash[CONTRACT_KEY] = contract
    return contract
