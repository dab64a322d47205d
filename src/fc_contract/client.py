"""The one HTTP client every clause sends through: bounded, counted, recorded, never raising."""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import requests

from fc_contract.exchange import Exchange
from fc_contract.spec import OPERATION_PATH, Spec
from fc_contract.throttle import retry_delay

Query = Sequence[tuple[str, str]]
AUTH_ERRORS = ("SignatureNotMatch", "InvalidAccessKeyID", "AccessDenied", "RequestTimeTooSkewed",
               "InvalidSecurityToken")
THROTTLED = (429, 503)


class RunAborted(Exception):
    """A reason to stop the whole run with one verdict; `clause` names it in the report."""

    clause = "run"


class BudgetExceeded(RunAborted):
    """The run has sent as many requests as --fc-max-requests allows."""

    clause = "budget"


class AuthenticationFailed(RunAborted):
    """The target refused the credentials or the signature: every further request would be refused too."""

    clause = "auth"


class UnsafeRequest(RunAborted):
    """A request that could change the target, on a read-only (live) run."""

    clause = "safety"


class TargetUnresponsive(RunAborted):
    """Several requests in a row got no response: going on would only wait out more timeouts."""

    clause = "target"


@dataclass
class Limits:
    """How long and how much one request may take."""

    connect_timeout: float = 10.0
    read_timeout: float = 10.0
    total_timeout: float = 30.0
    max_body: int = 5 * 1024 * 1024
    max_requests: int = 2000
    max_silent: int = 3  # requests in a row without a response before the run stops
    retries: int = 3  # of a 429 or 503, with exponential backoff and jitter, honouring Retry-After
    backoff: float = 0.5  # the first retry's delay when there is no Retry-After
    max_delay: float = 20.0


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
        self.read_only = False  # refuse anything but GET (a live run)
        self.retried: list[str] = []
        self.sleep: Callable[[float], None] = time.sleep

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
        """Send, retrying throttled answers; a failure to get a response becomes Exchange.error."""
        if self.read_only and request.method not in ("GET", "HEAD"):
            raise UnsafeRequest(f"refused to send {request.method} {request.url}: a live run sends GET only")
        for attempt in range(self.limits.retries + 1):
            exchange = self._send_once(request)
            if exchange.status not in THROTTLED or attempt == self.limits.retries:
                break
            delay = retry_delay(exchange.header("Retry-After"), attempt, self.limits.backoff, self.limits.max_delay)
            self.retried.append(f"{exchange.clause or '-'}: {exchange.method} {exchange.url} got "
                                f"{exchange.describe()}; retry {attempt + 1} of {self.limits.retries} "
                                f"after {delay:.1f}s")
            self.sleep(delay)
        data = exchange.json()
        if exchange.status == 403 and isinstance(data, dict) and data.get("ErrorCode") in AUTH_ERRORS:
            raise AuthenticationFailed(f"the target refused the request: {exchange.describe()}; check the "
                                       "credentials (ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET), --fc-signing and the clock; "
                                       f"reproduce: {exchange.curl()}")
        return exchange

    def _send_once(self, request: requests.Request) -> Exchange:
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
        except _TooMuch as exc:
            exchange.error = str(exc)
        except requests.Timeout:
            exchange.error = f"timed out (connect {self.limits.connect_timeout:g}s, read {self.limits.read_timeout:g}s)"
        except requests.ConnectionError as exc:
            exchange.error = f"connection failed: {_root_cause(exc)}"
        except requests.RequestException as exc:
            exchange.error = f"broken response: {_root_cause(exc)}"
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
