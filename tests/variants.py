"""Variants of the reference server: mutants break one clause each; conforming ones differ where allowed."""

from __future__ import annotations

import base64
import copy
import dataclasses
import json
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fc_contract.fake import FakeFC, FCError, seed_store
from fc_contract.fake.faults import CyclicTokens, EndlessTokens
from fc_contract.fake.store import DEFAULT_FUNCTION, DEFAULT_SERVICE, AsyncConfig, Store
from fc_contract.fake.wire import Request, Response


@dataclass(frozen=True)
class Variant:
    """A way to build an app, and exactly the clauses a run against it fails (none: it conforms).

    The first clause named is the one the mutant breaks; the others fail with it for a stated
    reason (schema.fuzz sees every documented rule; an error without X-Fc-Request-Id fails every
    clause that judges errors).
    """

    build: Callable[[], FakeFC]
    fails: frozenset[str] = frozenset()
    args: tuple[str, ...] = ()  # options the run needs (the switch that relaxes a contract choice)


RELAXED = "--fc-tokens-under-writes=any"  # offset tokens conform to the documentation, not to this choice


# --- mutants ----------------------------------------------------------------------------------
class IgnoresLimit(FakeFC):
    def parse_limit(self, raw: str | None) -> int:
        return 20


class LimitPlusOne(FakeFC):
    def page(self, configs: list[AsyncConfig], start: int, limit: int) -> list[AsyncConfig]:
        return configs[start : start + limit + 1]


class Accepts101(FakeFC):
    def parse_limit(self, raw: str | None) -> int:
        return min(int(raw), 1000) if raw and raw.isdigit() and int(raw) > 100 else super().parse_limit(raw)


class RepeatsToken(FakeFC):
    """The last page hands back the token it was given."""

    def list_configs(self, request: Request, service: str, function: str) -> Response:
        response = super().list_configs(request, service, function)
        body = json.loads(response.body)
        if body.get("nextToken") == "" and request.query.get("nextToken"):
            body["nextToken"] = request.query["nextToken"][0]
        return self.json(200, body)


class DuplicateAtBoundary(FakeFC):
    def start_index(self, configs: list[AsyncConfig], token: str | None, service: str, function: str) -> int:
        start = super().start_index(configs, token, service, function)
        return max(0, start - 1) if token else start


class SkipsAtBoundary(FakeFC):
    def start_index(self, configs: list[AsyncConfig], token: str | None, service: str, function: str) -> int:
        start = super().start_index(configs, token, service, function)
        return start + 1 if token else start


class UnstableOrder(FakeFC):
    """Each listing request reshuffles the order (tokens are offsets into the new order)."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.rng = random.Random(7)

    def find(self, service: str, function: str) -> list[AsyncConfig]:
        configs = list(super().find(service, function))
        self.rng.shuffle(configs)
        return configs

    def start_index(self, configs: list[AsyncConfig], token: str | None, service: str, function: str) -> int:
        return int(token) if token and token.isdigit() else 0

    def next_token(self, page: list[AsyncConfig], more: bool, service: str, function: str) -> str | None:
        return "" if not more else "?"

    def list_configs(self, request: Request, service: str, function: str) -> Response:
        response = super().list_configs(request, service, function)
        body = json.loads(response.body)
        if body.get("nextToken") == "?":
            start = int(request.query.get("nextToken", ["0"])[0] or 0)
            body["nextToken"] = str(start + len(body["configs"]))
        return self.json(200, body)


class ForeignOwner(FakeFC):
    def render_config(self, config: AsyncConfig) -> dict[str, Any]:
        return {**super().render_config(config), "service": "another-service"}


class DropsField(FakeFC):
    def render_config(self, config: AsyncConfig) -> dict[str, Any]:
        wire = super().render_config(config)
        del wire["lastModifiedTime"]
        return wire


class WrongType(FakeFC):
    def render_config(self, config: AsyncConfig) -> dict[str, Any]:
        wire = super().render_config(config)
        return {**wire, "maxAsyncRetryAttempts": str(wire["maxAsyncRetryAttempts"])}


class NotIsoDates(FakeFC):
    def render_config(self, config: AsyncConfig) -> dict[str, Any]:
        return {**super().render_config(config), "createdTime": "2024/03/01 10:00:00"}


class StringDestination(FakeFC):
    def render_config(self, config: AsyncConfig) -> dict[str, Any]:
        return {**super().render_config(config),
                "destinationConfig": {"onSuccess": None, "onFailure": "acs:mns:cn-hangzhou:1:/queues/q/messages"}}


class NoRequestId(FakeFC):
    def request_id_headers(self) -> list[tuple[str, str]]:
        return []


class TextContentType(FakeFC):
    def json(self, status: int, body: Any) -> Response:
        response = super().json(status, body)
        response.headers = [("Content-Type", "text/plain")]
        return response


class LowercaseErrors(FakeFC):
    def error(self, err: FCError) -> Response:
        return super().json(err.status, {"code": err.code, "message": err.message})


class CrashesOnBadToken(FakeFC):
    def start_index(self, configs: list[AsyncConfig], token: str | None, service: str, function: str) -> int:
        try:
            return super().start_index(configs, token, service, function)
        except FCError:
            raise FCError(500, "InternalServerError", "cannot decode token") from None


class RestartsOnBadToken(FakeFC):
    def start_index(self, configs: list[AsyncConfig], token: str | None, service: str, function: str) -> int:
        try:
            return super().start_index(configs, token, service, function)
        except FCError:
            return 0


class WrongNotFound(FakeFC):
    def find(self, service: str, function: str) -> list[AsyncConfig]:
        try:
            return super().find(service, function)
        except FCError as err:
            raise FCError(404, "ResourceNotFound", err.message) from None


class PutNeverListed(FakeFC):
    """Accepts a put, and Get returns it, but the listing never shows a config put after the server started."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.put_here: set[str] = set()

    def put_config(self, request: Request, service: str, function: str, qualifier: str) -> AsyncConfig:
        self.put_here.add(qualifier)
        return super().put_config(request, service, function, qualifier)

    def list_body(self, items: list[AsyncConfig], token: str | None) -> dict[str, Any]:
        return super().list_body([c for c in items if c.qualifier not in self.put_here], token)


class UpdateNotKept(FakeFC):
    """A put on an existing config answers 200 with the new values, but the old config stays."""

    def put_config(self, request: Request, service: str, function: str, qualifier: str) -> AsyncConfig:
        existing = self.store.functions[(service, function)].get(qualifier)
        if existing is None:
            return super().put_config(request, service, function, qualifier)
        kept = copy.deepcopy(existing)
        answered = super().put_config(request, service, function, qualifier)
        self.store.put(kept)
        return answered


class FieldNotKept(FakeFC):
    """An update keeps statefulInvocation as it was created: every other field is updated."""

    def put_config(self, request: Request, service: str, function: str, qualifier: str) -> AsyncConfig:
        existing = self.store.functions[(service, function)].get(qualifier)
        config = super().put_config(request, service, function, qualifier)
        if existing is not None:
            config.stateful_invocation = existing.stateful_invocation
        return config


class PutAnswersOld(FakeFC):
    """A put stores the new values but answers with the config as it was before."""

    def one_config(self, request: Request, service: str, function: str) -> Response:
        qualifier = self.single(request, "qualifier") or "LATEST"
        existing = self.store.functions.get((service, function), {}).get(qualifier)
        previous = copy.deepcopy(existing) if request.method == "PUT" and existing is not None else None
        response = super().one_config(request, service, function)
        return self.json(200, self.render_config(previous)) if previous is not None else response


class KeepsDeleted(FakeFC):
    """Deletes a config for Get, but the listing keeps showing it."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.ghosts: dict[str, AsyncConfig] = {}

    def one_config(self, request: Request, service: str, function: str) -> Response:
        qualifier = self.single(request, "qualifier") or "LATEST"
        existing = self.store.functions.get((service, function), {}).get(qualifier)
        response = super().one_config(request, service, function)
        if request.method == "DELETE" and existing is not None:
            self.ghosts[qualifier] = existing
        elif request.method == "PUT":
            self.ghosts.pop(qualifier, None)
        return response

    def find(self, service: str, function: str) -> list[AsyncConfig]:
        configs = {c.qualifier: c for c in [*super().find(service, function), *self.ghosts.values()]}
        return [configs[q] for q in sorted(configs)]


class ListsOneLate(FakeFC):
    """Each listing shows the configs as they were one request earlier (a lagging read replica)."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.previous = copy.deepcopy(store.functions)
        self.serving = self.previous

    def handle(self, request: Request) -> Response:
        self.serving, self.previous = self.previous, copy.deepcopy(self.store.functions)
        return super().handle(request)

    def find(self, service: str, function: str) -> list[AsyncConfig]:
        super().find(service, function)
        by_qualifier = self.serving.get((service, function), {})
        return [by_qualifier[q] for q in sorted(by_qualifier)]


class NoWrites(FakeFC):
    """A read-only mock: the write operations are not served."""

    def one_config(self, request: Request, service: str, function: str) -> Response:
        raise FCError(404, "PathNotSupported", f"path '{request.path}' is not supported")


class DefaultOfTen(FakeFC):
    """Pages of 10 without limit, of 20 at limit=20: at most 20, but not the documented default."""

    def parse_limit(self, raw: str | None) -> int:
        return 10 if raw is None else super().parse_limit(raw)


class ByteOrderMark(FakeFC):
    """Every JSON body begins with a UTF-8 byte-order mark, which RFC 8259 forbids and the SDKs cannot parse."""

    def json(self, status: int, body: Any) -> Response:
        response = super().json(status, body)
        response.body = b"\xef\xbb\xbf" + response.body
        return response


class Utf16Bodies(FakeFC):
    """JSON in UTF-16 (charset said): RFC 8259 wants UTF-8, and alibabacloud-fc-open20210406 reads UTF-8 only."""

    def json(self, status: int, body: Any) -> Response:
        return Response(status, json.dumps(body).encode("utf-16"),
                        [("Content-Type", "application/json; charset=utf-16")])


class StringRetries(FakeFC):
    """maxAsyncRetryAttempts as a JSON string on pages: the description fails it, and aliyun-fc2 hands it on."""

    def render_config(self, config: AsyncConfig) -> dict[str, Any]:
        wire = super().render_config(config)
        return {**wire, "maxAsyncRetryAttempts": str(wire["maxAsyncRetryAttempts"])}


class CrashesOnPost(FakeFC):
    """An undeclared method on the list path crashes the handler: a 5xx is no answer to any request."""

    def allow(self, request: Request, *methods: str) -> None:
        if request.method == "POST":
            raise FCError(500, "InternalServerError", "nil pointer")
        super().allow(request, *methods)


class CrashesOnOddHeader(FakeFC):
    """An X-Fc-Log-Type outside its documented values crashes the handler instead of a 400."""

    def check_headers(self, request: Request) -> None:
        try:
            super().check_headers(request)
        except FCError:
            raise FCError(500, "InternalServerError", "unexpected header value") from None


class GrowsEndlessly(FakeFC):
    """Another writer adds a config (last in order) with every page served: a limit=1 walk never reaches the end."""

    def list_configs(self, request: Request, service: str, function: str) -> Response:
        _grow(self.store, service, function)
        return super().list_configs(request, service, function)


# --- conforming variants ----------------------------------------------------------------------
def _grow(store: Store, service: str, function: str) -> None:
    """A config that sorts after every other, as another writer on a shared account adds it."""
    if not store.functions.get((service, function)):
        return
    number = sum(1 for c in store.configs(service, function) if c.qualifier.startswith("zz-live-")) + 1
    template = store.configs(service, function)[0]
    store.put(dataclasses.replace(template, qualifier=f"zz-live-{number:05d}"))


class Grows(FakeFC):
    """A shared listing: another writer adds a config (last in order) every 20 list requests."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.listed = 0

    def list_configs(self, request: Request, service: str, function: str) -> Response:
        self.listed += 1
        if self.listed % 20 == 0:
            _grow(self.store, service, function)
        return super().list_configs(request, service, function)


class Shrinks(Grows):
    """A shared listing: another writer deletes a config (not one of the suite's) every 20 list requests."""

    def list_configs(self, request: Request, service: str, function: str) -> Response:
        self.listed += 1
        configs = self.store.functions.get((service, function), {})
        if self.listed % 20 == 0 and len(configs) > 20:
            victim = next(q for q in sorted(configs) if not q.startswith("fc-contract-"))
            del configs[victim]
        return FakeFC.list_configs(self, request, service, function)


class OffsetTokens(FakeFC):
    """Plain integer offsets as tokens (opaque to clients, so allowed)."""

    def start_index(self, configs: list[AsyncConfig], token: str | None, service: str, function: str) -> int:
        if token is None:
            return 0
        if not token.isdigit() or not 0 < int(token) < len(configs):
            raise FCError(400, "InvalidArgument", "invalid nextToken")
        return int(token)

    def list_configs(self, request: Request, service: str, function: str) -> Response:
        response = super().list_configs(request, service, function)
        body = json.loads(response.body)
        if body.get("nextToken"):
            start = self.start_index(self.find(service, function), self.single(request, "nextToken"), service,
                                     function)
            body["nextToken"] = str(start + len(body["configs"]))
        return self.json(200, body)


class Base64JsonTokens(OffsetTokens):
    """Offsets wrapped as base64 JSON, a common token format."""

    def start_index(self, configs: list[AsyncConfig], token: str | None, service: str, function: str) -> int:
        if token is None:
            return 0
        try:
            offset = json.loads(base64.b64decode(token, validate=True))["offset"]
        except (ValueError, KeyError, TypeError):
            raise FCError(400, "InvalidArgument", "invalid nextToken") from None
        return super().start_index(configs, str(offset), service, function)

    def list_configs(self, request: Request, service: str, function: str) -> Response:
        response = super().list_configs(request, service, function)
        body = json.loads(response.body)
        if body.get("nextToken"):
            body["nextToken"] = base64.b64encode(json.dumps({"offset": int(body["nextToken"])}).encode()).decode()
        return self.json(200, body)


class OmitsLastToken(FakeFC):
    def list_body(self, items: list[AsyncConfig], token: str | None) -> dict[str, Any]:
        return super().list_body(items, token or None)


class NullLastToken(FakeFC):
    def list_body(self, items: list[AsyncConfig], token: str | None) -> dict[str, Any]:
        return {**super().list_body(items, token), "nextToken": token or None}


class AdditiveFields(FakeFC):
    def list_body(self, items: list[AsyncConfig], token: str | None) -> dict[str, Any]:
        return {**super().list_body(items, token), "requestId": "r-1", "total": len(self.store.functions)}

    def render_config(self, config: AsyncConfig) -> dict[str, Any]:
        return {**super().render_config(config), "functionArn": f"acs:fc:cn-hangzhou:1:functions/{config.function}"}


class ShortPages(FakeFC):
    """At most 7 configs a page whatever the limit: "less than or equal to the specified number"."""

    def page(self, configs: list[AsyncConfig], start: int, limit: int) -> list[AsyncConfig]:
        return configs[start : start + min(limit, 7)]


def _null_destinations() -> FakeFC:
    """Every config of the data without destinations (null destinationConfig); what is put is kept."""
    store = seed_store(45)
    for config in store.configs(DEFAULT_SERVICE, DEFAULT_FUNCTION):
        config.destination_config = None
    return FakeFC(store)


class LenientDecoder(Base64JsonTokens):
    """A base64 decoder that stops at the padding and ignores what follows, as many do."""

    def start_index(self, configs: list[AsyncConfig], token: str | None, service: str, function: str) -> int:
        head = re.match(r"[A-Za-z0-9+/]*=*", token or "")
        return super().start_index(configs, head[0] if token is not None and head else token, service, function)


class KeyTokens(FakeFC):
    """The token is the next page's first qualifier, in plain text."""

    def start_index(self, configs: list[AsyncConfig], token: str | None, service: str, function: str) -> int:
        if token is None:
            return 0
        found = [i for i, c in enumerate(configs) if c.qualifier == token]
        if not found:
            raise FCError(400, "InvalidArgument", "invalid nextToken")
        return found[0]

    def list_configs(self, request: Request, service: str, function: str) -> Response:
        response = super().list_configs(request, service, function)
        body = json.loads(response.body)
        if body.get("nextToken"):
            configs = self.find(service, function)
            after = configs.index(next(c for c in configs if c.qualifier == body["configs"][-1]["qualifier"]))
            body["nextToken"] = configs[after + 1].qualifier
        return self.json(200, body)


class ShortPagesLarge(FakeFC):
    """At most 7 configs a page whatever the limit, in a listing of hundreds."""

    def page(self, configs: list[AsyncConfig], start: int, limit: int) -> list[AsyncConfig]:
        return configs[start : start + min(limit, 7)]


# --- mutants that fault at one value of limit only (no pinned example hits them) ----------------
class _AtOneLimit(FakeFC):
    """Knows the limit of the request being answered (the suite sends one request at a time)."""

    at = 0

    def list_configs(self, request: Request, service: str, function: str) -> Response:
        self.limit = self.single(request, "limit")
        self.token = self.single(request, "nextToken")
        return super().list_configs(request, service, function)

    @property
    def hit(self) -> bool:
        return self.limit == str(self.at)


class PlusOneAt37(_AtOneLimit):
    at = 37

    def page(self, configs: list[AsyncConfig], start: int, limit: int) -> list[AsyncConfig]:
        return configs[start : start + limit + (1 if self.hit else 0)]


class SkipsAt43(_AtOneLimit):
    at = 43

    def start_index(self, configs: list[AsyncConfig], token: str | None, service: str, function: str) -> int:
        start = super().start_index(configs, token, service, function)
        return start + 1 if token and self.hit else start


class DuplicatesAt29(_AtOneLimit):
    at = 29

    def start_index(self, configs: list[AsyncConfig], token: str | None, service: str, function: str) -> int:
        start = super().start_index(configs, token, service, function)
        return start - 1 if token and self.hit else start


class LoopsAt31(_AtOneLimit):
    """The last page of a limit=31 walk hands back the token it was given."""

    at = 31

    def next_token(self, page: list[AsyncConfig], more: bool, service: str, function: str) -> str | None:
        token = super().next_token(page, more, service, function)
        return self.token if token == "" and self.token and self.hit else token


class EndlessAt13(_AtOneLimit):
    """Past the end of a limit=13 walk come empty pages, each with a fresh token."""

    at = 13

    def next_token(self, page: list[AsyncConfig], more: bool, service: str, function: str) -> str | None:
        if self.hit and not more:
            return self.tokens.encode(service, function, f"~{random.random()}")
        return super().next_token(page, more, service, function)


def _fake(cls: type[FakeFC], configs: int = 45) -> Callable[[], FakeFC]:
    return lambda: cls(seed_store(configs))


def versions_only(cls: type[FakeFC]) -> FakeFC:
    """45 configs of LATEST and numbered versions only: the suite's fc-contract-* qualifiers sort after all."""
    store = seed_store(45)
    configs = store.functions[(DEFAULT_SERVICE, DEFAULT_FUNCTION)]
    for number, alias in enumerate([q for q in sorted(configs) if not q[0].isdigit() and q != "LATEST"], start=100):
        configs[str(number)] = dataclasses.replace(configs.pop(alias), qualifier=str(number))
    return cls(store)


def _fails(*clauses: str) -> frozenset[str]:
    return frozenset(clauses)


MUTANTS: dict[str, Variant] = {
    "ignores-limit": Variant(_fake(IgnoresLimit), _fails("limit.bounds", "schema.fuzz")),
    "limit-plus-one": Variant(_fake(LimitPlusOne), _fails("limit.bounds")),
    "accepts-101": Variant(_fake(Accepts101), _fails("limit.bounds", "schema.fuzz")),
    "endless-token": Variant(_fake(EndlessTokens), _fails("pagination.termination")),
    "token-cycle": Variant(_fake(CyclicTokens), _fails("pagination.termination", "pagination.consistency")),
    "repeats-token": Variant(_fake(RepeatsToken), _fails("pagination.termination")),
    "duplicate-at-boundary": Variant(_fake(DuplicateAtBoundary),
                                     _fails("pagination.consistency", "pagination.termination")),
    "skips-at-boundary": Variant(_fake(SkipsAtBoundary), _fails("pagination.consistency")),
    "unstable-order": Variant(_fake(UnstableOrder), _fails("pagination.consistency", "errors", "schema.fuzz")),
    "foreign-owner": Variant(_fake(ForeignOwner), _fails("pagination.consistency")),
    "drops-field": Variant(_fake(DropsField), _fails("response.shape", "schema.fuzz")),
    "wrong-type": Variant(_fake(WrongType), _fails("response.shape", "schema.fuzz")),
    "not-iso-dates": Variant(_fake(NotIsoDates), _fails("response.shape", "schema.fuzz")),
    "string-destination": Variant(_fake(StringDestination), _fails("response.shape", "schema.fuzz")),
    "no-request-id": Variant(_fake(NoRequestId), _fails("response.shape", "errors", "limit.bounds", "schema.fuzz")),
    "text-content-type": Variant(_fake(TextContentType), _fails("response.shape", "schema.fuzz")),
    "lowercase-errors": Variant(_fake(LowercaseErrors),
                                _fails("errors", "limit.bounds", "response.shape", "schema.fuzz")),
    "crashes-on-bad-token": Variant(_fake(CrashesOnBadToken), _fails("errors", "schema.fuzz")),
    "restarts-on-bad-token": Variant(_fake(RestartsOnBadToken), _fails("errors")),
    "wrong-not-found": Variant(_fake(WrongNotFound), _fails("errors")),
    "plus-one-at-37": Variant(_fake(PlusOneAt37), _fails("limit.bounds")),
    "skips-at-43": Variant(_fake(SkipsAt43), _fails("pagination.consistency")),
    "duplicates-at-29": Variant(_fake(DuplicatesAt29), _fails("pagination.consistency")),
    "loops-at-31": Variant(_fake(LoopsAt31), _fails("pagination.termination")),
    "endless-at-13": Variant(_fake(EndlessAt13), _fails("pagination.termination")),
    "endless-token-10000": Variant(_fake(EndlessTokens, 10_000), _fails("pagination.termination")),
    "put-never-listed": Variant(_fake(PutNeverListed), _fails("state.writes")),
    "keeps-deleted": Variant(_fake(KeepsDeleted), _fails("state.writes")),
    "lists-one-late": Variant(_fake(ListsOneLate), _fails("state.writes")),
    # Offsets conform to the documentation; under writes they skip a config (the contract's choice).
    "offset-tokens-under-writes": Variant(_fake(OffsetTokens), _fails("pagination.under-writes")),
    "default-of-10": Variant(_fake(DefaultOfTen), _fails("limit.bounds")),
    "update-not-kept": Variant(_fake(UpdateNotKept), _fails("state.writes")),
    "field-not-kept": Variant(_fake(FieldNotKept), _fails("state.writes")),
    "put-answers-old": Variant(_fake(PutAnswersOld), _fails("state.writes")),
    "grows-endlessly": Variant(_fake(GrowsEndlessly), _fails("pagination.termination")),
    # Where the listing orders the suite's qualifiers last, qualifiers that sort earlier let it judge the same.
    "offset-tokens-versions-only": Variant(lambda: versions_only(OffsetTokens), _fails("pagination.under-writes"),
                                           args=("--fc-write-qualifiers=1a,1b,1c",)),
    "byte-order-mark": Variant(_fake(ByteOrderMark), _fails("response.shape", "schema.fuzz")),
    "utf-16-bodies": Variant(_fake(Utf16Bodies), _fails("response.shape")),
    "crashes-on-post": Variant(_fake(CrashesOnPost), _fails("schema.fuzz")),
    "crashes-on-odd-header": Variant(_fake(CrashesOnOddHeader), _fails("schema.fuzz")),
}

VARIANTS: dict[str, Variant] = {
    "reference": Variant(_fake(FakeFC)),
    "offset-tokens": Variant(_fake(OffsetTokens), args=(RELAXED,)),
    "base64-json-tokens": Variant(_fake(Base64JsonTokens), args=(RELAXED,)),
    "omits-last-token": Variant(_fake(OmitsLastToken)),
    "null-last-token": Variant(_fake(NullLastToken)),
    "additive-fields": Variant(_fake(AdditiveFields)),
    "short-pages": Variant(_fake(ShortPages)),
    "null-destinations": Variant(_null_destinations),
    "single-config": Variant(_fake(FakeFC, 1)),
    "no-configs": Variant(_fake(FakeFC, 0)),
    "lenient-decoder": Variant(_fake(LenientDecoder), args=(RELAXED,)),
    "no-writes": Variant(_fake(NoWrites)),
    "key-tokens": Variant(_fake(KeyTokens)),
    "configs-101": Variant(_fake(FakeFC, 101)),
    "configs-250": Variant(_fake(FakeFC, 250)),
    "configs-10000": Variant(_fake(FakeFC, 10_000)),
    "short-pages-large": Variant(_fake(ShortPagesLarge, 600)),
    "grows": Variant(_fake(Grows)),
    "shrinks": Variant(_fake(Shrinks)),
    "default-of-10-lenient": Variant(_fake(DefaultOfTen), args=("--fc-invalid-input=lenient",)),
}


class Counting(FakeFC):
    """The reference server, counting the methods it was sent."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.methods: Counter[str] = Counter()

    def handle(self, request: Request) -> Response:
        self.methods[request.method] += 1
        return super().handle(request)


class NeedsAuthorization(FakeFC):
    """A mock that answers 401 unless an Authorization header is present, whatever its value (as Prism does)."""

    def authenticate(self, request: Request) -> None:
        if not request.headers.get("authorization"):
            raise FCError(401, "Unauthorized", "an Authorization header is required")


class RefusesRepeatedKeys(FakeFC):
    """Verifies signatures, and canonicalises a repeated query key unlike the signer: 403 for those only."""

    def authenticate(self, request: Request) -> None:
        super().authenticate(request)
        if any(len(values) > 1 for values in request.query.values()):
            raise FCError(403, "SignatureNotMatch", "the request signature does not match")


class Throttles(FakeFC):
    """Every `every`-th request gets 429 (or 503) with Retry-After: 0; the retry goes through."""

    def __init__(self, store: Store, every: int = 4, status: int = 429) -> None:
        super().__init__(store)
        self.every, self.status, self.seen = every, status, 0

    def handle(self, request: Request) -> Response:
        self.seen += 1
        if self.seen % self.every == 0:
            code = "ResourceExhausted" if self.status == 429 else "ResourceThrottled"
            raise FCError(self.status, code, "too many requests, slow down", [("Retry-After", "0")])
        return super().handle(request)


class ThrottlesGrowing(FakeFC):
    """Every request gets 503 with a Retry-After one second longer than the last."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.seen = 0

    def handle(self, request: Request) -> Response:
        self.seen += 1
        raise FCError(503, "ResourceThrottled", "throttled", [("Retry-After", str(self.seen))])
