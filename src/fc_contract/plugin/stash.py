"""What the plugin keeps on the pytest config during a run, one key each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fc_contract.plugin.collector import Collector
from fc_contract.run.engine import Run

RUN = pytest.StashKey[Run]()  # the run's engine: settings, target, Contract, results; made in pytest_configure
COLLECTOR = pytest.StashKey[Collector]()  # which clause tests ran to their end (a recording needs every one)
KEPT = pytest.StashKey[dict[Path, "set[str] | None"]]()  # the clauses --fc-clause keeps, by contracts directory
SIGTERM = pytest.StashKey[Any]()  # the SIGTERM handler the run replaced, given back at its end
FROZEN = pytest.StashKey[bool]()  # the run froze the heap its collection built (gc.freeze), thawed at its end
