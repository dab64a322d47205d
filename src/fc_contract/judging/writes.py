"""Writes on the function under test: Put, Get and Delete on the qualifiers a run may touch, and the cleanup.

The write clauses touch only --fc-write-qualifiers that had no config when they began, remember every
config they put (Contract.created) until it is deleted, and delete what is left at their end, also
when they fail or are interrupted (and the plugin deletes again at the end of the session).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fc_contract.http.exchange import Exchange
from fc_contract.http.redact import environment_redactor
from fc_contract.http.stops import RunAborted
from fc_contract.judging.clause import Clause
from fc_contract.judging.contract import TRUTH_LIMIT, Contract
from fc_contract.judging.walker import End, Walk
from fc_contract.settings import flag, is_loopback

# A target without the write operations answers one of these; the write clauses then skip, saying so. Not 501:
# a 5xx is never a conforming answer to a request the suite sends (the write clauses fail it).
UNSUPPORTED_STATUS = (405,)
UNSUPPORTED_CODES = ("PathNotSupported", "MethodNotAllowed", "NotImplemented")
MISSING_QUALIFIER = ("AliasNotFound", "VersionNotFound", "QualifierNotFound")
PROBE = {"maxAsyncRetryAttempts": 1}  # the smallest config a server must accept
PUT_FIELDS = ("destinationConfig", "maxAsyncEventAgeInSeconds", "maxAsyncRetryAttempts", "statefulInvocation")


def _code(exchange: Exchange) -> str:
    data = exchange.json()
    return str(data.get("ErrorCode")) if isinstance(data, dict) else ""


class Writer:
    """Put, Get and Delete for one write clause, each created config on the contract's ledger until deleted."""

    def __init__(self, fc: Contract, clause: Clause) -> None:
        self.fc = fc
        self.clause = clause
        self.walk_requests = 1  # what a full walk of the listing took, when prepare() walked it
        self.page_size = TRUTH_LIMIT  # the smallest page that walk was served
        self.aborted: RunAborted | None = None  # the first stop of the run met (hypothesis must not retry past it)

    def _send(self, method: str, qualifier: str, body: dict[str, Any] | None = None) -> Exchange:
        try:
            return self.fc.client.config(method, self.fc.service, self.fc.function, qualifier, body)
        except RunAborted as exc:
            self.aborted = self.aborted or exc
            raise

    def put(self, qualifier: str, body: dict[str, Any]) -> Exchange:
        self.fc.created.setdefault(qualifier, self.clause.id)  # on the ledger before it is sent: an answer may be lost
        exchange = self._send("PUT", qualifier, body)
        if exchange.status is not None and 400 <= exchange.status < 500:
            self.fc.created.pop(qualifier, None)  # refused: nothing was created
        return exchange

    def get(self, qualifier: str) -> Exchange:
        return self._send("GET", qualifier)

    def delete(self, qualifier: str) -> Exchange:
        exchange = self._send("DELETE", qualifier)
        gone = exchange.status is not None and (200 <= exchange.status < 300 or exchange.status == 404)
        if gone and self.fc.created.pop(qualifier, None) is not None and qualifier not in self.fc.cleaned:
            self.fc.cleaned.append(qualifier)
        return exchange

    def listing(self, after: str) -> tuple[dict[str, dict[str, Any]], Walk]:
        """Qualifier -> config of a fresh limit=100 walk; a walk that loops gives all a client can ever see."""
        try:
            walk = self.fc.walk(TRUTH_LIMIT, fresh=True)
        except RunAborted as exc:
            self.aborted = self.aborted or exc
            raise
        if not walk.complete and walk.end not in (End.REPEAT, End.CYCLE):
            self.clause.fail(f"walking the listing {after}", "a last page ('', null or absent)",
                             f"{walk.end.value}: {walk.detail}", walk.last)
        listed: dict[str, dict[str, Any]] = {}
        for item in walk.items:
            listed.setdefault(str(item.get("qualifier")), item)
        return listed, walk

    def affordable(self, needs: int, what: str) -> int:
        """What the clause may send: a fifth of --fc-max-requests, at most half what is left; skips below `needs`."""
        left = self.fc.client.limits.max_requests - self.fc.client.sent
        share = min(self.fc.settings.max_requests // 5, left // 2)
        if share < needs:
            self.clause.skip(f"{needs} requests for {what}; the run can spare {max(share, 0)} of the {left} "
                             f"{flag('max_requests')} has left (raise {flag('max_requests')})")
        return share

    def prepare(self) -> tuple[list[str], dict[str, dict[str, Any]]]:
        """The free qualifiers this clause may write to, and the listing before any write; skips with the reason."""
        if self.fc.client.read_only:
            self.clause.skip("--fc-allow-writes to put and delete configs on a live service (a live run sends GET "
                             "only); it then touches only --fc-write-qualifiers without a config, and deletes what "
                             "it created")
        base = self.fc.client.base_url
        unreal = (urlsplit(base).hostname or "").endswith(".invalid")  # RFC 2606: a replay's host, no server's
        if not self.fc.settings.allow_writes and not is_loopback(base) and not unreal:
            self.clause.skip(f"--fc-allow-writes to put and delete configs on {base}: without it the write clauses "
                             "write only to the reference server and to targets on this machine")
        truth = self.fc.walk(TRUTH_LIMIT, fresh=True)
        if not truth.complete and truth.end not in (End.REPEAT, End.CYCLE):
            self.clause.skip(f"a listing that ends; the limit={TRUTH_LIMIT} walk ended with {truth.end.value} "
                             "(pagination.termination says why)")
        problems = [problem for page in truth.pages if page.shape is not None for problem in page.shape.problems]
        if problems:
            self.clause.skip(f"a listing that conforms to the description before any write: {problems[0]} "
                             "(response.shape says more)")
        initial = {str(item.get("qualifier")): item for item in truth.items}
        self.walk_requests = len(truth.pages)
        self.page_size = min((s for s in truth.page_sizes if s), default=TRUTH_LIMIT)
        wanted = self.fc.settings.qualifiers
        for ghost in (q for q in self.fc.cleaned if q in initial):
            self.clause.fail(f"the listing before {self.clause.id}'s writes", f"no config of qualifier {ghost!r}, "
                             "which this run put and deleted again (the delete was answered 2xx)",
                             "it is still listed", truth.last)
        free = [q for q in wanted if q not in initial]
        if not free:
            self.clause.skip(f"a qualifier of {self.fc.service}/{self.fc.function} without an async invoke config; "
                             f"all of --fc-write-qualifiers={','.join(wanted)} have one: name versions or aliases "
                             "that have none")
        usable = [q for q in free if self._probe(q)]
        if not usable:
            self.clause.skip(f"qualifiers that exist on {self.fc.service}/{self.fc.function}: the target has none of "
                             f"{', '.join(free)} (create these aliases, or pass --fc-write-qualifiers naming "
                             "versions or aliases without a config)")
        self.fc.note(f"writes: {self.clause.id} put and deleted configs on {base}, {self.fc.service}/"
                     f"{self.fc.function}, qualifiers {', '.join(usable)} only")
        return usable, initial

    def _probe(self, qualifier: str) -> bool:
        """Put and delete the smallest config: True when the qualifier takes writes; skips when the target has none."""
        put = self.put(qualifier, dict(PROBE))
        self.clause.responded(put, f"a put of {PROBE} for qualifier {qualifier!r}")
        if put.status in UNSUPPORTED_STATUS or _code(put) in UNSUPPORTED_CODES:
            self.fc.created.pop(qualifier, None)  # not served: nothing was created
            self.clause.skip(f"a target that serves PutFunctionAsyncInvokeConfig; it answered {put.describe()}")
        if put.status == 404 and _code(put) in MISSING_QUALIFIER:
            return False
        self.clause.check(put.status == 200, f"a put of {PROBE} for qualifier {qualifier!r}",
                          "200 with the config", put.describe(), put)
        deleted = self.delete(qualifier)
        self.clause.check(deleted.status is not None and 200 <= deleted.status < 300,
                          f"deleting the config just put for qualifier {qualifier!r}", "2xx (204)",
                          deleted.describe(), deleted)
        return True


def cleanup(fc: Contract, only: str | None = None) -> list[str]:
    """Delete every config the run (or clause `only`) created and has not deleted; what could not be deleted."""
    left = [q for q, clause in fc.created.items() if only is None or clause == only]
    if not left:
        return []
    fc.client.grace(2 * len(left), 30 + 3 * fc.settings.timeout * len(left))
    writer = Writer(fc, Clause(only or "cleanup"))
    failed = []
    for qualifier in left:
        try:
            answer = writer.delete(qualifier)
        except Exception as exc:  # noqa: BLE001 - one refused delete must not keep the others from being tried
            failed.append(f"{qualifier} ({type(exc).__name__}: {str(exc)[:120]})")
            continue
        if qualifier in fc.created:
            failed.append(f"{qualifier} ({answer.describe()}; reproduce: {answer.curl()})")
    return failed


def put_values(body: dict[str, Any]) -> dict[str, Any]:
    """The fields of a put body a listing must show back (those it set)."""
    return {k: body[k] for k in PUT_FIELDS if k in body}


def redacted(text: str) -> str:
    """`text` as a recording keeps it (account ids and secrets replaced): what a replayed answer can show."""
    return environment_redactor().text(text)
