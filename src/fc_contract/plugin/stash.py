"""What the plugin keeps on the pytest config during a run, one key each."""

from __future__ import annotations

import pytest

from fc_contract.judging.contract import Contract
from fc_contract.plugin.collector import Collector
from fc_contract.plugin.targets import Target
from fc_contract.sdk.replay import SdkReport
from fc_contract.settings import Settings

SETTINGS = pytest.StashKey[Settings]()  # resolved once, in pytest_configure
CONTRACT = pytest.StashKey[Contract]()  # the `fc` fixture's value, once a test asked for it
TARGET = pytest.StashKey[Target]()  # the `fc_target` fixture's value, once a test asked for it
COLLECTOR = pytest.StashKey[Collector]()  # the clause table (its .conformance) and what ran
WARNINGS = pytest.StashKey[list[str]]()
ABORTED = pytest.StashKey[str]()
SDK_REPORTS = pytest.StashKey[dict[str, SdkReport]]()
SDK_DIFFERENCES = pytest.StashKey[list[str]]()  # sdk.baseline's grouped differences, for the summary
