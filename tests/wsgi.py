"""A minimal in-process WSGI client for the fake's unit tests."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def call(app: Any, method: str, path: str, query: list[tuple[str, str]] | str = (), body: bytes = b"",  # type: ignore[assignment]
         headers: dict[str, str] | None = None) -> Reply:
    environ: dict[str, Any] = {}
    setup_testing_defaults(environ)
    environ.update({"REQUEST_METHOD": method, "PATH_INFO": path,
                    "QUERY_STRING": query if isinstance(query, str) else urlencode(list(query)),
                    "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)})
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    captured: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]]) -> None:
        captured["status"], captured["headers"] = int(status.split()[0]), dict(response_headers)

    chunks = b"".join(app(environ, start_response))
    return Reply(captured["status"], captured["headers"], chunks)
