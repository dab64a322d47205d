"""The fc-contract options in one pytest group; the values resolved as fc_contract.config says."""

from __future__ import annotations

import os

import pytest

from fc_contract.config import FLAGS, OPTIONS, ConfigError, find_file, resolve, settings_of
from fc_contract.settings import Settings

__all__ = ["FLAGS", "OPTIONS", "add_options", "settings_from_config"]


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("fc-contract", "fc-contract: the ListFunctionAsyncInvokeConfigs contract")
    for name, (default, text) in OPTIONS.items():
        group.addoption("--fc-" + name.replace("_", "-"), dest=f"fc_{name}", default=None,
                        help=f"{text} [default {default or 'none'}; env FC_CONTRACT_{name.upper()}; "
                             f"fc-contract.toml {name}; ini fc_{name}]")
        parser.addini(f"fc_{name}", text, default=None)
    for name, text in FLAGS.items():
        group.addoption("--fc-" + name.replace("_", "-"), dest=f"fc_{name}", action="store_true", default=None,
                        help=f"{text} [env FC_CONTRACT_{name.upper()}=1; fc-contract.toml {name} = true; "
                             f"ini fc_{name}]")
        parser.addini(f"fc_{name}", text, default=None)


def settings_from_config(config: pytest.Config) -> Settings:
    """The options by fc_contract.config's priority; a one-line usage error for a bad value or config file."""
    try:
        return settings_of(resolve({name: config.getoption(f"fc_{name}") for name in (*OPTIONS, *FLAGS)},
                                   os.environ, find_file(config.invocation_params.dir),
                                   lambda name: config.getini(f"fc_{name}")))
    except ConfigError as exc:
        raise pytest.UsageError(str(exc)) from None
