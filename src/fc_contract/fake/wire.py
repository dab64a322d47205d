"""The fake's view of HTTP: a parsed request, a response, and an error in the FC shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

MAX_BODY = 1 << 20


class FCError(Exception):
    """An error answered in the FC shape: {ErrorCode, ErrorMessage} and X-Fc-Request-Id."""

    def __init__(self, status: int, code: str, message: str, headers: list[tuple[str, str]] | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message
        self.headers = headers or []


@dataclass
class Request:
    """The parts of a WSGI request the fake reads."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""
    query_string: str = ""

    @classmethod
    def from_environ(cls, environ: dict[str, Any]) -> Request:
        raw_path = environ.get("PATH_INFO", "") or "/"
        path = raw_path.encode("latin-1", "replace").decode("utf-8", "replace")
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        headers = {k[5:].replace("_", "-").lower(): str(v) for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        if "chunked" in headers.get("transfer-encoding", "").lower():  # what @alicloud/fc-open20210406 sends
            body = read_chunked(environ["wsgi.input"])
        else:
            try:
                length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_BODY)
            except ValueError:
                length = 0
            body = environ["wsgi.input"].read(length) if length > 0 else b""
        return cls(environ.get("REQUEST_METHOD", "GET").upper(), path, query, headers, body,
                   environ.get("QUERY_STRING", ""))


def read_chunked(stream: Any) -> bytes:
    """A body framed with Transfer-Encoding: chunked (RFC 9112, section 7.1), read to its end; at most MAX_BODY
    bytes kept, and a malformed frame ends it (the body then fails the signature or the JSON check)."""
    body = b""
    while len(body) <= MAX_BODY:
        line = stream.readline(1024)
        try:
            size = int(line.split(b";")[0].strip() or b"x", 16)
        except ValueError:
            break
        if size == 0:
            while stream.readline(1024).strip():  # the trailer fields, up to the empty line
                pass
            break
        body += stream.read(min(size, MAX_BODY + 1 - len(body)))
        stream.readline(1024)  # the CRLF after the chunk
    return body[:MAX_BODY]


@dataclass
class Response:
    """A status, headers and a body."""

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)


REASONS = {200: "OK", 204: "No Content", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed", 429: "Too Many Requests", 500: "Internal Server Error",
           503: "Service Unavailable"}
