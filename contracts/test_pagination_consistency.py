"""pagination.consistency: the pages of any walk are exactly the listing, once each, in one order.

Documented (API reference, ListFunctionAsyncInvokeConfigs): nextToken is "the token required to
obtain more results"; each config names its `service`, `function` and `qualifier` ("the version
or alias of the service"). Contract: for any limit the union of the pages equals the full listing
(ground truth: a limit=100 walk), no qualifier appears twice, repeated walks return the same order,
and every config belongs to the function in the path.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fc_contract import TRUTH_LIMIT, Clause, Contract, Walk

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


def _judge_walk(truth: Walk, walk: Walk) -> None:
    what = f"the pages of a {'no-limit' if walk.limit is None else f'limit={walk.limit}'} walk"
    twice = _duplicates(walk)
    CLAUSE.check(not twice, what, "each qualifier once", f"{', '.join(twice[:5])} more than once", walk.last)
    if not walk.complete:
        return  # the pages so far hold no duplicate; the walk's own failure is pagination.termination's
    expected, observed = truth.qualifiers(), walk.qualifiers()
    missing = [q for q in expected if q not in observed]
    extra = [q for q in observed if q not in expected]
    CLAUSE.check(not missing and not extra, what, f"the {len(expected)} configs of the limit={TRUTH_LIMIT} walk",
                 f"missing {missing[:5]}, extra {extra[:5]}", walk.last)
    if observed != expected:
        at = next((i for i, (a, b) in enumerate(zip(expected, observed, strict=False)) if a != b), len(observed))
        CLAUSE.fail(what, f"the order of the limit={TRUTH_LIMIT} walk",
                    f"another order from position {at}: {observed[at:at + 3]} where {expected[at:at + 3]}",
                    walk.pages[walk.item_pages[at]] if at < len(walk.item_pages) else walk.last)
    changed = [a.get("qualifier") for a, b in zip(truth.items, walk.items, strict=False) if a != b]
    CLAUSE.check(not changed, what, "the same configs as the limit=100 walk", f"different fields for {changed[:5]}",
                 walk.last)


def test_the_pages_make_up_the_listing(fc: Contract) -> None:
    """Every planned walk: all limits 1..100 and none, where the budget allows (see fc_contract.judging.plan)."""
    truth = _needs(fc, 2)
    for walk in fc.planned_walks(CLAUSE):
        _judge_walk(truth, walk)


@pytest.mark.fc_thorough
@settings(max_examples=25)
@given(limit=st.integers(1, 100))
def test_repeated_walks_agree(fc: Contract, limit: int) -> None:
    """Profile thorough: fresh walks at random limits, again and again, still make up the listing."""
    truth = _needs(fc, 2)
    _judge_walk(truth, fc.walk(limit, fresh=True))


def test_every_walk_has_the_same_order(fc: Contract) -> None:
    truth = _needs(fc, 2)
    again = fc.walk(TRUTH_LIMIT, fresh=True)
    CLAUSE.check(again.qualifiers() == truth.qualifiers(), f"a second limit={TRUTH_LIMIT} walk",
                 f"the order of the first: {truth.qualifiers()[:6]}...", f"{again.qualifiers()[:6]}...", again.last)


def test_every_config_belongs_to_the_path(fc: Contract) -> None:
    truth = _needs(fc, 1)
    for item, page in zip(truth.items, truth.item_pages, strict=True):
        owner = (item.get("service"), item.get("function"))
        CLAUSE.check(owner == (fc.service, fc.function), f"config {item.get('qualifier')!r}",
                     f"service {fc.service!r} and function {fc.function!r}",
                     f"service {owner[0]!r} and function {owner[1]!r}", truth.pages[page])
