"""pagination.termination: following nextToken from the first page reaches the last page.

Documented (API reference, ListFunctionAsyncInvokeConfigs): "If the number of configurations exceeds
the value of the limit parameter, the nextToken parameter is returned. You can use the nextToken
parameter to query the next page of results." The last page has been observed with nextToken "";
"", null and an absent nextToken all end the listing. A walk of N configs with limit L must end
within ceil(N/L)+1 requests (L being the smallest page actually served, as pages may be shorter);
a token that comes back is a loop, reported at once. On a listing others write to while it is walked,
N follows the configs the walk sees, up to half as many again as the ground truth's (at least ten more)
(fc_contract.judging.walker.observed_total): a listing that grows faster than it can be read never ends.
"""

from __future__ import annotations

from fc_contract import TRUTH_LIMIT, Clause, Contract, End, Walk, observed_total, request_bound

CLAUSE = Clause("pagination.termination")
pytestmark = CLAUSE.mark


def _judge(walk: Walk, total: int | None) -> None:
    what = f"walking the listing with {'no limit' if walk.limit is None else f'limit={walk.limit}'}"
    if walk.end in (End.REPEAT, End.CYCLE):
        CLAUSE.fail(what, "every nextToken new until the last page", f"{walk.end.value}: {walk.detail}", walk.last)
    if walk.end is End.CAP:
        if total is None:
            bound = "a last page, the last requests serving no new config"
        else:
            size = observed_total(total, len({repr(q) for q in walk.qualifiers()}))
            grew = f" ({total} when the listing was first walked)" if size > total else ""
            bound = f"a last page within {request_bound(walk, size)} requests for {size} configs{grew}"
        CLAUSE.fail(what, bound, walk.detail, walk.last)
    if walk.end not in (End.LAST_PAGE, End.OVER_ALLOWANCE):  # over its allowance: unjudged, and noted
        CLAUSE.fail(what, "every page a 200 until the last one", f"page {len(walk.pages)}: {walk.detail}", walk.last)


def test_the_full_listing_ends(fc: Contract) -> None:
    truth = fc.walk(TRUTH_LIMIT)
    if truth.end is End.TOO_LARGE:
        fc.truth(CLAUSE)  # skips, saying how to read a larger listing
    _judge(truth, None)


def test_every_walk_ends_within_its_bound(fc: Contract) -> None:
    """Every planned walk: all limits 1..100 and none, where the budget allows (see fc_contract.judging.plan)."""
    total = len(fc.truth(CLAUSE).items)
    for walk in fc.planned_walks(CLAUSE):
        _judge(walk, total)
