"""state.writes: what is put is listed with the values put, what is deleted is gone, and Get agrees.

Documented (API reference): PutFunctionAsyncInvokeConfig "creates or modifies" the asynchronous
invocation configuration of a function's qualifier; GetFunctionAsyncInvokeConfig "queries" it;
DeleteFunctionAsyncInvokeConfig "deletes" it; ListFunctionAsyncInvokeConfigs "queries all
asynchronous invocation configurations of a function". Contract: after every write, a full walk of
the listing holds exactly the configs that exist: the ones there before, unchanged, and the ones put,
with the values put; Get of each returns the config the listing shows, Get of one deleted is a 404,
and the answer to a Put is the config with the values put (the SDKs return it as the config saved).
Every run makes the same scripted transitions first (a create, a modify of every documented field,
null and back, a delete, a re-create), then the sequences hypothesis's RuleBasedStateMachine
generates. When configs outside the run's qualifiers come or go (others write to the same function,
and the ground truth walked again agrees), only the run's own qualifiers are judged from then on,
and the summary says so.

Writes go only to --fc-write-qualifiers without a config when the clause begins, to a live service only
with --fc-allow-writes, and everything created is deleted at the end (fc_contract.judging.writes).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from fc_contract import Clause, Contract, ContractFailure, Exchange, Walk
from fc_contract.writes import Writer, cleanup, put_values, redacted

CLAUSE = Clause("state.writes")
pytestmark = [CLAUSE.mark, pytest.mark.fc_writes]
ARN = "acs:mns:cn-hangzhou:1234567890:/queues/fc-contract-{}/messages"
DESTINATION = st.none() | st.integers(1, 9).map(lambda n: {"destination": ARN.format(n)})
BODIES = st.fixed_dictionaries({}, optional={
    "destinationConfig": st.none() | st.fixed_dictionaries({}, optional={"onSuccess": DESTINATION,
                                                                          "onFailure": DESTINATION}),
    "maxAsyncEventAgeInSeconds": st.integers(1, 86400),
    "maxAsyncRetryAttempts": st.integers(0, 8),
    "statefulInvocation": st.booleans(),
})
SHOWN = ("createdTime", "destinationConfig", "function", "lastModifiedTime", "maxAsyncEventAgeInSeconds",
         "maxAsyncRetryAttempts", "qualifier", "service", "statefulInvocation")  # AsyncConfig's documented fields


def _destinations(value: Any) -> Any:
    """A destinationConfig as compared: none for absent or null ones, account ids as a recording keeps them."""
    if not isinstance(value, dict):
        return value
    kept = {k: value.get(k) for k in ("onSuccess", "onFailure")}
    return json.loads(redacted(json.dumps(kept))) if any(kept.values()) else None


def _same(field: str, put: Any, listed: Any) -> bool:
    """A value put and the value listed agree (a replayed listing has its account ids redacted)."""
    if field == "destinationConfig":
        return bool(_destinations(put) == _destinations(listed))
    return bool(put == listed and type(put) is type(listed))


class Writes(RuleBasedStateMachine):
    """The model: qualifier -> the values put; the listing must show exactly it, besides what was there before."""

    def __init__(self, writer: Writer, free: list[str], before: dict[str, dict[str, Any]]) -> None:
        super().__init__()
        self.writer, self.free, self.before = writer, free, before
        self.model: dict[str, dict[str, Any]] = {}
        self.steps: list[tuple[str, Exchange]] = []
        self.deleted: set[str] = set()  # qualifiers whose config this sequence deleted (and not put again)
        self.shared = False  # others changed configs outside the run's qualifiers: those are not judged

    def fail(self, what: str, expected: str, observed: str, exchange: Exchange | None) -> None:
        done = "; ".join(f"{n}. {text}" for n, (text, _) in enumerate(self.steps, 1)) or "no write yet"
        verdict = CLAUSE.verdict(f"{what} (after: {done})", expected, observed, exchange)
        steps = "".join(f"\n    {e.curl()}" for _, e in self.steps)
        detail = f"\n  the steps as requests:{steps}" if steps else ""
        raise ContractFailure(dataclasses.replace(verdict, detail=detail))

    @rule(data=st.data(), body=BODIES)
    def put(self, data: st.DataObject, body: dict[str, Any]) -> None:
        self.put_one(data.draw(st.sampled_from(self.free), label="qualifier"), body)

    def put_one(self, qualifier: str, body: dict[str, Any], refusable: bool = True) -> None:
        """Put `body`; its answer must be the config with the values put (what the SDKs return as the config saved)."""
        answer = self.writer.put(qualifier, body)
        self.steps.append((f"put {qualifier!r} {body}", answer))
        if answer.status == 400 and refusable:  # a server may refuse a destination it cannot reach: nothing changes
            return
        if answer.status != 200:
            self.fail(f"a put for qualifier {qualifier!r}", "200 with the config", answer.describe(), answer)
        values, shown = put_values(body), answer.json()
        wrong = [k for k, v in values.items() if not isinstance(shown, dict) or not _same(k, v, shown.get(k))]
        if wrong or not isinstance(shown, dict) or shown.get("qualifier") != qualifier:
            got = "; ".join(f"{k} {shown.get(k)!r}" for k in wrong) if isinstance(shown, dict) else answer.describe()
            got = got or f"qualifier {shown.get('qualifier')!r}" if isinstance(shown, dict) else got
            self.fail(f"the answer to a put for qualifier {qualifier!r}",
                      f"the config put: qualifier {qualifier!r}, {values}", got, answer)
        self.model[qualifier] = values
        self.deleted.discard(qualifier)

    @precondition(lambda self: self.model)
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        self.delete_one(data.draw(st.sampled_from(sorted(self.model)), label="qualifier"))

    def delete_one(self, qualifier: str) -> None:
        answer = self.writer.delete(qualifier)
        self.steps.append((f"delete {qualifier!r}", answer))
        if answer.status is None or not 200 <= answer.status < 300:
            self.fail(f"deleting the config of qualifier {qualifier!r}", "2xx (204)", answer.describe(), answer)
        del self.model[qualifier]
        self.deleted.add(qualifier)

    def others_wrote(self, listed: dict[str, dict[str, Any]], walk: Walk) -> bool:
        """True once configs outside the run's qualifiers came or went: others write to this listing too."""
        if not self.shared and set(listed) - set(self.free) != set(self.before):
            self.shared = self.writer.fc.changes(walk).changed
            if self.shared:
                self.writer.fc.judged_stable(CLAUSE)
        return self.shared

    @invariant()
    def listing_matches_the_model(self) -> None:
        listed, walk = self.writer.listing("after a write")
        if self.others_wrote(listed, walk):  # only the run's own qualifiers are the run's to judge
            listed = {q: c for q, c in listed.items() if q in self.free}
            self.before = {}
        for qualifier, config in self.before.items():
            if qualifier not in listed or any(listed[qualifier].get(k) != config.get(k) for k in SHOWN):
                what = "missing" if qualifier not in listed else "changed"
                self.fail(f"the config of qualifier {qualifier!r}, which the run did not touch", "listed unchanged",
                          f"{what} in the listing", walk.last)
        for qualifier in sorted(listed.keys() - self.before.keys() - self.model.keys()):
            why = "deleted" if any(t.startswith(f"delete {qualifier!r}") for t, _ in self.steps) else "never put"
            self.fail(f"a config for qualifier {qualifier!r}, {why} by the run", "not in the listing",
                      "listed", walk.last)
        for qualifier, values in self.model.items():
            if qualifier not in listed:
                self.fail(f"a config put for qualifier {qualifier!r}", "in the listing",
                          f"not in the listing ({len(listed)} configs listed)", walk.last)
            wrong = [k for k, v in values.items() if not _same(k, v, listed[qualifier].get(k))]
            if wrong:
                self.fail(f"the config put for qualifier {qualifier!r}", f"listed with the values put: {values}",
                          "; ".join(f"{k} {listed[qualifier].get(k)!r}" for k in wrong), walk.last)
            got = self.writer.get(qualifier)
            shown = got.json()
            if got.status != 200 or not isinstance(shown, dict):
                self.fail(f"a get of qualifier {qualifier!r}", "200 with the config", got.describe(), got)
            differ = [k for k in SHOWN if shown.get(k) != listed[qualifier].get(k)]
            if differ:
                self.fail(f"a get of qualifier {qualifier!r}", "the config the listing shows",
                          "; ".join(f"{k} {shown.get(k)!r} where listed {listed[qualifier].get(k)!r}"
                                    for k in differ[:4]), got)
        for qualifier in sorted(self.deleted):
            got = self.writer.get(qualifier)
            if got.status != 404:  # its error shape is the errors clause's to judge, as for any 404
                self.fail(f"a get of qualifier {qualifier!r}, whose config was deleted", "404", got.describe(), got)

    def teardown(self) -> None:
        for qualifier in list(self.model):
            self.writer.delete(qualifier)


def _destination(n: int) -> dict[str, str]:
    return {"destination": ARN.format(n)}


# Every documented field set, then each changed to another value: null to a value and back included.
FULL = {"destinationConfig": {"onSuccess": _destination(1), "onFailure": _destination(2)},
        "maxAsyncEventAgeInSeconds": 300, "maxAsyncRetryAttempts": 1, "statefulInvocation": False}
OTHER = {"destinationConfig": {"onSuccess": _destination(3), "onFailure": None},
         "maxAsyncEventAgeInSeconds": 600, "maxAsyncRetryAttempts": 2, "statefulInvocation": True}
NULLED = {"destinationConfig": None, "maxAsyncEventAgeInSeconds": 900, "maxAsyncRetryAttempts": 0,
          "statefulInvocation": False}
SCRIPT = (("create", FULL), ("modify every field", OTHER), ("destinationConfig to null", NULLED),
          ("null back to values", FULL), ("delete", None), ("re-create", OTHER))


def _scripted(machine: Writes, qualifier: str) -> str:
    """The transitions every run makes whatever the generator draws, each followed by the listing and Gets."""
    try:
        for _, body in SCRIPT:
            if body is None:
                machine.delete_one(qualifier)
            else:
                machine.put_one(qualifier, body, refusable=False)
            machine.listing_matches_the_model()
    finally:
        machine.teardown()
    return f"on {qualifier!r}: {', '.join(name for name, _ in SCRIPT)}, each checked by a walk and gets"


def test_the_listing_follows_puts_and_deletes(fc: Contract) -> None:
    writer = Writer(fc, CLAUSE)
    try:  # from the first write on: whatever ends the clause, the configs it put are deleted
        free, before = writer.prepare()
        # Each check after a write walks the whole listing: the clause's share of --fc-max-requests bounds the run.
        per_check = writer.walk_requests + 2 + len(free)
        checks = writer.affordable((len(SCRIPT) + 2) * per_check, "the scripted writes and the walks that check "
                                   "them") // per_check - len(SCRIPT)
        scripted = _scripted(Writes(writer, free, before), free[0])
        examples = max(1, min(settings().max_examples, 5, checks // 6))
        steps = max(1, min(5, checks // examples - 1))
        run_state_machine_as_test(lambda: Writes(writer, free, before), settings=settings(  # type: ignore[arg-type]
            max_examples=examples, stateful_step_count=steps))
    except BaseException:
        if writer.aborted is not None:  # the run's stop, not hypothesis's report of a sequence that ended early
            raise writer.aborted from None
        raise
    finally:
        left = cleanup(fc, CLAUSE.id)
        if left:
            fc.note(f"state.writes: could NOT delete configs it created: {'; '.join(left)}")
    fc.cover(CLAUSE, "writes", f"scripted {scripted}; then {examples} generated sequences of up to {steps} puts, "
             f"deletes and gets on {', '.join(free)}")
