"""The one HTTP client every clause sends through: bounded, counted, recorded, never raising."""

from __future__ import annotations

import dataclasses
import json
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import requests
from requests.utils import resolve_proxies

from fc_contract.http.api import config_path, list_path
from fc_contract.http.deadline import deadline, install
from fc_contract.http.exchange import Exchange, RecordedFailure, StandInError
from fc_contract.http.stops import THROTTLED, BudgetExceeded, Guard, TargetUnresponsive, UnsafeRequest
from fc_contract.http.throttle import retry_delay
from fc_contract.settings import flag

Query = Sequence[tuple[str, str]]
HISTORY_BODY = 1024  # bytes of each body the run's history keeps


@dataclass
class Limits:
    """How long and how much one request may take."""

    connect_timeout: float = 10.0
    read_timeout: float = 10.0
    total_timeout: float = 30.0
    max_body: int = 5 * 1024 * 1024
    max_requests: int = 2000
    max_silent: int = 3  # requests in a row without a response before the run stops
    max_refused: int = 3  # requests in a row refused (401, 403 auth errors) before the run stops
    max_throttled: int = 5  # requests in a row still throttled after their retries before the run stops
    max_seconds: float = 600.0  # wall clock for the whole run, from the client's first use
    max_waiting: float = 120.0  # all retry waits of the run together
    retries: int = 3  # of a 429 or 503, with exponential backoff and jitter, honouring Retry-After
    backoff: float = 0.5  # the first retry's delay when there is no Retry-After
    max_delay: float = 20.0


class Client:
    """Sends requests to one target, bounded and counted; `inspect` sees each response as it arrives.

    The client knows no contract: the judging layer passes `inspect` (the description's check of a list
    response), and what it writes into the exchange reaches the history and the recording with it.
    """

    def __init__(self, base_url: str, session: requests.Session | None = None, limits: Limits | None = None,
                 history_size: int = 5000, *, inspect: Callable[[Exchange], None] | None = None,
                 read_only: bool = False) -> None:
        self.base_url = base_url.rstrip("/")
        self.inspect = inspect
        self.session = session or requests.Session()
        install(self.session)
        self.session.headers["User-Agent"] = "fc-contract"
        self.limits = limits or Limits()
        self.clause = ""
        self.counts: Counter[str] = Counter()
        self.history: deque[Exchange] = deque(maxlen=history_size)
        self.silent = 0
        self.guard = Guard(self.limits.max_throttled, self.limits.max_refused)
        self.recording: list[Exchange] | None = None  # every exchange, when recording cassettes
        self.read_only = read_only  # refuse anything but GET (a live run)
        self.retried: list[str] = []
        self.sleep: Callable[[float], None] = time.sleep
        self.clock: Callable[[], float] = time.monotonic
        self.started: float | None = None  # the first request's time: the run's budget counts from it
        self.waited = 0.0  # seconds spent in retry waits
        self._proxies: dict[tuple[Any, ...], dict[str, str]] = {}

    def remaining(self) -> float:
        """Seconds left of --fc-max-seconds."""
        if self.started is None:
            return self.limits.max_seconds
        return self.limits.max_seconds - (self.clock() - self.started)

    def spent(self) -> str:
        """What the run has spent, for a verdict or the summary."""
        elapsed = 0.0 if self.started is None else self.clock() - self.started
        return (f"{elapsed:.1f} s, {self.sent} requests, {len(self.retried)} retries that waited "
                f"{self.waited:.1f} s")

    def grace(self, requests: int, seconds: float) -> None:
        """Let `requests` more go out within `seconds`, even past the run's budget: a cleanup must not be refused."""
        self.silent = 0
        elapsed = 0.0 if self.started is None else self.clock() - self.started
        self.limits = dataclasses.replace(self.limits, max_requests=max(self.limits.max_requests, self.sent + requests),
                                          max_seconds=max(self.limits.max_seconds, elapsed + seconds))

    @property
    def sent(self) -> int:
        return sum(self.counts.values())

    def list(self, service: str, function: str, query: Query = (), headers: dict[str, str] | None = None) -> Exchange:
        """One ListFunctionAsyncInvokeConfigs call with exactly the query given (in that order)."""
        url = self.base_url + list_path(service, function)
        if query:
            url += "?" + urlencode(list(query), quote_via=quote)
        return self.send(requests.Request("GET", url, headers=headers or {}))

    def config(self, method: str, service: str, function: str, qualifier: str,
               body: dict[str, Any] | None = None) -> Exchange:
        """One Put, Get or DeleteFunctionAsyncInvokeConfig call on `qualifier` (a JSON body for Put)."""
        url = self.base_url + config_path(service, function) + "?" + urlencode([("qualifier", qualifier)],
                                                                                 quote_via=quote)
        if body is None:
            return self.send(requests.Request(method, url))
        return self.send(requests.Request(method, url, headers={"Content-Type": "application/json"},
                                          data=json.dumps(body, separators=(",", ":")).encode()))

    def send(self, request: requests.Request) -> Exchange:
        """Send, retrying throttled answers; a failure to get a response becomes Exchange.error."""
        if self.read_only and request.method not in ("GET", "HEAD"):
            raise UnsafeRequest(f"refused to send {request.method} {request.url}: a live run sends GET only")
        for attempt in range(self.limits.retries + 1):
            exchange = self._send_once(request)
            if exchange.status not in THROTTLED or attempt == self.limits.retries:
                break
            delay = retry_delay(exchange.header("Retry-After"), attempt, self.limits.backoff, self.limits.max_delay)
            if delay > min(self.limits.max_waiting - self.waited, self.remaining()):
                break  # the run cannot afford the wait: no early retry, the throttled answer stands
            self.retried.append(f"{exchange.clause or '-'}: {exchange.method} {exchange.url} got "
                                f"{exchange.describe()}; retry {attempt + 1} of {self.limits.retries} "
                                f"after {delay:.1f}s")
            self.waited += delay
            self.sleep(delay)
        self.guard.throttling(exchange, self.spent())
        self.guard.refusal(exchange)
        return exchange

    def _send_once(self, request: requests.Request) -> Exchange:
        if self.sent >= self.limits.max_requests:
            raise BudgetExceeded(f"the run has sent {self.sent} requests, the {flag('max_requests')} budget; "
                                 f"spent {self.spent()}")
        if self.started is None:
            self.started = self.clock()
        left = self.remaining()
        if left <= 0:
            raise BudgetExceeded(f"the run has spent its {flag('max_seconds')} budget of "
                                 f"{self.limits.max_seconds:g} s: {self.spent()}; "
                                 f"the clause running: {self.clause or '(setup)'}")
        if self.silent >= self.limits.max_silent:
            last = self.history[-1]
            raise TargetUnresponsive(f"{self.silent} requests in a row got no response, the last: {last.error}; "
                                     f"reproduce: {last.curl()}")
        try:
            prepared = self.session.prepare_request(request)
        except Exception as exc:  # noqa: BLE001 - e.g. a header value no HTTP client can send: not sent
            exchange = Exchange(str(request.method), str(request.url), _text_headers(request.headers),
                                clause=self.clause, error=f"not sent: {_root_cause(exc)}", sent=False)
            self.history.append(exchange)
            return exchange
        body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body or b""
        exchange = Exchange(str(prepared.method), str(prepared.url), dict(prepared.headers), clause=self.clause,
                            sent_body=body)
        self.counts[self.clause] += 1
        budget = min(self.limits.total_timeout, left)
        began = time.monotonic()
        with deadline(budget) as cut:
            complete = self._transfer(prepared, exchange, left, budget)
            finished = time.monotonic() - began
            if cut() and (not complete or finished >= budget):  # the cut may have ended what looked whole
                exchange.error = (f"no complete response within {budget:g}s (connect, headers and body together); "
                                  "stopped reading")
        self.silent = self.silent + 1 if exchange.error is not None and exchange.status is None else 0
        if self.inspect is not None and exchange.error is None and exchange.status is not None:
            self.inspect(exchange)
        # The history serves the summary, the request log and the run-wide shape check: an excerpt of each body
        # will do (at most history_size x HISTORY_BODY bytes); only a recording keeps every body whole.
        self.history.append(dataclasses.replace(exchange, body=exchange.body[:HISTORY_BODY]))
        if self.recording is not None:
            self.recording.append(exchange)
        return exchange

    def _transfer(self, prepared: requests.PreparedRequest, exchange: Exchange, left: float, budget: float) -> bool:
        """Send and read into `exchange`; True when the whole response arrived. Raises nothing a server causes."""
        started = time.monotonic()
        try:
            response = self.session.send(prepared, stream=True, allow_redirects=False, proxies=self.proxies(prepared),
                                         timeout=(min(self.limits.connect_timeout, left),
                                                  min(self.limits.read_timeout, left)))
            exchange.status, exchange.headers = response.status_code, _text_headers(response.headers)
            exchange.body = self._read(response, started, budget)
            return True
        except _TooMuch as exc:
            exchange.error = str(exc)
        except StandInError:
            raise
        except RecordedFailure as exc:
            exchange.error = str(exc)
        except requests.Timeout:
            exchange.error = f"timed out (connect {self.limits.connect_timeout:g}s, read {self.limits.read_timeout:g}s)"
        except requests.ConnectionError as exc:
            exchange.error = f"connection failed: {_root_cause(exc)}"
        except Exception as exc:  # noqa: BLE001 - whatever a server sends becomes a verdict, never a traceback
            exchange.error = f"broken response: {_root_cause(exc)}"
        return False

    def proxies(self, prepared: requests.PreparedRequest) -> dict[str, str]:
        """The proxies requests would pick for the request (the session's, then the environment's), found once per
        scheme and host: requests looks them up by reading the whole environment three times a request, which was
        half the client's time for a request answered on this machine."""
        key = (*urlsplit(str(prepared.url))[:2], self.session.trust_env, *sorted(self.session.proxies.items()))
        if key not in self._proxies:
            self._proxies[key] = resolve_proxies(prepared, dict(self.session.proxies), self.session.trust_env)
        return dict(self._proxies[key])

    def _read(self, response: requests.Response, started: float, total: float) -> bytes:
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > self.limits.max_body:
                    raise _TooMuch(f"body larger than {self.limits.max_body // (1024 * 1024)} MiB; stopped reading")
                if time.monotonic() - started > total:
                    raise _TooMuch(f"body still arriving after {total:g}s; stopped reading")
                chunks.append(chunk)
        finally:
            response.close()
        return b"".join(chunks)


class _TooMuch(Exception):
    pass


def _text_headers(headers: Any) -> dict[str, str]:
    """Header names and values as text, whatever their type or encoding."""
    return {str(k): v.decode("latin-1") if isinstance(v, bytes) else str(v) for k, v in dict(headers or {}).items()}


def _root_cause(exc: BaseException) -> str:
    while exc.__cause__ is not None or exc.__context__ is not None:
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    text = str(exc).split("\n")[0]
    return f"{type(exc).__name__}: {text}"[:200]
