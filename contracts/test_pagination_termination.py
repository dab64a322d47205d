"""pagination.termination: following nextToken from the first page reaches the last page.

Documented (API reference, ListFunctionAsyncInvokeConfigs): "If the number of configurations exceeds
the value of the limit parameter, the nextToken parameter is returned. You can use the nextToken
parameter to query the next page of results." The last page has been observed with nextToken "";
"", null and an absent nextToken all end the listing. A walk of N configs with limit L must end
within ceil(N/L)+1 requests (L being the smallest page actually served, as pages may be shorter);
a token that comes back is a loop, reported at once.
"""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from fc_contract.contract import TRUTH_LIMIT, Contract
from fc_contract.verdict import Clause
from fc_contract.walker import End, Walk, request_bound

CLAUSE = Clause("pagination.termination")
pytestmark = CLAUSE.mark


def _judge(walk: Walk, total: int | None) -> None:
    what = f"walking the listing with {'limit=' + str(walk.limit) if walk.limit else 'no limit'}"
    if walk.end in (End.REPEAT, End.CYCLE):
        CLAUSE.fail(what, "every nextToken new until the last page", f"{walk.end.value}: {walk.detail}", walk.last)
    if walk.end is End.CAP:
        bound = (f"a last page within {request_bound(walk, total)} requests for {total} configs"
                 if total is not None else "a last page")
        CLAUSE.fail(what, bound, walk.detail, walk.last)
    if walk.end is not End.LAST_PAGE:
        CLAUSE.fail(what, "every page a 200 until the last one", f"page {len(walk.pages)}: {walk.detail}", walk.last)


def test_the_full_listing_ends(fc: Contract) -> None:
    _judge(fc.walk(TRUTH_LIMIT), None)


@given(limit=st.integers(1, 100))
@example(limit=1)
@example(limit=2)
@example(limit=20)
def test_every_walk_ends_within_its_bound(fc: Contract, limit: int) -> None:
    total = len(fc.truth(CLAUSE).items)
    _judge(fc.walk(limit), total)


def test_a_walk_without_limit_ends(fc: Contract) -> None:
    total = len(fc.truth(CLAUSE).items)
    _judge(fc.walk(None), total)
