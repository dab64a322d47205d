"""pagination.consistency: the pages of any walk are exactly the listing, once each, in one order.

Documented (API reference, ListFunctionAsyncInvokeConfigs): nextToken is "the token required to
obtain more results"; each config names its `service`, `function` and `qualifier` ("the version
or alias of the service"). Contract: for any limit the union of the pages equals the full listing
(ground truth: a limit=100 walk), no qualifier appears twice, repeated walks return the same order,
and every config belongs to the function in the path. On a listing others write to while it is walked
(the ground truth, walked again when a walk disagrees, lists other configs) every config present
throughout appears exactly once in every walk, in one order; configs that come and go are not judged.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fc_contract import TRUTH_LIMIT, Changes, Clause, Contract, Walk, difference

CLAUSE = Clause("pagination.consistency")
pytestmark = CLAUSE.mark


def _needs(fc: Contract, count: int) -> Walk:
    truth = fc.truth(CLAUSE, skip_if_broken=True)
    if len(truth.items) < count:
        CLAUSE.skip(f"at least {count} configs on {fc.service}/{fc.function}; the target has {len(truth.items)}")
    return truth


def _duplicates(walk: Walk) -> list[Any]:
    return [q for q, n in Counter(map(repr, walk.qualifiers())).items() if n > 1]


def test_no_qualifier_appears_twice(fc: Contract) -> None:
    truth = _needs(fc, 2)
    twice = _duplicates(truth)
    CLAUSE.check(not twice, f"walking with limit={TRUTH_LIMIT}", "each qualifier once",
                 f"{', '.join(twice[:5])} more than once", truth.last)


def _judge_walk(fc: Contract, truth: Walk, walk: Walk) -> None:
    what = f"the pages of a {'no-limit' if walk.limit is None else f'limit={walk.limit}'} walk"
    twice = _duplicates(walk)
    if not walk.complete:
        CLAUSE.check(not twice, what, "each qualifier once", f"{', '.join(twice[:5])} more than once", walk.last)
        return  # the pages so far hold no duplicate; the walk's own failure is pagination.termination's
    expected, observed = [str(q) for q in truth.qualifiers()], [str(q) for q in walk.qualifiers()]
    if twice or observed != expected or truth.items != walk.items:
        changes = fc.changes(walk)  # a disagreement: did the listing change while the run walked it?
        if changes.changed:
            fc.judged_stable(CLAUSE)
            _judge_over_stable(changes, truth, walk, what)
            return
    CLAUSE.check(not twice, what, "each qualifier once", f"{', '.join(twice[:5])} more than once", walk.last)
    listed, walked = set(expected), set(observed)  # sets: a listing of thousands is judged in linear time
    missing = [q for q in expected if q not in walked]
    extra = [q for q in observed if q not in listed]
    CLAUSE.check(not missing and not extra, what, f"the {len(expected)} configs of the limit={TRUTH_LIMIT} walk",
                 f"missing {missing[:5]}, extra {extra[:5]}", walk.last)
    _judge_order(truth, walk, expected, observed, what)
    changed = [a.get("qualifier") for a, b in zip(truth.items, walk.items, strict=False) if a != b]
    CLAUSE.check(not changed, what, "the same configs as the limit=100 walk", f"different fields for {changed[:5]}",
                 walk.last)


def _judge_order(truth: Walk, walk: Walk, expected: list[str], observed: list[str], what: str) -> None:
    """The walk lists `observed` in the order `expected` has (the same configs, or those present throughout)."""
    found = difference(expected, observed)
    if found is not None:
        at, wanted, got = found
        index = [str(q) for q in walk.qualifiers()].index(observed[at]) if at < len(observed) else None
        CLAUSE.fail(what, f"the order of the limit={TRUTH_LIMIT} walk, {wanted}", f"another order, {got}",
                    walk.pages[walk.item_pages[index]] if index is not None else walk.last)


def _judge_over_stable(changes: Changes, truth: Walk, walk: Walk, what: str) -> None:
    """On a listing that changed while it was walked: every config present throughout, once, in the one order."""
    stable = changes.stable()
    keep = set(stable)
    observed = [str(q) for q in walk.qualifiers()]
    twice = [q for q, n in Counter(q for q in observed if q in keep).items() if n > 1]
    CLAUSE.check(not twice, what, "each config present throughout the run once",
                 f"{', '.join(twice[:5])} more than once", walk.last)
    walked = set(observed)
    missing = [q for q in stable if q not in walked]
    CLAUSE.check(not missing, what, f"the {len(stable)} configs present throughout the run "
                 f"(the listing changed: {changes.describe()})", f"missing {missing[:5]}", walk.last)
    _judge_order(truth, walk, stable, [q for q in observed if q in keep], what)


def test_the_pages_make_up_the_listing(fc: Contract) -> None:
    """Every planned walk: all limits 1..100 and none, where the budget allows (see fc_contract.judging.plan)."""
    truth = _needs(fc, 2)
    for walk in fc.planned_walks(CLAUSE):
        _judge_walk(fc, truth, walk)


@pytest.mark.fc_thorough
@settings(max_examples=25)
@given(limit=st.integers(1, 100))
def test_repeated_walks_agree(fc: Contract, limit: int) -> None:
    """Profile thorough: fresh walks at random limits, again and again, still make up the listing."""
    truth = _needs(fc, 2)
    _judge_walk(fc, truth, fc.walk(limit, fresh=True))


def test_every_walk_has_the_same_order(fc: Contract) -> None:
    truth = _needs(fc, 2)
    again = fc.walk(TRUTH_LIMIT, fresh=True)
    first, second = [str(q) for q in truth.qualifiers()], [str(q) for q in again.qualifiers()]
    if first != second and set(first) != set(second) and again.complete and fc.changes(again).changed:
        fc.judged_stable(CLAUSE)  # another config set: the listing changed; the order of those in both is judged
        both = set(first) & set(second)
        first, second = [q for q in first if q in both], [q for q in second if q in both]
    found = difference(first, second)
    if found is not None:
        CLAUSE.fail(f"a second limit={TRUTH_LIMIT} walk", f"the order of the first, {found[1]}", found[2], again.last)


def test_every_config_belongs_to_the_path(fc: Contract) -> None:
    truth = _needs(fc, 1)
    for item, page in zip(truth.items, truth.item_pages, strict=True):
        owner = (item.get("service"), item.get("function"))
        CLAUSE.check(owner == (fc.service, fc.function), f"config {item.get('qualifier')!r}",
                     f"service {fc.service!r} and function {fc.function!r}",
                     f"service {owner[0]!r} and function {owner[1]!r}", truth.pages[page])
