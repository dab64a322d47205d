"""A pytest plugin for the project's tests: the current SDK's config model maps statefulInvocation as `stateful`."""

from __future__ import annotations

from typing import Any

from alibabacloud_fc_open20210406 import models

_original = models.ListFunctionAsyncInvokeConfigsResponseBodyConfigs.to_map


def _renamed(self: Any) -> Any:
    mapped = _original(self)
    if "statefulInvocation" in mapped:
        mapped["stateful"] = mapped.pop("statefulInvocation")
    return mapped


models.ListFunctionAsyncInvokeConfigsResponseBodyConfigs.to_map = _renamed
