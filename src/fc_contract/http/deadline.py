"""One wall-clock deadline per request (connect, headers and body together) that no server can stretch.

Socket timeouts bound each read, not their sum: a server that drips one byte of a header or body
every half second never trips them. A timer shuts down the socket the requesting thread is blocked
on when the deadline passes; the blocked read then fails at once, and the client says why.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_IN_USE: dict[int, socket.socket] = {}  # thread id -> the socket its current request reads from


class _Tracked:
    """Registers its socket for the calling thread before waiting for the response."""

    sock: socket.socket | None

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        if self.sock is not None:
            _IN_USE[threading.get_ident()] = self.sock
        return super().getresponse(*args, **kwargs)  # type: ignore[misc]


class _HTTPConnection(_Tracked, HTTPConnection):
    pass


class _HTTPSConnection(_Tracked, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class _DeadlineAdapter(HTTPAdapter):
    """requests' adapter whose connections can be cut by `deadline`."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


def install(session: Any) -> None:
    """Mount the adapter for http and https, unless the session was given adapters of its own."""
    for prefix in ("http://", "https://"):
        if type(session.get_adapter(prefix)) is HTTPAdapter:
            session.mount(prefix, _DeadlineAdapter())


@contextmanager
def deadline(seconds: float) -> Iterator[Callable[[], bool]]:
    """Cut the calling thread's request after `seconds`; yields a function that says whether it was cut."""
    ident, fired = threading.get_ident(), threading.Event()

    def expire() -> None:
        fired.set()
        sock = _IN_USE.get(ident)
        if sock is not None:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(max(seconds, 0.0), expire)
    timer.daemon = True
    timer.start()
    try:
        yield fired.is_set
    finally:
        timer.cancel()
        _IN_USE.pop(ident, None)
