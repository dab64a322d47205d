"""pagination.under-writes: a config that stays put through a walk is listed exactly once, whatever else changes.

Documented (API reference, ListFunctionAsyncInvokeConfigs): nextToken is "the token required to obtain
more results"; the documentation says nothing of what writes between pages do to a walk. Contract
choice (--fc-tokens-under-writes=any relaxes it to "the walk still ends"): while configs are put and
deleted between its pages, a walk lists every config that exists, unchanged, for the whole walk exactly
once. A token naming a position in the listing (the last qualifier served) keeps this; an offset does not:
deleting a config the walk has passed makes it skip one, putting one before its position repeats one.
Configs that others delete during the run (the ground truth, walked again, no longer lists them) are
not judged.

Writes go only to --fc-write-qualifiers without a config when the clause begins, to a live service only
with --fc-allow-writes, and everything created is deleted at the end (fc_contract.judging.writes).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest

from fc_contract import Choice, Clause, Contract, Exchange, Walk, walk
from fc_contract.writes import PROBE, Writer, cleanup

CLAUSE = Clause("pagination.under-writes")
pytestmark = [CLAUSE.mark, pytest.mark.fc_writes]
CHOICE = Choice("--fc-tokens-under-writes=any")


def _put(writer: Writer, qualifier: str, steps: list[str]) -> None:
    answer = writer.put(qualifier, dict(PROBE))
    CLAUSE.check(answer.status == 200, f"a put of {PROBE} for qualifier {qualifier!r}", "200 with the config",
                 answer.describe(), answer)
    steps.append(f"put {qualifier!r}")


def _delete(writer: Writer, qualifier: str, steps: list[str]) -> None:
    answer = writer.delete(qualifier)
    CLAUSE.check(answer.status is not None and 200 <= answer.status < 300,
                 f"deleting the config of qualifier {qualifier!r} mid-walk", "2xx (204)", answer.describe(), answer)
    steps.append(f"delete {qualifier!r}")


@dataclass
class Plan:
    """Where the clause's own configs landed in the listing, and the writes that discriminate between pages.

    A delete before the walk's position makes an offset token skip the config at it; a put before its position
    makes one repeat the config before it: each is made where an untouched config is the one that would be
    skipped or repeated. A write after the position is made too: a walk must not care about it either.
    """

    order: list[str]  # the listing with the clause's configs in it, as a walk without writes saw it
    ours: list[str]
    deleted: str  # deleted once the walk has passed it
    put: str  # deleted before the walk, put again once the walk has passed its place
    made: dict[str, str] = field(default_factory=dict)  # kind of write -> the step that made it

    def position(self, qualifier: str) -> int:
        return self.order.index(qualifier)

    def untouched(self, index: int) -> bool:
        return 0 <= index < len(self.order) and self.order[index] not in self.ours


def _plan(fc: Contract, writer: Writer, free: list[str], total: int, steps: list[str]) -> tuple[Plan, Walk, int]:
    """Put every free qualifier first and list: where the listing's order puts them decides the writes and the limit.

    The limit leaves at least two page boundaries after the first of them, so that each write before the position
    lands at a boundary of its own; the walk without writes at that limit comes back with the plan.
    """
    for qualifier in free:
        _put(writer, qualifier, steps)
    listed, _ = writer.listing("after the clause's puts")
    order = list(listed)
    inside = [q for q in free if q in order and any(q2 not in free for q2 in order[order.index(q) + 1:])]
    if not inside:
        CLAUSE.skip(f"a write qualifier the listing orders before another config: {', '.join(free)} are listed after "
                    f"every other config of {fc.service}/{fc.function}, so no write can land before the walk's "
                    "position with configs still to visit (name --fc-write-qualifiers that sort earlier)")
    after_first = sum(1 for q in order[order.index(inside[0]) + 1:] if q not in free)
    limit = max(1, min(100, total // 10, after_first // 2))
    needed = -(-(total + len(free)) // min(limit, writer.page_size)) + 1
    writer.affordable(2 * needed + 2 * len(free), f"two limit={limit} walks, one of them with writes")
    plain = walk(fc.client, fc.service, fc.function, limit, fc.settings.max_pages, total=total + len(free))
    order = [str(q) for q in plain.qualifiers()] if plain.complete else order
    plan = Plan(order, list(free), inside[0], inside[1] if len(inside) > 1 else inside[0])
    return plan, plain, limit


def _walk_while_writing(fc: Contract, writer: Writer, plan: Plan, size: int, limit: int,
                        steps: list[str]) -> list[Exchange]:
    """Walk with `limit`, making the plan's writes between its pages (see Plan)."""
    present = set(plan.ours)
    if plan.put != plan.deleted:
        _delete(writer, plan.put, steps)
        present.discard(plan.put)
        steps[-1] += " before the walk"
    seen: list[str] = []
    pages: list[Exchange] = []
    token: str | None = None
    smallest = limit
    while len(pages) < 2 * -(-(size + len(plan.ours)) // smallest) + 3:  # twice the pages it can need: it ends
        query = [("limit", str(limit))] + ([("nextToken", token)] if token else [])
        page = fc.page(query)
        pages.append(page)
        data = page.json()
        if page.status != 200 or not isinstance(data, dict) or not isinstance(data.get("configs"), list):
            return pages
        seen += [str(c.get("qualifier")) for c in data["configs"] if isinstance(c, dict)]
        smallest = min(smallest, len(data["configs"]) or smallest)
        token = data.get("nextToken")
        if token in ("", None) or not isinstance(token, str):
            return pages
        at = max((plan.position(q) for q in seen if q in plan.order), default=-1)  # the walk's position
        after = f" after page {len(pages)}"
        if "delete before" not in plan.made and plan.deleted in present and plan.position(plan.deleted) <= at \
                and plan.untouched(at + 1):
            _delete(writer, plan.deleted, steps)
            present.discard(plan.deleted)
            plan.made["delete before"] = steps[-1] + after
        elif "put before" not in plan.made and plan.put not in present and plan.position(plan.put) < at \
                and plan.untouched(at):
            _put(writer, plan.put, steps)
            present.add(plan.put)
            plan.made["put before"] = steps[-1] + after
        elif "write after" not in plan.made and (ahead := [q for q in plan.ours if plan.position(q) > at + 1]):
            if ahead[-1] in present:
                _delete(writer, ahead[-1], steps)
                present.discard(ahead[-1])
            else:
                _put(writer, ahead[-1], steps)
                present.add(ahead[-1])
            plan.made["write after"] = steps[-1] + after
        else:
            continue
        steps[-1] += after
    return pages


def _planned(fc: Contract, writer: Writer, steps: list[str]) -> tuple[dict[str, dict[str, Any]], int, list[Exchange],
                                                                      Plan]:
    """The listing before, the limit, the pages of the walk with writes, and its plan; skips when it cannot judge."""
    free, before = writer.prepare()
    if len(before) < 2:
        CLAUSE.skip(f"at least 2 configs the run does not touch on {fc.service}/{fc.function}; it has {len(before)}")
    # The same walk without writes first, sent by this clause so that a replay of it alone serves its own pages:
    # a fault it shows is pagination.termination's or pagination.consistency's, not this clause's.
    plan, plain, limit = _plan(fc, writer, free, len(before), steps)
    listed = sorted(q for q in plan.order if q not in free)
    changes = fc.changes(plain) if plain.complete and listed != sorted(before) else None
    if changes is not None and changes.changed and len(set(listed)) == len(listed):
        stable = set(changes.stable())  # others write to this listing: judge what stays
        before = {q: c for q, c in before.items() if q in stable and q in listed}
        listed = sorted(before)
    if not plain.complete or listed != sorted(before):
        CLAUSE.skip(f"a limit={limit} walk that lists each config once without writes; it ended with "
                    f"{plain.end.value} (pagination.termination and pagination.consistency say why)")
    return before, limit, _walk_while_writing(fc, writer, plan, len(plain.items), limit, steps), plan


def test_untouched_configs_are_listed_once_during_writes(fc: Contract) -> None:
    writer, steps = Writer(fc, CLAUSE), list[str]()
    try:  # from the first write on: whatever ends the clause, the configs it put are deleted
        before, limit, pages, plan = _planned(fc, writer, steps)
    finally:
        left = cleanup(fc, CLAUSE.id)
        if left:
            fc.note(f"pagination.under-writes: could NOT delete configs it created: {'; '.join(left)}")
    what = f"a limit={limit} walk with writes between its pages ({'; '.join(steps)})"
    last = pages[-1]
    data = last.json()
    ended = last.status == 200 and isinstance(data, dict) and data.get("nextToken") in ("", None)
    if fc.settings.tokens_under_writes == "any":
        CLAUSE.check(ended or last.status != 200, what, "a last page", f"{len(pages)} pages without one", last)
        return
    CLAUSE.check(ended, what, "a last page", f"{last.describe()} after {len(pages)} pages", last,
                 choice=CHOICE)
    counts = Counter(str(c.get("qualifier")) for p in pages for c in p.json()["configs"] if isinstance(c, dict))
    missing = [q for q in before if counts[q] == 0]
    twice = [q for q in before if counts[q] > 1]
    changes = fc.changes() if missing else None  # gone from the listing, or deleted by another writer meanwhile?
    if changes is not None and changes.changed:
        fc.judged_stable(CLAUSE)
        missing = [q for q in missing if q in set(changes.stable())]
    CLAUSE.check(not missing and not twice, what, f"each of the {len(before)} untouched configs once",
                 f"missing {missing[:5]}, repeated {twice[:5]}", last, choice=CHOICE)
    unmade = [kind for kind in ("delete before", "put before") if kind not in plan.made]
    if unmade and pages[-1].status == 200:
        CLAUSE.skip(f"a walk long enough for a {' and a '.join(unmade)} the walk's position with an untouched config "
                    f"there; the listing's order ({', '.join(plan.ours)} among {len(plan.order)} configs at "
                    f"limit={limit}) left no such place")
    fc.cover(CLAUSE, "writes", f"{len(pages)} pages of limit={limit}, writes between them: "
             + "; ".join(f"{kind} the walk's position ({step})" for kind, step in plan.made.items()))
