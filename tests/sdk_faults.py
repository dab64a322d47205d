"""Plugins of one in-process run (harness.run_in_process) that change what it runs on: each patches when the run is
configured and puts back when the run ends, so that the next run gets everything as shipped. Here the faults of an
official SDK; test_budget.py counts sleeps with a Patch."""

from __future__ import annotations

import dataclasses
import importlib.metadata
import json
import sys
from collections.abc import Callable
from typing import Any

import pytest

from fc_contract.cassettes.format import Interaction


class Patch:
    """`owner.name` replaced by `replace(original)` for one run."""

    def __init__(self, owner: Any, name: str, replace: Callable[[Any], Any]) -> None:
        self.owner, self.name, self.replace = owner, name, replace
        self.original: Any = None

    def pytest_configure(self, config: pytest.Config) -> None:
        self.original = getattr(self.owner, self.name)
        setattr(self.owner, self.name, self.replace(self.original))

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        setattr(self.owner, self.name, self.original)


class Unimportable:
    """Module `name` cannot be imported during one run (as if it were not installed)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.before: Any = None

    def pytest_configure(self, config: pytest.Config) -> None:
        self.before = sys.modules.get(self.name)
        sys.modules[self.name] = None  # type: ignore[assignment]

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        if self.before is None:
            sys.modules.pop(self.name, None)
        else:
            sys.modules[self.name] = self.before


def _configs_model() -> Any:
    from alibabacloud_fc_open20210406 import models

    return models.ListFunctionAsyncInvokeConfigsResponseBodyConfigs


def drops_field() -> Patch:
    """The current SDK's config model loses `qualifier`."""
    def lossy(original: Any) -> Any:
        def from_map(self: Any, m: dict[str, Any] | None = None) -> Any:
            parsed = original(self, m)
            parsed.qualifier = None
            return parsed
        return from_map

    return Patch(_configs_model(), "from_map", lossy)


def renames_field() -> Patch:
    """The current SDK's config model maps statefulInvocation as `stateful`."""
    def renamed(original: Any) -> Any:
        def to_map(self: Any) -> Any:
            mapped = original(self)
            if "statefulInvocation" in mapped:
                mapped["stateful"] = mapped.pop("statefulInvocation")
            return mapped
        return to_map

    return Patch(_configs_model(), "to_map", renamed)


def _without_qualifier(item: Interaction) -> Interaction:
    body = item.json()
    if not isinstance(body, dict) or not isinstance(body.get("configs"), list):
        return item
    configs = [{k: v for k, v in c.items() if k != "qualifier"} if isinstance(c, dict) else c for c in body["configs"]]
    return dataclasses.replace(item, body=json.dumps({**body, "configs": configs}).encode())


def async_drops_field() -> Patch:
    """What aiohttp receives (the async path only) lacks `qualifier`; the sync calls get the recording."""
    from fc_contract.sdk import aio

    def lossy(original: Any) -> Any:
        def serve(stand: aio.Stand, interactions: list[Interaction]) -> Any:
            return original(stand, [_without_qualifier(i) for i in interactions])
        return serve

    return Patch(aio.Stand, "serve", lossy)


def unimportable() -> Unimportable:
    """aliyun-fc2 is installed, but its module cannot be imported (as with a dependency too old for it)."""
    return Unimportable("fc2")


def missing() -> list[object]:
    """aliyun-fc2 is not installed: neither its module nor its distribution is there."""
    def version(original: Callable[[str], str]) -> Callable[[str], str]:
        def without(distribution: str) -> str:
            if distribution == "aliyun-fc2":
                raise importlib.metadata.PackageNotFoundError(distribution)
            return original(distribution)
        return without

    return [Unimportable("fc2"), Patch(importlib.metadata, "version", version)]
