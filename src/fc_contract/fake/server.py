"""A real threaded HTTP server for any WSGI app, bound to loopback by default."""

from __future__ import annotations

import io
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

CONNECTION_KEY = "fc_contract.connection"


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        """Keep test output clean: no access log."""

    def get_environ(self) -> dict[str, Any]:
        """As wsgiref's, without the text/plain it makes up for a request that sent no Content-Type."""
        environ = dict(super().get_environ())
        if self.headers.get("content-type") is None:
            environ.pop("CONTENT_TYPE", None)
        environ[CONNECTION_KEY] = self.connection  # for the connection-reset fault
        return environ

    def get_stderr(self) -> io.StringIO:
        """wsgiref reports a client that went away mid-body (a fault's purpose) as a traceback: drop it."""
        return io.StringIO()


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection the client (or a reset fault) dropped is no news: no traceback on stderr."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class Server:
    """A WSGI app served on a thread; `app` can be swapped between tests (reset, not restarted)."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self._httpd = make_server(host, port, self._dispatch, server_class=_ThreadingServer,
                                  handler_class=_QuietHandler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fc-fake", daemon=True)

    def _dispatch(self, environ: dict[str, Any], start_response: Any) -> Any:
        return self.app(environ, start_response)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host.decode() if isinstance(host, bytes) else host}:{port}"

    def start(self) -> Server:
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@contextmanager
def serve(app: Any, host: str = "127.0.0.1", port: int = 0) -> Iterator[Server]:
    """Serve `app` on a background thread for the duration of the block."""
    server = Server(app, host, port).start()
    try:
        yield server
    finally:
        server.stop()
