"""Fault injection for the reference server: slow, hung, broken and hostile answers, on demand.

HTTP faults wrap any WSGI app (`Faulty`); token faults are variants of the fake itself.
"""

from __future__ import annotations

import itertools
import json
import os
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from fc_contract.fake.app import FakeFC
from fc_contract.fake.server import CONNECTION_KEY
from fc_contract.fake.store import AsyncConfig, Store
from fc_contract.fake.wire import Request, Response

StartResponse = Callable[..., Any]
HTTP_FAULTS = ("latency", "hang", "html-500", "reset", "truncated", "big", "not-json", "throttle")
TOKEN_FAULTS = ("endless-tokens", "cyclic-tokens")
SOCKET_FAULTS = ("hang", "reset", "truncated", "latency")  # what only a socket shows: timeouts, a reset, a short body


@dataclass(frozen=True)
class Fault:
    """One fault: its kind, an argument (seconds, MiB, Retry-After), and every how many requests it fires."""

    kind: str
    arg: float | None = None
    every: int = 1

    @classmethod
    def parse(cls, text: str) -> Fault:
        """KIND[:ARG][@EVERY], e.g. latency:0.5, html-500@3, throttle:1@5, endless-tokens."""
        spec, _, every = text.partition("@")
        kind, _, arg = spec.partition(":")
        if kind not in HTTP_FAULTS + TOKEN_FAULTS:
            raise ValueError(f"unknown fault {kind!r}; one of {', '.join(HTTP_FAULTS + TOKEN_FAULTS)}")
        try:
            fault = cls(kind, float(arg) if arg else None, int(every) if every else 1)
        except ValueError:
            raise ValueError(f"fault {text!r}: ARG must be a number and EVERY a whole number") from None
        if fault.every < 1:
            raise ValueError(f"fault {text!r}: EVERY must be 1 or more")
        return fault


class Faulty:
    """WSGI middleware: the n-th request meets every HTTP fault whose `every` divides n."""

    def __init__(self, app: Callable[..., Iterable[bytes]], faults: list[Fault]) -> None:
        self.app = app
        self.faults = [f for f in faults if f.kind in HTTP_FAULTS]
        self.counter = itertools.count(1)
        self.released = threading.Event()  # set it to let hung requests go

    @property
    def needs_socket(self) -> bool:
        """True when a fault shows only over a real connection (fc_contract.http.wsgi cannot call it in-process)."""
        return any(f.kind in SOCKET_FAULTS for f in self.faults)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        number = next(self.counter)
        for fault in self.faults:
            if number % fault.every == 0:
                answer = self._apply(fault, environ, start_response)
                if answer is not None:
                    return answer
        return self.app(environ, start_response)

    def _apply(self, fault: Fault, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes] | None:
        if fault.kind == "latency":
            time.sleep(fault.arg if fault.arg is not None else 1.0)
            return None
        if fault.kind == "hang":
            self.released.wait(fault.arg if fault.arg is not None else 300.0)
            return None
        if fault.kind == "reset":
            connection: socket.socket = environ[CONNECTION_KEY]
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            os.close(connection.detach())  # linger 0: the client sees a reset; the server's writes now fail
            return []
        if fault.kind == "html-500":
            body = b"<html><body><h1>500 Internal Server Error</h1></body></html>"
            start_response("500 Internal Server Error", [("Content-Type", "text/html"),
                                                         ("Content-Length", str(len(body)))])
            return [body]
        if fault.kind == "truncated":
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "4096")])
            return [b'{"configs": [{"createdTime": "2024-']
        if fault.kind == "big":
            return self._big(int((fault.arg or 10) * 1024 * 1024), start_response)
        if fault.kind == "not-json":
            start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
            return [b"OK"]
        retry_after = "0" if fault.arg is None else f"{fault.arg:g}"  # throttle
        body = json.dumps({"ErrorCode": "ResourceExhausted", "ErrorMessage": "too many requests"}).encode()
        start_response("429 Too Many Requests", [("Content-Type", "application/json"), ("Retry-After", retry_after),
                                                 ("X-Fc-Request-Id", "throttled"), ("Content-Length", str(len(body)))])
        return [body]

    def _big(self, size: int, start_response: StartResponse) -> Iterator[bytes]:
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(size))])
        chunk = b" " * 65536
        sent = 0
        while sent < size:
            piece = chunk[: size - sent]
            sent += len(piece)
            yield piece


class EndlessTokens(FakeFC):
    """Never says it is the last page: past the end come empty pages, each with a fresh token."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.issued = 0

    def next_token(self, page: list[AsyncConfig], more: bool, service: str, function: str) -> str | None:
        self.issued += 1
        return self.tokens.encode(service, function, page[-1].qualifier if more else f"~{self.issued}")


class CyclicTokens(FakeFC):
    """The last page hands back the first page's token: the walk goes round for ever."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.first: dict[int, str] = {}

    def list_configs(self, request: Request, service: str, function: str) -> Response:
        response = super().list_configs(request, service, function)
        body = json.loads(response.body)
        key = len(body["configs"])
        if "nextToken" not in request.query and body.get("nextToken"):
            self.first[key] = body["nextToken"]
        elif body.get("nextToken") == "" and key in self.first:
            body["nextToken"] = self.first[key]
        return self.json(200, body)


def build(store: Store, faults: list[Fault], **options: Any) -> Faulty | FakeFC:
    """The fake with the token faults chosen, wrapped in the HTTP faults (when there are any)."""
    kinds = {f.kind for f in faults}
    cls = EndlessTokens if "endless-tokens" in kinds else CyclicTokens if "cyclic-tokens" in kinds else FakeFC
    app = cls(store, **options) if cls is FakeFC else cls(store)
    return Faulty(app, faults) if any(f.kind in HTTP_FAULTS for f in faults) else app
