"""Recorded interactions replayed through an SDK: what it sent, what it made of the answer."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from unittest.mock import patch
from urllib.parse import parse_qsl, unquote

import requests

from fc_contract.cassettes.format import REPLAY_BASE, Cassette, Interaction
from fc_contract.cassettes.replay import MISSED, Recorded, Replayer, request_key
from fc_contract.http.api import LIST_PATH
from fc_contract.sdk.adapters import Outcome, Sdk, Sent

if TYPE_CHECKING:
    from fc_contract.sdk import aio


@dataclass
class SdkReport:
    """The line the run's summary prints for one SDK."""

    name: str
    version: str
    requests_matched: dict[str, int] = field(default_factory=dict)  # by mode: sync, async
    fields_round_tripped: dict[str, int] = field(default_factory=dict)
    defects: list[str] = field(default_factory=list)
    versions: set[str] = field(default_factory=set)  # the API version prefixes of the paths the SDK sent

    def line(self) -> str:
        defects = "; ".join(dict.fromkeys(self.defects)) if self.defects else "none"
        modes = sorted(self.requests_matched.keys() | self.fields_round_tripped.keys(), key=("sync", "async").index)
        counts = "; ".join(f"{mode} {self.requests_matched.get(mode, 0)} requests matched, "
                           f"{self.fields_round_tripped.get(mode, 0)} fields round-tripped" for mode in modes)
        sent = f", sent API version {', '.join(sorted(self.versions))}" if self.versions else ""
        return f"{self.name} {self.version}: {counts or 'nothing replayed'}{sent}, defects: {defects}"




@dataclass
class Call:
    """One recorded interaction as the SDK replayed it."""

    interaction: Interaction
    service: str
    function: str
    limit: int | None
    next_token: str | None
    headers: dict[str, str]
    sent: Sent | None = None
    outcome: Outcome | None = None

    @property
    def answered(self) -> bool:
        """The SDK sent a request the recording answers (one it sent otherwise is sdk.request's verdict)."""
        return not (self.outcome is not None and MISSED in (self.outcome.error or ""))

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


def replay(sdk: Sdk, call: Call, mode: str = "sync", stand: Stand | None = None) -> Call:
    """Send `call` through the SDK (its sync or async method) against exactly its recorded answer.

    `stand`: the patched HTTP library the call goes through (one of its own without it).
    """
    if stand is None:
        with Stand(mode) as own:
            return replay(sdk, call, mode, own)
    send, sent = stand.serve(sdk, [call.interaction])
    call.outcome = send(call.service, call.function, call.limit, call.next_token, call.headers)
    call.sent = sent[0] if sent else None
    return call


def replay_all(sdk: Sdk, calls: list[Call], mode: str = "sync") -> list[Call]:
    """Each of `calls` replayed as `replay` does, through one Stand (one patch, and one event loop)."""
    with Stand(mode) as stand:
        return [replay(sdk, call, mode, stand) for call in calls]


Send = Callable[[str, str, "int | None", "str | None", dict[str, str]], Outcome]


class Stand:
    """The SDK's HTTP library (requests for sync, aiohttp for async) patched once, for any number of calls."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self._stack = ExitStack()
        self._runner: asyncio.Runner | None = None
        self._aio: aio.Stand | None = None
        self._replayer: Replayer | None = None

    def __enter__(self) -> Stand:
        if self.mode == "async":
            from fc_contract.sdk import aio  # aiohttp, only where an SDK's async calls are replayed: 0.15 s to import

            self._runner = self._stack.enter_context(asyncio.Runner())
            self._aio = self._stack.enter_context(aio.Stand(REPLAY_BASE))
        else:
            self._replayer = Replayer([], REPLAY_BASE)
            self._replayer.start()
            self._stack.callback(self._replayer.stop)
            self._stack.enter_context(_untrusting_sessions())
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def serve(self, sdk: Sdk, interactions: list[Interaction]) -> tuple[Send, list[Sent]]:
        """The SDK's call, answered from now on by `interactions` in recorded order; and what it sent, as it goes."""
        if self._aio is not None and self._runner is not None:
            run = self._runner.run
            return (lambda *args: run(sdk.call_async(*args))), self._aio.serve(interactions)
        replayer = self._replayer
        assert replayer is not None, "Stand.serve outside its with block"
        replayer.registry.reset()
        for interaction in interactions:
            replayer.mock.add(Recorded(interaction, REPLAY_BASE))
        sent: list[Sent] = []

        def send(*args: Any) -> Outcome:
            before = len(replayer.mock.calls)
            outcome = sdk.call(*args)
            sent.extend(Sent(str(c.request.method), str(c.request.url), c.request.headers)
                        for c in list(replayer.mock.calls)[before:])
            return outcome

        return send, sent


@contextmanager
def _untrusting_sessions() -> Iterator[None]:
    """The SDKs' requests sessions (one a call) ignore proxy variables and netrc: a replay reaches no network, and
    what an SDK sends does not depend on the machine's environment (looking it up was a fifth of a sync replay)."""
    real = requests.Session.__init__

    def init(session: requests.Session) -> None:
        real(session)
        session.trust_env = False

    with patch.object(requests.Session, "__init__", init):
        yield


@contextmanager
def serving(sdk: Sdk, mode: str, interactions: list[Interaction]) -> Iterator[tuple[Send, list[Sent]]]:
    """The SDK's call in `mode`, answered by `interactions` in recorded order; and what it sent, as it goes."""
    with Stand(mode) as stand:
        yield stand.serve(sdk, interactions)


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
