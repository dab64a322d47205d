"""The walk plan: every limit when affordable, the stated selection when not, never over the share."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fc_contract.judging.plan import LIMITS, plan_walks, spans, walk_cost


def test_a_small_listing_walks_every_limit_and_none() -> None:
    plan = plan_walks(45, 45, 1000)
    assert set(plan.limits) == {None, *LIMITS}
    assert plan.left_out == ()
    assert plan.coverage(278) == "walks at 100 of 100 limits and without limit, all (278 requests)"


def test_a_large_listing_walks_what_the_share_pays_for_cheapest_first() -> None:
    plan = plan_walks(10_000, 100, 1000)
    assert plan.limits == (None, 96, 97, 98, 99, 100)
    assert sum(plan.cost(limit) for limit in plan.limits if limit != 100) <= 1000
    assert plan.coverage(914) == (
        "walks at 5 of 100 limits (96..100) and without limit (914 requests); left out 1..95: over the walks' "
        "budget of 1000 requests for 10000 configs (the cheapest, limit=95, would cost 107; raise --fc-max-requests)")


def test_a_middle_listing_keeps_every_boundary_and_says_so() -> None:
    plan = plan_walks(250, 100, 1000)
    assert {None, 1, 2, 99, 100} <= set(plan.limits)
    assert "boundaries" in plan.tiers_complete
    assert ": boundaries (" in plan.coverage(1000)


def test_the_boundaries_include_the_listing_size_when_in_range() -> None:
    assert {44, 45, 46} <= set(plan_walks(45, 45, 10).limits)


def test_dev_samples_and_says_so() -> None:
    plan = plan_walks(45, 45, 1000, sample=True)
    assert len(plan.limits) < 30
    assert "sampled" in plan.coverage(10)


def test_spans() -> None:
    assert spans([7, 1, 2, 3, 9, 10]) == "1..3, 7, 9..10"


@settings(max_examples=200, deadline=None)
@given(total=st.integers(0, 20_000), page=st.integers(1, 100), budget=st.integers(0, 3000))
def test_a_plan_never_costs_more_than_its_budget_and_names_every_limit(total: int, page: int, budget: int) -> None:
    plan = plan_walks(total, page, budget)
    assert sum(plan.cost(limit) for limit in plan.limits if limit != 100) <= budget
    assert set(plan.limits) | set(plan.left_out) == {None, *LIMITS}
    assert not set(plan.limits) & set(plan.left_out)
    assert walk_cost(total, 1, page) >= walk_cost(total, 100, page)
