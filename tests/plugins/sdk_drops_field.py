"""A pytest plugin for the project's tests: the current SDK's config model loses `qualifier`."""

from __future__ import annotations

from typing import Any

from alibabacloud_fc_open20210406 import models

_original = models.ListFunctionAsyncInvokeConfigsResponseBodyConfigs.from_map


def _lossy(self: Any, m: dict[str, Any] | None = None) -> Any:
    parsed = _original(self, m)
    parsed.qualifier = None
    return parsed


models.ListFunctionAsyncInvokeConfigsResponseBodyConfigs.from_map = _lossy
