"""The one HTTP client every clause sends through: bounded, counted, recorded, never raising."""

from __future__ import annotations

import json
import shlex
import time
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import requests

from fc_contract.spec import OPERATION_PATH, ShapeReport, Spec

Query = Sequence[tuple[str, str]]
# Left out of curl: signatures (stale on replay) and what any HTTP client sends by itself.
HIDDEN_HEADERS = ("authorization", "x-acs-", "x-fc-security-token", "x-fc-date", "date", "user-agent",
                  "accept-encoding", "accept", "connection", "x-schemathesis-testcaseid")


class RunAborted(Exception):
    """A reason to stop the whole run with one verdict; `clause` names it in the report."""

    clause = "run"


class BudgetExceeded(RunAborted):
    """The run has sent as many requests as --fc-max-requests allows."""

    clause = "budget"


class TargetUnresponsive(RunAborted):
    """Several requests in a row got no response: going on would only wait out more timeouts."""

    clause = "target"


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
    elapsed: float = 0.0
    shape: ShapeReport | None = None
    response: requests.Response | None = field(default=None, repr=False)

    def json(self) -> Any:
        """The parsed body, or None when there is none or it is not JSON."""
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)

    def curl(self) -> str:
        """A curl command that sends the same request (signature headers left out)."""
        parts = ["curl", "-sS", "-i"]
        if self.method != "GET":
            parts += ["-X", self.method]
        for name, value in self.sent_headers.items():
            if not name.lower().startswith(HIDDEN_HEADERS):
                parts += ["-H", f"{name}: {value}"]
        parts.append(self.url)
        return " ".join(shlex.quote(p) for p in parts)

    def describe(self) -> str:
        """One line on what came back."""
        if self.error is not None:
            return f"no usable response ({self.error})"
        data = self.json()
        if isinstance(data, dict) and "ErrorCode" in data:
            return f"{self.status} {data.get('ErrorCode')}: {str(data.get('ErrorMessage'))[:120]}"
        if isinstance(data, dict) and isinstance(data.get("configs"), list):
            token = f"nextToken {data['nextToken']!r}" if "nextToken" in data else "no nextToken"
            return f"{self.status} with {len(data['configs'])} configs, {token}"
        return f"{self.status} {self.header('content-type') or 'no content type'}: {self.body[:120]!r}"


@dataclass
class Limits:
    """How long and how much one request may take."""

    connect_timeout: float = 10.0
    read_timeout: float = 10.0
    total_timeout: float = 30.0
    max_body: int = 5 * 1024 * 1024
    max_requests: int = 2000
    max_silent: int = 3  # requests in a row without a response before the run stops


class Client:
    """Sends requests to one target; validates list responses against the description on receipt."""

    def __init__(self, base_url: str, spec: Spec, session: requests.Session | None = None,
                 limits: Limits | None = None, history_size: int = 5000) -> None:
        self.base_url = base_url.rstrip("/")
        self.spec = spec
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = "fc-contract"
        self.limits = limits or Limits()
        self.clause = ""
        self.counts: Counter[str] = Counter()
        self.history: deque[Exchange] = deque(maxlen=history_size)
        self.silent = 0
        self.recording: list[Exchange] | None = None  # every exchange, when recording cassettes

    @property
    def sent(self) -> int:
        return sum(self.counts.values())

    def list_path(self, service: str, function: str) -> str:
        return OPERATION_PATH.format(serviceName=quote(service, safe=""), functionName=quote(function, safe=""))

    def list(self, service: str, function: str, query: Query = (), headers: dict[str, str] | None = None) -> Exchange:
        """One ListFunctionAsyncInvokeConfigs call with exactly the query given (in that order)."""
        url = self.base_url + self.list_path(service, function)
        if query:
            url += "?" + urlencode(list(query), quote_via=quote)
        return self.send(requests.Request("GET", url, headers=headers or {}))

    def send(self, request: requests.Request) -> Exchange:
        """Send; any failure to get a whole response becomes Exchange.error, never an exception."""
        if self.sent >= self.limits.max_requests:
            raise BudgetExceeded(f"the run has sent {self.sent} requests, the --fc-max-requests budget")
        if self.silent >= self.limits.max_silent:
            last = self.history[-1]
            raise TargetUnresponsive(f"{self.silent} requests in a row got no response, the last: {last.error}; "
                                     f"reproduce: {last.curl()}")
        prepared = self.session.prepare_request(request)
        exchange = Exchange(str(prepared.method), str(prepared.url), dict(prepared.headers), clause=self.clause)
        self.counts[self.clause] += 1
        started = time.monotonic()
        try:
            response = self.session.send(prepared, stream=True, allow_redirects=False,
                                         timeout=(self.limits.connect_timeout, self.limits.read_timeout))
            exchange.status, exchange.headers = response.status_code, dict(response.headers)
            exchange.body = self._read(response, started)
            response._content = exchange.body  # the capped body, for callers that read response.content
            exchange.response = response
        except _TooMuch as exc:
            exchange.error = str(exc)
        except requests.Timeout:
            exchange.error = f"timed out (connect {self.limits.connect_timeout:g}s, read {self.limits.read_timeout:g}s)"
        except requests.ConnectionError as exc:
            exchange.error = f"connection failed: {_root_cause(exc)}"
        except requests.RequestException as exc:
            exchange.error = f"broken response: {_root_cause(exc)}"
        exchange.elapsed = time.monotonic() - started
        self.silent = self.silent + 1 if exchange.error is not None and exchange.status is None else 0
        if exchange.error is None and exchange.status is not None and self._is_list(exchange):
            exchange.shape = self.spec.validate(exchange.status, exchange.headers, exchange.body)
        self.history.append(exchange)
        if self.recording is not None:
            self.recording.append(exchange)
        return exchange

    def _is_list(self, exchange: Exchange) -> bool:
        """A ListFunctionAsyncInvokeConfigs call: what the description judges."""
        return exchange.method == "GET" and "/async-invoke-configs" in exchange.url.split("?")[0]

    def _read(self, response: requests.Response, started: float) -> bytes:
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > self.limits.max_body:
                    raise _TooMuch(f"body larger than {self.limits.max_body // (1024 * 1024)} MiB; stopped reading")
                if time.monotonic() - started > self.limits.total_timeout:
                    raise _TooMuch(f"body still arriving after {self.limits.total_timeout:g}s; stopped reading")
                chunks.append(chunk)
        finally:
            response.close()
        return b"".join(chunks)


class _TooMuch(Exception):
    pass


def _root_cause(exc: BaseException) -> str:
    while exc.__cause__ is not None or exc.__context__ is not None:
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    text = str(exc).split("\n")[0]
    return f"{type(exc).__name__}: {text}"[:200]
