"""A run's own list pages read as each official SDK reads them, offline: no request is added."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fc_contract.http.exchange import Exchange
from fc_contract.judging.verdict import ClientReads
from fc_contract.sdk.adapters import FACTORIES, Sdk, load, without_nulls

READ_AT_MOST = 2000  # distinct page bodies read through each SDK
DOCUMENTED = ("createdTime", "destinationConfig", "function", "lastModifiedTime", "maxAsyncEventAgeInSeconds",
              "maxAsyncRetryAttempts", "qualifier", "service", "statefulInvocation")


def _misread(data: Any, parsed: dict[str, Any] | None) -> str | None:
    """What the SDK's reading of a page lost of its documented fields, or None."""
    if not isinstance(data, dict) or not isinstance(data.get("configs"), list):
        return None  # not a page: response.shape's other checks say so
    if parsed is None:
        return "no page"
    wanted_token, got_token = _field(data, "nextToken"), _field(parsed, "nextToken")
    if (wanted_token or None) != (got_token or None):
        return f"nextToken {got_token!r} where the body has {wanted_token!r}"
    wanted, configs = data["configs"], parsed.get("configs") or []
    if len(configs) != len(wanted):
        return f"{len(configs)} configs where the body has {len(wanted)}"
    for number, (config, read) in enumerate(zip(wanted, configs, strict=True), start=1):
        lost = [k for k in DOCUMENTED if isinstance(config, dict) and isinstance(read, dict)
                and config.get(k) != read.get(k) and _field(config, k) != _field(read, k)]
        if lost:
            return f"config {number}: {', '.join(lost[:4])} read otherwise"
    return None


def _field(value: dict[str, Any], key: str) -> Any:
    """`value[key]` with nulls dropped (null and absent say the same), normalizing that field only, not the page."""
    found = value.get(key)
    return None if found is None else without_nulls(found)


@dataclass
class Readers:
    """Reads each 200 list page as it arrives (the client's inspect), through every installed official SDK.

    On receipt, because the run's history keeps only an excerpt of each body. What an SDK could not read,
    or read otherwise than the JSON says, goes into `Exchange.misread`; response.shape judges it.
    """

    sdks: list[Sdk]
    reads: ClientReads  # what the outputs and response.shape read of it
    _seen: set[int] = field(default_factory=set)

    @classmethod
    def installed(cls) -> Readers:
        loaded = [load(name) for name in sorted(FACTORIES)]
        sdks = [s for s in loaded if not isinstance(s, str)]
        missing = [s for s in loaded if isinstance(s, str)]
        return cls(sdks, ClientReads([f"{s.name} {s.version}" for s in sdks], missing))

    def __call__(self, exchange: Exchange) -> None:
        if exchange.status != 200 or exchange.shape is None or len(self._seen) >= READ_AT_MOST:
            return
        key = hash(exchange.body)
        if key in self._seen:
            return
        self._seen.add(key)
        self.reads.pages += 1
        for sdk in self.sdks:
            outcome = sdk.parse(exchange.headers, exchange.body)
            problem = outcome.error[:200] if outcome.error else _misread(exchange.json(), outcome.body)
            if problem is not None:
                exchange.misread[f"{sdk.name} {sdk.version}"] = problem
