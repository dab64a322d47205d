"""A pytest plugin for the project's tests: pretends the current SDK drops limit=0, which it does not."""

from __future__ import annotations

from fc_contract.sdk import adapters

_post_init = adapters.OpenApiSdk.__post_init__


def _with_false_defect(self: adapters.OpenApiSdk) -> None:
    _post_init(self)
    self.defects["sdk.request.falsy"] = "a defect this SDK does not have"


adapters.OpenApiSdk.__post_init__ = _with_false_defect  # type: ignore[method-assign]
