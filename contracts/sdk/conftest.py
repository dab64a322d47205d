"""The SDK clauses' fixtures: each installed official SDK, and the cassettes replayed through it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest

from fc_contract import Clause, ContractFailure, cassettes
from fc_contract.cassettes.format import Cassette
from fc_contract.run.engine import Run
from fc_contract.run.targets import load_cassettes
from fc_contract.sdk import adapters, snapshot
from fc_contract.sdk.replay import Call, SdkReport, calls_of, replay_all
from fc_contract.settings import Settings

VARIANTS = [(name, mode) for name in sorted(adapters.FACTORIES) for mode in adapters.FACTORIES[name].modes]


@pytest.fixture(scope="session", params=VARIANTS, ids=[n if m == "sync" else f"{n}-{m}" for n, m in VARIANTS])
def sdk_variant(request: pytest.FixtureRequest) -> tuple[str, str]:
    """Each official SDK and each way of calling it (sync; async where it has async methods)."""
    name, mode = request.param
    return name, mode


@pytest.fixture(scope="session")
def sdk_mode(sdk_variant: tuple[str, str]) -> str:
    """sync (requests) or async (aiohttp, replayed through aioresponses)."""
    return sdk_variant[1]


@pytest.fixture(scope="session")
def sdk(sdk_variant: tuple[str, str], fc_sdks: dict[str, adapters.Sdk | str]) -> adapters.Sdk:
    """Each official SDK in turn, as the fc_sdks fixture gives it; skipped with the reason when it is missing."""
    name, mode = sdk_variant
    loaded = fc_sdks.get(name, f"{name} is not among the fc_sdks fixture's SDKs")
    if isinstance(loaded, str):
        pytest.skip(loaded)
    if mode not in loaded.modes:
        pytest.skip(f"{loaded.name} {loaded.version} has no {mode} methods")
    return loaded


@pytest.fixture(scope="session")
def sdk_cassettes(fc_settings: Settings) -> list[Cassette]:
    """The cassettes, and the documentation's sample when it lies beside them."""
    loaded = list(load_cassettes(fc_settings.cassette_dir))
    sample = fc_settings.cassette_dir / "documentation" / "sample.yaml"
    return [*loaded, cassettes.load(sample)] if sample.is_file() else loaded


@pytest.fixture(scope="session")
def sdk_replayed() -> dict[tuple[str, str, str], list[Call]]:
    """Every replay of the session by (SDK name, version, mode): what the snapshot is made of."""
    return {}


@pytest.fixture(scope="session")
def sdk_calls(sdk: adapters.Sdk, sdk_mode: str, sdk_cassettes: list[Cassette],
              sdk_replayed: dict[tuple[str, str, str], list[Call]]) -> list[Call]:
    """Every recorded request the SDK can express, replayed through it (in `sdk_mode`) once for all SDK clauses."""
    key = (sdk.name, sdk.version, sdk_mode)
    if key not in sdk_replayed:
        sdk_replayed[key] = replay_all(sdk, calls_of(sdk_cassettes), sdk_mode)
    return sdk_replayed[key]


@pytest.fixture(scope="session")
def sdk_snapshot(fc_sdks: dict[str, adapters.Sdk | str], sdk_cassettes: list[Cassette],
                 sdk_replayed: dict[tuple[str, str, str], list[Call]]) -> dict[str, Any]:
    """What every installed SDK, in every mode, made of the cassettes (replaying what the clauses have not)."""
    for sdk in (s for s in fc_sdks.values() if not isinstance(s, str)):
        for mode in sdk.modes:
            if (sdk.name, sdk.version, mode) not in sdk_replayed:
                sdk_replayed[(sdk.name, sdk.version, mode)] = replay_all(sdk, calls_of(sdk_cassettes), mode)
    return snapshot.snapshot(sdk_replayed)


@pytest.fixture
def known_defect(sdk: adapters.Sdk, sdk_report: SdkReport) -> Callable[[Clause, str], AbstractContextManager[None]]:
    """known_defect(CLAUSE, key): the block's failure is an expected one where the SDK's version has the defect.

    A version in the range the defect was seen in that passes turns the run red: "fixed in VERSION: remove
    the xfail". Outside the range, the block is judged as any other.
    """
    @contextmanager
    def expecting(clause: Clause, key: str) -> Iterator[None]:
        defect = sdk.defects.get(key)
        if defect is None or not defect.covers(sdk.version):
            yield
            return
        sdk_report.defects.append(f"{defect.text} ({defect.where})")
        try:
            yield
        except ContractFailure:
            pytest.xfail(f"{defect.text} ({defect.where})")
        fixed = f"fixed in {sdk.version}: remove the xfail (the defect {key!r} in fc_contract.sdk.adapters)"
        gone = clause.verdict(f"{sdk.name} {sdk.version}, known to have a defect ({defect.where})", defect.text, fixed)
        raise ContractFailure(dataclasses.replace(gone, defect=key))

    return expecting


@pytest.fixture(scope="session")
def sdk_report(fc_run: Run, sdk: adapters.Sdk) -> SdkReport:
    """The SDK's line in the run's summary."""
    return fc_run.sdk_reports.setdefault(sdk.name, SdkReport(sdk.name, sdk.version))
