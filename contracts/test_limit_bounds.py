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

from fc_contract.contract import Contract
from fc_contract.judge import expect_error, expect_page
from fc_contract.verdict import Clause

CLAUSE = Clause("limit.bounds")
pytestmark = CLAUSE.mark
VALID = re.compile(r"[0-9]+")


@given(limit=st.integers(1, 100))
@example(limit=1)
@example(limit=2)
@example(limit=20)
@example(limit=99)
@example(limit=100)
def test_limits_1_to_100_are_accepted_and_bound_the_page(fc: Contract, limit: int) -> None:
    page = fc.page([("limit", str(limit))])
    configs = expect_page(CLAUSE, page, f"limit={limit}")
    CLAUSE.check(len(configs) <= limit, f"limit={limit}", f"at most {limit} configs", f"{len(configs)}", page)


def test_an_omitted_limit_means_20(fc: Contract) -> None:
    page = fc.page()
    configs = expect_page(CLAUSE, page, "no limit")
    CLAUSE.check(len(configs) <= 20, "no limit (default 20)", "at most 20 configs", f"{len(configs)}", page)


@given(limit=st.sampled_from([1, 3, 7, 20]))
@example(limit=7)
def test_no_page_of_a_walk_exceeds_the_limit(fc: Contract, limit: int) -> None:
    walk = fc.walk(limit)
    for number, (page, size) in enumerate(zip(walk.pages, walk.page_sizes, strict=False), start=1):
        CLAUSE.check(size <= limit, f"page {number} of a limit={limit} walk", f"at most {limit} configs",
                     f"{size}", page)


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
        expect_error(CLAUSE, exchange, what, 400 if fc.strict else None, "InvalidArgument" if fc.strict else None)
        return
    configs = expect_page(CLAUSE, exchange, what)  # lenient: an out-of-range integer may be clamped
    CLAUSE.check(len(configs) <= 100, f"{what} (lenient)", "a 4xx, or at most 100 configs", f"{len(configs)}",
                 exchange)
