"""Validation of a PutFunctionAsyncInvokeConfig body."""

from __future__ import annotations

from typing import Any

from fc_contract.fake.wire import FCError


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_put_body(body: dict[str, Any]) -> None:
    """400 InvalidArgument unless the PutFunctionAsyncInvokeConfig body is well-formed."""
    retries, age = body.get("maxAsyncRetryAttempts"), body.get("maxAsyncEventAgeInSeconds")
    if retries is not None and not (_is_int(retries) and 0 <= retries <= 8):
        raise FCError(400, "InvalidArgument", "maxAsyncRetryAttempts must be an integer between 0 and 8")
    if age is not None and not (_is_int(age) and 1 <= age < 2**63):  # int64, as the SDK model
        raise FCError(400, "InvalidArgument", "maxAsyncEventAgeInSeconds must be a positive 64-bit integer")
    if not isinstance(body.get("statefulInvocation"), bool | None):
        raise FCError(400, "InvalidArgument", "statefulInvocation must be a boolean")
    destinations = body.get("destinationConfig")
    if destinations is None:
        return
    if not isinstance(destinations, dict):
        raise FCError(400, "InvalidArgument", "destinationConfig must be an object")
    for key in ("onSuccess", "onFailure"):
        target = destinations.get(key)
        if target is not None and not (isinstance(target, dict) and isinstance(target.get("destination"), str)
                                       and target["destination"]):
            raise FCError(400, "InvalidArgument", f"destinationConfig.{key} must be null or {{destination: ARN}}")
