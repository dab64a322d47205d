"""Recorded interactions replayed through an SDK: what it sent, what it made of the answer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote

import requests

from fc_contract.cassettes.format import REPLAY_BASE, Cassette, Interaction
from fc_contract.cassettes.replay import Replayer, ReplayMiss, request_key
from fc_contract.http.api import LIST_PATH
from fc_contract.sdk.adapters import Outcome, Sdk


@dataclass
class SdkReport:
    """The line the run's summary prints for one SDK."""

    name: str
    version: str
    requests_matched: int = 0
    fields_round_tripped: int = 0
    defects: list[str] = field(default_factory=list)

    def line(self) -> str:
        defects = "; ".join(self.defects) if self.defects else "none"
        return (f"{self.name} {self.version}: {self.requests_matched} requests matched, "
                f"{self.fields_round_tripped} fields round-tripped, defects: {defects}")




@dataclass
class Call:
    """One recorded interaction as the SDK replayed it."""

    interaction: Interaction
    service: str
    function: str
    limit: int | None
    next_token: str | None
    headers: dict[str, str]
    sent: requests.PreparedRequest | None = None
    outcome: Outcome | None = None

    @property
    def answered(self) -> bool:
        """The SDK sent a request the recording answers (one it sent otherwise is sdk.request's verdict)."""
        return not (self.outcome is not None and (self.outcome.error or "").startswith(ReplayMiss.__name__))

    @property
    def label(self) -> str:
        query = f"?{self.interaction.query}" if self.interaction.query else ""
        return f"{self.interaction.method} {self.interaction.path}{query} ({self.interaction.status})"

    def recorded_json(self) -> Any:
        return self.interaction.json()


def expressible(interaction: Interaction) -> Call | None:
    """The SDK call that sends this request, or None when no SDK call can (odd queries, other methods)."""
    match = LIST_PATH.match(interaction.path) if not interaction.path.endswith("/") else None
    if interaction.method != "GET" or not match or interaction.error is not None:
        return None
    pairs = parse_qsl(interaction.query, keep_blank_values=True)
    names = [name for name, _ in pairs]
    if len(set(names)) != len(names) or not set(names) <= {"limit", "nextToken"}:
        return None
    query = dict(pairs)
    if "limit" in query and not re.fullmatch(r"-?[0-9]{1,9}", query["limit"]):
        return None
    headers = {k: v for k, v in interaction.request_headers.items() if k.lower().startswith("x-fc-")}
    return Call(interaction, unquote(match[1]), unquote(match[2]),
                int(query["limit"]) if "limit" in query else None, query.get("nextToken"), headers)


def calls_of(cassettes: list[Cassette]) -> list[Call]:
    """Every distinct expressible interaction of the cassettes (same request and answer: once)."""
    seen: set[Any] = set()
    calls = []
    for cassette in cassettes:
        for interaction in cassette.interactions:
            key = (request_key(interaction.method, interaction.path, interaction.query), interaction.status,
                   interaction.body)
            call = expressible(interaction)
            if call is not None and key not in seen:
                seen.add(key)
                calls.append(call)
    return calls


def replay(sdk: Sdk, call: Call) -> Call:
    """Send `call` through the SDK against exactly its recorded answer; keeps the first request it sent."""
    replayer = Replayer([Cassette(Path("<sdk>"), {}, [call.interaction])], REPLAY_BASE)
    replayer.start()
    try:
        call.outcome = sdk.call(call.service, call.function, call.limit, call.next_token, call.headers)
        call.sent = replayer.mock.calls[0].request if replayer.mock.calls else None
    finally:
        replayer.stop()
    return call


def without_nulls(value: Any) -> Any:
    """null and absent say the same; drop nulls so that a model that omits them compares equal."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def differences(recorded: Any, parsed: Any, where: str = "") -> list[str]:
    """Every field where the SDK's model differs from the recorded JSON, by path."""
    if isinstance(recorded, dict) and isinstance(parsed, dict):
        found = []
        for key in sorted(set(recorded) | set(parsed)):
            path = f"{where}.{key}" if where else key
            if key not in parsed:
                found.append(f"{path}: recorded {recorded[key]!r}, the SDK's model has nothing")
            elif key not in recorded:
                found.append(f"{path}: not recorded, the SDK's model has {parsed[key]!r}")
            else:
                found += differences(recorded[key], parsed[key], path)
        return found
    if isinstance(recorded, list) and isinstance(parsed, list) and len(recorded) == len(parsed):
        return [d for i, (a, b) in enumerate(zip(recorded, parsed, strict=True))
                for d in differences(a, b, f"{where}[{i}]")]
    return [] if recorded == parsed else [f"{where or 'body'}: recorded {recorded!r}, the SDK's model has {parsed!r}"]


def leaves(value: Any) -> int:
    """How many scalar fields a JSON value holds."""
    if isinstance(value, dict):
        return sum(leaves(v) for v in value.values())
    if isinstance(value, list):
        return sum(leaves(v) for v in value)
    return 1
