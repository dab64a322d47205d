"""Replay: recorded interactions served through `responses`, offline; a miss is a clear failure."""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import requests
import responses
from responses import matchers
from responses.registries import FirstMatchRegistry

from fc_contract.cassettes.format import Cassette, Interaction, remedy
from fc_contract.http.api import canonical_path
from fc_contract.http.exchange import RecordedFailure, StandInError
from fc_contract.settings import flag

MISSED = "no recorded response for"  # how every replay miss begins, whichever library the request went through


class ReplayMiss(StandInError):
    """The suite sent a request no cassette holds."""


class NetworkDuringReplay(ReplayMiss):
    """Something tried to open a connection while replaying."""


def request_key(method: str, path: str, query: str) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    """What a replayed request is matched on: method, path and the sorted query pairs."""
    return method.upper(), path, tuple(sorted(parse_qsl(query, keep_blank_values=True)))


class Recorded(responses.Response):
    """A recorded response, served for a request with the same method, path and normalised query."""

    def __init__(self, interaction: Interaction, base_url: str) -> None:
        body: bytes | Exception = interaction.body if interaction.error is None else RecordedFailure(interaction.error)
        super().__init__(interaction.method, base_url + interaction.path, body=body,
                         status=interaction.status or 200, headers=dict(interaction.headers), content_type=None,
                         match=[matchers.query_string_matcher(interaction.query or None)])
        self.clause = interaction.clause
        self.key = request_key(interaction.method, interaction.path, interaction.query)

    def _url_matches(self, url: Any, other: str) -> bool:
        """Either API version's path matches the recording's (aliyun-fc2 sends 2016-08-15 unless told otherwise)."""
        parts = urlsplit(other)
        return bool(super()._url_matches(url, urlunsplit(parts._replace(path=canonical_path(parts.path)))))


class _CassetteRegistry(FirstMatchRegistry):
    """Serves the current clause's recordings first, then any clause's; each in recorded order, the last repeating.

    A request nothing matches gets a response whose callback raises ReplayMiss, so the failure names
    the request and the remedy instead of a connection error.
    """

    def __init__(self) -> None:
        super().__init__()
        self.current_clause: Callable[[], str] = lambda: ""
        self.source = "the cassette directory"
        self.index: dict[tuple[str, str, tuple[tuple[str, str], ...]], list[Recorded]] = {}
        self.missed: dict[str, list[str]] = {}  # clause -> the requests it sent that no cassette holds

    def add(self, response: responses.BaseResponse) -> responses.BaseResponse:
        added = super().add(response)
        if isinstance(added, Recorded):
            self.index.setdefault(added.key, []).append(added)
        return added

    def reset(self) -> None:
        super().reset()
        self.index = {}

    def find(self, request: requests.PreparedRequest) -> tuple[responses.BaseResponse | None, list[str]]:
        parts = urlsplit(str(request.url))
        key = request_key(str(request.method), canonical_path(parts.path), parts.query)  # either API version
        clause = self.current_clause()
        chosen = self._choose(self.index.get(key, []), clause)
        if chosen is not None and chosen.matches(request)[0]:  # the key matched: the matchers almost always do
            return chosen, []
        chosen = self._choose([r for r in self.index.get(key, []) if r.matches(request)[0]], clause)
        return (chosen, []) if chosen is not None else (self._miss(request), [])

    @staticmethod
    def _choose(candidates: list[Recorded], clause: str) -> Recorded | None:
        """The clause's own first, else any clause's; the first not yet served, else the last."""
        own = [r for r in candidates if r.clause == clause] or candidates
        return next((r for r in own if r.call_count == 0), own[-1] if own else None)

    def _miss(self, request: requests.PreparedRequest) -> responses.BaseResponse:
        self.missed.setdefault(self.current_clause(), []).append(f"{request.method} {request.url}")

        def fail(_: Any) -> Any:
            raise ReplayMiss(f"{MISSED} {request.method} {request.url} in the cassettes of "
                             f"{self.source}; the suite now sends a request they lack: {remedy()}")

        return responses.CallbackResponse(str(request.method), str(request.url), callback=fail)


@dataclass(frozen=True)
class Staleness:
    """How a clause's requests differ from its cassette's: the ones it lacks, and recordings never served.

    A recording never served is a difference only after a run that ran every test of the clause.
    """

    missed: list[str]
    unused: int

    def stale(self, complete: bool) -> bool:
        """The cassette no longer matches its clause: it lacks a request, or (after a whole run) holds unsent ones."""
        return bool(self.missed or (complete and self.unused))

    def describe(self, complete: bool) -> str:
        parts = [f"{len(self.missed)} requests it lacks (the first: {self.missed[0]})"] if self.missed else []
        return "; ".join(parts + ([f"{self.unused} recorded requests no longer sent"] if complete and self.unused
                                  else []))


class Replayer:
    """Activates a RequestsMock over the cassettes, and forbids sockets while it runs."""

    def __init__(self, cassettes: list[Cassette], base_url: str) -> None:
        self.mock = responses.RequestsMock(assert_all_requests_are_fired=False, registry=_CassetteRegistry)
        registry = self.mock.get_registry()
        assert isinstance(registry, _CassetteRegistry)
        self.registry = registry
        self.registry.source = ", ".join(sorted({str(c.path.parent) for c in cassettes}))
        for cassette in cassettes:
            for interaction in cassette.interactions:
                self.mock.add(Recorded(interaction, base_url))
        self._saved: dict[str, Any] = {}

    @property
    def active(self) -> bool:
        return bool(self._saved)

    def start(self) -> None:
        """Serve the recordings and refuse sockets (in this process) until `pause` or `stop`."""
        if self.active:
            return
        self.mock.start()
        self._saved = {"connect": socket.socket.connect, "connect_ex": socket.socket.connect_ex}

        def refuse(sock: socket.socket, address: Any) -> Any:
            raise NetworkDuringReplay(f"network access to {address} during replay; replay is offline: "
                                      f"use {flag('target')} to test a live server")

        socket.socket.connect = refuse  # type: ignore[method-assign, assignment]
        socket.socket.connect_ex = refuse  # type: ignore[method-assign, assignment]

    def pause(self) -> None:
        """Put requests and sockets back as they were, keeping the recordings for the next `start`."""
        for name, original in self._saved.items():
            setattr(socket.socket, name, original)
        self._saved = {}
        self.mock.stop(allow_assert=False)

    def stale(self) -> dict[str, Staleness]:
        """Clause -> how the requests it sent differ from what its cassette holds."""
        unused: dict[str, int] = {}
        for recorded in (r for group in self.registry.index.values() for r in group):
            if recorded.call_count == 0:
                unused[recorded.clause] = unused.get(recorded.clause, 0) + 1
        return {clause: Staleness(self.registry.missed.get(clause, []), unused.get(clause, 0))
                for clause in sorted(self.registry.missed.keys() | unused.keys())}

    def stop(self) -> None:
        if self.active:
            self.pause()
        self.mock.reset()
