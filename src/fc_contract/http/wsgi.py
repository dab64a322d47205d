"""A requests transport that calls a WSGI app in this process: a server's behaviour without sockets or threads.

Mount it on the session a run sends through (the pytest_fc_contract_session hook) to judge a WSGI app
directly: `session.mount(base_url, WSGIAdapter(app))`. What only a socket shows (timeouts, a connection
reset, a body that never ends) needs the app served for real (fc_contract.fake.server).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

import requests
from requests.adapters import BaseAdapter, HTTPAdapter
from urllib3 import HTTPResponse

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class WSGIAdapter(BaseAdapter):
    """Answers each request with what `app` returns for it."""

    def __init__(self, app: WSGIApp) -> None:
        super().__init__()
        self.app = app
        self._build = HTTPAdapter()  # for build_response: the same Response a socket would have given

    def send(self, request: requests.PreparedRequest, stream: bool = False,
             timeout: float | tuple[float, float] | tuple[float, None] | None = None,
             verify: bool | str = True, cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
             proxies: Mapping[str, str] | None = None) -> requests.Response:
        parts = urlsplit(str(request.url))
        raw: Any = request.body
        body = raw.encode() if isinstance(raw, str) else raw or b"" if isinstance(raw, bytes | None) else b"".join(raw)
        environ: dict[str, Any] = {
            "REQUEST_METHOD": str(request.method), "SCRIPT_NAME": "", "PATH_INFO": unquote(parts.path, "latin-1"),
            "QUERY_STRING": parts.query, "SERVER_NAME": parts.hostname or "localhost",
            "SERVER_PORT": str(parts.port or (443 if parts.scheme == "https" else 80)), "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.version": (1, 0), "wsgi.url_scheme": parts.scheme, "wsgi.input": io.BytesIO(body),
            "wsgi.errors": io.StringIO(), "wsgi.multithread": False, "wsgi.multiprocess": False,
            "wsgi.run_once": False, "CONTENT_LENGTH": str(len(body)) if body else "",
        }
        for name, value in request.headers.items():
            key = name.upper().replace("-", "_")
            if key == "CONTENT_TYPE":
                environ["CONTENT_TYPE"] = value
            elif key != "CONTENT_LENGTH":
                environ[f"HTTP_{key}"] = value
        started: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[..., Any]:
            started["status"], started["headers"] = status, headers
            return lambda data: None

        chunks = self.app(environ, start_response)
        try:
            data = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        status, _, reason = str(started["status"]).partition(" ")
        raw = HTTPResponse(body=io.BytesIO(data), headers=started["headers"], status=int(status), reason=reason,
                           preload_content=False, decode_content=False)
        return self._build.build_response(request, raw)

    def close(self) -> None:
        self._build.close()
