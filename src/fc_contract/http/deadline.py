"""One wall-clock deadline per request (connect, headers and body together) that no server can stretch.

Socket timeouts bound each read, not their sum: a server that drips one byte of a header or body
every half second never trips them. A watchdog thread shuts down the socket the requesting thread is
blocked on when the deadline passes; the blocked read then fails at once, and the client says why.
"""

from __future__ import annotations

import heapq
import itertools
import socket
import threading
import time
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


class _Watchdog:
    """One daemon thread that runs each armed callback when its time comes, unless it was cancelled first.

    A thread per request (threading.Timer) cost as much as a request to an app in the same process.
    """

    def __init__(self) -> None:
        self._due: list[tuple[float, int, Callable[[], None]]] = []
        self._cancelled: set[int] = set()
        self._wake = threading.Condition()
        self._numbers = itertools.count()
        self._thread: threading.Thread | None = None

    def arm(self, seconds: float, callback: Callable[[], None]) -> int:
        with self._wake:
            number = next(self._numbers)
            heapq.heappush(self._due, (time.monotonic() + max(seconds, 0.0), number, callback))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="fc-contract-deadlines", daemon=True)
                self._thread.start()
            if self._due[0][1] == number:
                # Woken only for a deadline earlier than the one it sleeps until: a wake at every request made the
                # requesting thread hand it the GIL each time (3 to 5% of an in-process run's time, measured).
                self._wake.notify()
            return number

    def cancel(self, number: int) -> None:
        with self._wake:
            self._cancelled.add(number)
            if len(self._cancelled) > 64 and 2 * len(self._cancelled) > len(self._due):
                # Cancelled deadlines leave the heap when they come due; many requests inside one deadline's time
                # would pile them up, so most cancelled ones go at once.
                self._due = [entry for entry in self._due if entry[1] not in self._cancelled]
                heapq.heapify(self._due)
                self._cancelled.clear()

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._due and self._due[0][1] in self._cancelled:
                    self._cancelled.discard(heapq.heappop(self._due)[1])
                if not self._due:
                    self._wake.wait()
                    continue
                when, _, callback = self._due[0]
                if when > time.monotonic():
                    self._wake.wait(when - time.monotonic())
                    continue
                heapq.heappop(self._due)
            callback()


_WATCHDOG = _Watchdog()


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

    armed = _WATCHDOG.arm(seconds, expire)
    try:
        yield fired.is_set
    finally:
        _WATCHDOG.cancel(armed)
        _IN_USE.pop(ident, None)
