"""limit.bounds: the page size the `limit` query parameter allows.

Documented (API reference, ListFunctionAsyncInvokeConfigs, request parameter `limit`): "The maximum
number of resources to return. Default value: 20. The value cannot exceed 100. The number of returned
configurations is less than or equal to the specified number."
Contract choices (not documented): 0, negatives, over 100, non-integers and "" get 400
InvalidArgument, and pages without limit are as full as those of limit=20 where the listing goes on;
--fc-invalid-input=lenient accepts any 4xx, or a clamped page for integers, and shorter default pages.
"""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from fc_contract import LIMITS, Clause, Contract, Exchange, Walk, expect_error, expect_page, spans

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


def _full_pages(walk: Walk) -> list[int]:
    """The sizes of a walk's pages before its last: a last page is short because the listing ends there."""
    return walk.page_sizes[:-1] if walk.complete else walk.page_sizes


def test_an_omitted_limit_serves_the_pages_limit_20_does(fc: Contract) -> None:
    """The default is 20, not merely at most 20: pages short at both are conforming, shorter ones without limit not.

    Compares the pages of the no-limit and limit=20 walks position by position, before either's last page
    (from the planned walks; without them, the first page of each). A contract choice: "less than or equal
    to the specified number" lets a server serve fewer, but not consistently fewer for the default alone.
    """
    fc.truth(CLAUSE, skip_if_broken=True)
    if not fc.strict:
        return  # --fc-invalid-input=lenient: at most 20 (test_an_omitted_limit_means_20) is all it asks
    planned = fc.plan().limits
    if None in planned and 20 in planned:
        default, twenty = fc.walk(None), fc.walk(20)
        pairs = list(zip(_full_pages(default), _full_pages(twenty), strict=False))
        evidence = default.pages[0]
    else:
        first_default, first_twenty = fc.page(), fc.first_page(20)
        sizes = [len(expect_page(CLAUSE, e, w)) for e, w in ((first_default, "no limit"), (first_twenty, "limit=20"))]
        pairs = [(sizes[0], sizes[1])] if _more(first_default) and _more(first_twenty) else []
        evidence = first_default
    shorter = [n for n, (a, b) in enumerate(pairs, start=1) if a < b]
    CLAUSE.check(not pairs or len(shorter) < len(pairs), "pages without limit (default 20)",
                 "as many configs as limit=20 gets at the same position",
                 "; ".join(f"page {n}: {pairs[n - 1][0]} where limit=20 got {pairs[n - 1][1]}" for n in shorter[:4]),
                 evidence, choice=fc.choice)


def _more(exchange: Exchange) -> bool:
    """True when a page's nextToken says more pages follow."""
    data = exchange.json()
    return isinstance(data, dict) and data.get("nextToken") not in ("", None)


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
