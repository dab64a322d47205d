"""limit.bounds: the page size the `limit` query parameter allows.

Documented (API reference, ListFunctionAsyncInvokeConfigs, request parameter `limit`): "The maximum
number of resources to return. Default value: 20. The value cannot exceed 100. The number of returned
configurations is less than or equal to the specified number."
Contract choice (not documented): 0, negatives, over 100, non-integers and "" get 400
InvalidArgument; --fc-invalid-input=lenient accepts any 4xx, or a clamped page for integers.
"""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from fc_contract import LIMITS, Clause, Contract, Exchange, expect_error, expect_page, spans

CLAUSE = Clause("limit.bounds")
pytestmark = CLAUSE.mark
VALID = re.compile(r"[0-9]+")


def test_no_page_of_a_walk_exceeds_the_limit(fc: Contract) -> None:
    for walk in fc.planned_walks(CLAUSE):
        limit = walk.limit or 20
        for number, (page, size) in enumerate(zip(walk.pages, walk.page_sizes, strict=False), start=1):
            CLAUSE.check(size <= limit, f"page {number} of a {'limit=' + str(limit) if walk.limit else 'no-limit'} "
                         "walk", f"at most {limit} configs", f"{size}", page)


def test_every_limit_1_to_100_is_accepted_and_bounds_the_page(fc: Contract) -> None:
    """All 100 values, not a sample: a fault at a single limit is still a fault.

    Runs after the walks: a walk's first page is this very request, so it is not sent twice.
    """
    limits = fc.page_limits()
    over: list[tuple[int, int, Exchange]] = []
    for limit in limits:
        page = fc.first_page(limit)
        configs = expect_page(CLAUSE, page, f"limit={limit}")
        if len(configs) > limit:
            over.append((limit, len(configs), page))
    sample = "all" if len(limits) == len(LIMITS) else f"sampled: {spans(limits)} (profile dev)"
    fc.cover(CLAUSE, "pages", f"single pages at limits 1..100, {sample} ({len(limits)} requests)")
    if over:
        limit, size, page = over[0]
        others = "".join(f"; limit={n}: {m}" for n, m, _ in over[1:6])
        CLAUSE.fail(f"limit={limit}", f"at most {limit} configs", f"{size}{others}", page)


def test_an_omitted_limit_means_20(fc: Contract) -> None:
    page = fc.page()
    configs = expect_page(CLAUSE, page, "no limit")
    CLAUSE.check(len(configs) <= 20, "no limit (default 20)", "at most 20 configs", f"{len(configs)}", page)


def _invalid(value: str) -> bool:
    return not (VALID.fullmatch(value) and 1 <= int(value) <= 100)


INVALID = st.one_of(
    st.integers(max_value=0).map(str),
    st.integers(min_value=101).map(str),
    st.from_regex(r"[A-Za-z.,_-]{1,6}", fullmatch=True),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
).filter(_invalid)


@given(raw=INVALID)
@example(raw="0")
@example(raw="-1")
@example(raw="101")
@example(raw="1000000")
@example(raw="99999999999999999999")
@example(raw="1.5")
@example(raw="abc")
@example(raw="")
def test_out_of_range_and_non_integer_limits_are_rejected(fc: Contract, raw: str) -> None:
    what = f"limit={raw!r}"
    exchange = fc.page([("limit", raw)])
    is_integer = bool(re.fullmatch(r"-?[0-9]+", raw))
    if fc.strict or not is_integer or exchange.status != 200:
        expect_error(CLAUSE, exchange, what, 400 if fc.strict else None, "InvalidArgument" if fc.strict else None,
                     choice=fc.choice)
        return
    configs = expect_page(CLAUSE, exchange, what)  # lenient: an out-of-range integer may be clamped
    CLAUSE.check(len(configs) <= 100, f"{what} (lenient)", "a 4xx, or at most 100 configs", f"{len(configs)}",
                 exchange)
