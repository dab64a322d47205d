"""The fake as a WSGI app: routing, parameter rules and the FC error shape.

Every rule is a method, so a test can derive a faulty or a differently-conforming variant by
overriding one of them (see tests/variants.py).
"""

from __future__ import annotations

import itertools
import json
import re
import traceback
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from fc_contract.fake.checks import check_put_body
from fc_contract.fake.store import AsyncConfig, Store
from fc_contract.fake.tokens import BadToken, TokenCodec
from fc_contract.fake.wire import REASONS, FCError, Request, Response

StartResponse = Callable[..., Any]
# Both API versions the official SDKs send (aliyun-fc2 and @alicloud/fc2 default to 2016-08-15), and a qualifier
# in the query (?qualifier=Q) or in the path (services/{service}.{qualifier}/..., as those SDKs send it).
VERSIONED = re.compile(r"^/(?:2016-08-15|2021-04-06)/services/([^/]+)/functions/([^/]+)/(async-invoke-configs?)/?$")
HEADER_ENUMS = {"X-Fc-Log-Type": ("Tail", "None"), "X-Fc-Invocation-Type": ("Sync", "Async")}
LIMIT_RULE = "limit must be an integer between 1 and 100"


class FakeFC:
    """ListFunctionAsyncInvokeConfigs and Put/Get/Delete FunctionAsyncInvokeConfig, in memory."""

    def __init__(self, store: Store, tokens: TokenCodec | None = None,
                 verifier: Callable[[Request], None] | None = None, seed: str | None = None) -> None:
        """`seed`: derive the token key and request ids from it, so that the same requests get the same bytes."""
        self.store = store
        self.tokens = tokens or (TokenCodec(seed.encode()) if seed else TokenCodec())
        self.verifier = verifier
        self._ids = itertools.count(1) if seed else None
        self._seed = seed

    # --- WSGI -------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            response = self.handle(Request.from_environ(environ))
        except FCError as err:
            response = self.error(err)
        except Exception:  # noqa: BLE001 - the fake never crashes: any bug becomes a 500 in FC shape
            traceback.print_exc(file=environ.get("wsgi.errors"))  # the server's error log (WSGI's own stream)
            response = self.error(FCError(500, "InternalServerError", "internal error of the fake"))
        headers = [*self.request_id_headers(), *response.headers,
                   ("Content-Length", str(len(response.body)))]
        start_response(f"{response.status} {REASONS.get(response.status, 'Status')}", headers)
        return [response.body]

    def request_id_headers(self) -> list[tuple[str, str]]:
        """X-Fc-Request-Id, on every response."""
        if self._ids is None:
            return [("X-Fc-Request-Id", str(uuid.uuid4()))]
        return [("X-Fc-Request-Id", str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self._seed}/{next(self._ids)}")))]

    def handle(self, request: Request) -> Response:
        """Route a request; raise FCError for every refusal."""
        self.authenticate(request)
        match = VERSIONED.match(request.path)
        if match is None:
            raise FCError(400, "PathNotSupported", f"path '{request.path}' is not supported")
        service, _, qualifier = match[1].partition(".")  # a service name has no dot: what follows one qualifies
        if qualifier and "qualifier" not in request.query:
            request.query["qualifier"] = [qualifier]
        if match[3] == "async-invoke-configs":
            self.allow(request, "GET")
            return self.list_configs(request, service, match[2])
        self.allow(request, "GET", "PUT", "DELETE")
        return self.one_config(request, service, match[2])

    def allow(self, request: Request, *methods: str) -> None:
        if request.method not in methods:
            raise FCError(405, "MethodNotAllowed", f"method {request.method} is not allowed; use {', '.join(methods)}",
                          [("Allow", ", ".join(methods))])

    def authenticate(self, request: Request) -> None:
        """Accept every request, or only signed ones when the fake has a verifier."""
        if self.verifier is not None:
            self.verifier(request)

    # --- responses --------------------------------------------------------------------------
    def json(self, status: int, body: Any) -> Response:
        return Response(status, json.dumps(body).encode(), [("Content-Type", "application/json; charset=utf-8")])

    def error(self, err: FCError) -> Response:
        """The FC error shape."""
        response = self.json(err.status, {"ErrorCode": err.code, "ErrorMessage": err.message})
        response.headers += err.headers
        return response

    def render_config(self, config: AsyncConfig) -> dict[str, Any]:
        return config.to_wire()

    def list_body(self, items: list[AsyncConfig], token: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {"configs": [self.render_config(c) for c in items]}
        if token is not None:
            body["nextToken"] = token
        return body

    # --- ListFunctionAsyncInvokeConfigs -----------------------------------------------------
    def find(self, service: str, function: str) -> list[AsyncConfig]:
        """The function's configs in order; 404 ServiceNotFound / FunctionNotFound otherwise."""
        if not self.store.has_service(service):
            raise FCError(404, "ServiceNotFound", f"service '{service}' does not exist")
        if (service, function) not in self.store.functions:
            raise FCError(404, "FunctionNotFound", f"function '{function}' does not exist in service '{service}'")
        return self.store.configs(service, function)

    def single(self, request: Request, name: str) -> str | None:
        values = request.query.get(name)
        if values is None:
            return None
        if len(values) != 1:
            raise FCError(400, "InvalidArgument", f"{name} is given {len(values)} times; give it once")
        return values[0]

    def parse_limit(self, raw: str | None) -> int:
        """20 when absent; 1..100 in decimal digits; 400 InvalidArgument otherwise."""
        if raw is None:
            return 20
        if not re.fullmatch(r"[0-9]{1,9}", raw) or not 1 <= int(raw) <= 100:
            raise FCError(400, "InvalidArgument", f"{LIMIT_RULE}, got {raw[:40]!r}")
        return int(raw)

    def start_index(self, configs: list[AsyncConfig], token: str | None, service: str, function: str) -> int:
        """Where the page starts: 0, or just after the qualifier the token names."""
        if token is None:
            return 0
        after = self.token_qualifier(token, service, function)
        return next((i for i, c in enumerate(configs) if c.qualifier > after), len(configs))

    def token_qualifier(self, token: str, service: str, function: str) -> str:
        """The qualifier a token names; 400 InvalidArgument for a token this server did not issue."""
        try:
            return self.tokens.decode(token, service, function)
        except BadToken as exc:
            raise FCError(400, "InvalidArgument", f"invalid nextToken: {exc}") from None

    def next_token(self, page: list[AsyncConfig], more: bool, service: str, function: str) -> str | None:
        """A token naming the page's last qualifier, or "" on the last page (as observed)."""
        if not more or not page:
            return ""
        return self.tokens.encode(service, function, page[-1].qualifier)

    def page(self, configs: list[AsyncConfig], start: int, limit: int) -> list[AsyncConfig]:
        """The configs of one page."""
        return configs[start : start + limit]

    def check_headers(self, request: Request) -> None:
        """400 InvalidArgument for an X-Fc-Log-Type or X-Fc-Invocation-Type outside its documented values."""
        for name, allowed in HEADER_ENUMS.items():
            value = request.headers.get(name.lower())
            if value is not None and value not in allowed:
                raise FCError(400, "InvalidArgument", f"{name} must be one of {', '.join(allowed)}, got {value[:40]!r}")

    def list_configs(self, request: Request, service: str, function: str) -> Response:
        self.check_headers(request)
        limit = self.parse_limit(self.single(request, "limit"))
        token = self.single(request, "nextToken") or None  # "" (the last page's token) starts over
        configs = self.find(service, function)
        start = self.start_index(configs, token, service, function)
        page = self.page(configs, start, limit)
        more = start + len(page) < len(configs)
        return self.json(200, self.list_body(page, self.next_token(page, more, service, function)))

    # --- Put/Get/Delete FunctionAsyncInvokeConfig -------------------------------------------
    def one_config(self, request: Request, service: str, function: str) -> Response:
        qualifier = self.single(request, "qualifier") or "LATEST"
        self.find(service, function)
        existing = self.store.functions[(service, function)].get(qualifier)
        if request.method == "PUT":
            return self.json(200, self.render_config(self.put_config(request, service, function, qualifier)))
        if existing is None:
            raise FCError(404, "AsyncConfigNotFound",
                          f"async invoke config of function '{function}' with qualifier '{qualifier}' does not exist")
        if request.method == "DELETE":
            del self.store.functions[(service, function)][qualifier]
            return Response(204)
        return self.json(200, self.render_config(existing))

    def put_config(self, request: Request, service: str, function: str, qualifier: str) -> AsyncConfig:
        if not request.body:
            raise FCError(400, "InvalidArgument", "the request body is missing; send a JSON object")
        try:
            body = json.loads(request.body)
        except ValueError:
            raise FCError(400, "InvalidArgument", "the request body is not JSON") from None
        if not isinstance(body, dict):
            raise FCError(400, "InvalidArgument", "the request body must be a JSON object")
        check_put_body(body)
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return self.store.put(AsyncConfig(
            service=service, function=function, qualifier=qualifier, created_time=now, last_modified_time=now,
            destination_config=body.get("destinationConfig"),
            max_async_event_age_in_seconds=body.get("maxAsyncEventAgeInSeconds"),
            max_async_retry_attempts=body.get("maxAsyncRetryAttempts"),
            stateful_invocation=body.get("statefulInvocation"),
        ))
