"""One request and what came back, with what the reports need: a curl command and a one-line summary."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from typing import Any

import requests

from fc_contract.http.redact import environment_redactor
from fc_contract.http.shown import escape

# Left out of curl: signatures (stale on replay) and what any HTTP client sends by itself.
HIDDEN_HEADERS = ("authorization", "host", "x-acs-", "x-fc-security-token", "x-fc-date", "date", "user-agent",
                  "accept-encoding", "accept", "connection", "x-schemathesis-testcaseid")


class StandInError(Exception):
    """An error of a stand-in transport (replay), not an answer of a server: the client lets it through."""


class RecordedFailure(requests.ConnectionError):
    """A replayed exchange whose recorded run got no whole response: the client reports the recorded error."""


def parse_json(body: bytes) -> Any:
    """A body parsed as JSON, or None when it is empty or not JSON; never raises, whatever a server sent."""
    try:
        return json.loads(body) if body else None
    except (ValueError, RecursionError):  # not JSON, or nested deeper than a parser will follow
        return None


@dataclass
class ShapeReport:
    """What judging one response against the description found (fc_contract.judging.spec fills it)."""

    problems: list[str] = field(default_factory=list)
    undocumented: set[str] = field(default_factory=set)


@dataclass
class Exchange:
    """One request and what came back: a response, or the reason there was none."""

    method: str
    url: str
    sent_headers: dict[str, str]
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None
    clause: str = ""
    shape: ShapeReport | None = None
    sent: bool = True  # False: the request could not even be prepared (nothing went out, nothing to record)
    sent_body: bytes = b""  # the request's body (a Put's JSON)
    misread: dict[str, str] = field(default_factory=dict)  # official client -> what it could not read of the body

    def json(self) -> Any:
        """The parsed body, or None when there is none or it is not JSON."""
        return parse_json(self.body)

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)

    def curl(self) -> str:
        """A curl command that sends the same request (signature headers left out, secrets redacted)."""
        redactor = environment_redactor()
        parts = ["curl", "-sS", "-i"]
        if self.method != "GET":
            parts += ["-X", self.method]
        for name, value in self.sent_headers.items():
            if not name.lower().startswith(HIDDEN_HEADERS):
                parts += ["-H", f"{name}: {redactor.header(name, value)}"]
        if self.sent_body:
            parts += ["--data-binary", redactor.text(self.sent_body.decode("utf-8", "replace"))]
        parts.append(redactor.text(self.url))
        return " ".join(shlex.quote(p) for p in parts)

    def describe(self) -> str:
        """One line on what came back."""
        if self.error is not None:
            return f"no usable response ({self.error})"
        data = self.json()
        if isinstance(data, dict) and "ErrorCode" in data:
            code, message = escape(str(data.get("ErrorCode"))[:80]), escape(str(data.get("ErrorMessage"))[:120])
            return f"{self.status} {code}: {message}"
        if isinstance(data, dict) and isinstance(data.get("configs"), list):
            token = f"nextToken {data['nextToken']!r}" if "nextToken" in data else "no nextToken"
            return f"{self.status} with {len(data['configs'])} configs, {token}"
        return f"{self.status} {escape(self.header('content-type') or 'no content type')[:80]}: {self.body[:120]!r}"
