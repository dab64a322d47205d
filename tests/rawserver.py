"""A loopback server that answers every connection with given raw bytes, paced: for hostile responses."""

from __future__ import annotations

import itertools
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

Chunk = bytes | float  # bytes to send, or seconds to wait before the next chunk


@contextmanager
def raw_server(chunks: Sequence[Chunk] | Callable[[], Sequence[Chunk]]) -> Iterator[str]:
    """Serve `chunks` (or what the callable returns, per connection) after reading the request; yields the URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    stop = threading.Event()

    def answer(conn: socket.socket) -> None:
        with conn:
            try:
                conn.settimeout(5)
                conn.recv(65536)
                for chunk in chunks() if callable(chunks) else chunks:
                    if stop.is_set():
                        return
                    if isinstance(chunk, float):
                        time.sleep(chunk)
                    else:
                        conn.sendall(chunk)
            except OSError:
                return

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=answer, args=(conn,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        listener.close()


def http(status: str = "200 OK", headers: Sequence[tuple[str, str]] = (), body: bytes = b"") -> bytes:
    """A whole HTTP/1.1 response with Content-Length and Connection: close."""
    lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers), f"Content-Length: {len(body)}",
             "Connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def rotating(responses: Sequence[Sequence[Chunk]]) -> Callable[[], Sequence[Chunk]]:
    """Each connection gets the next of `responses`, round robin."""
    turn = itertools.cycle(responses)
    return lambda: next(turn)
