"""`fc-contract --version`: fc-contract, the description it judges by, the engines and the official SDKs."""

from __future__ import annotations

import importlib.metadata

from fc_contract import __version__
from fc_contract.judging.spec import spec_hash
from fc_contract.sdk.adapters import FACTORIES
from fc_contract.settings import SPEC_PATH

ENGINES = ("pytest", "hypothesis", "schemathesis")


def _installed(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def version_lines() -> list[str]:
    return [f"fc-contract {__version__}",
            f"description {SPEC_PATH} (sha256 {spec_hash(SPEC_PATH)})",
            *(f"{name} {_installed(name)}" for name in ENGINES),
            *(f"SDK {name} {_installed(name)}" for name in sorted(FACTORIES))]
