"""pagination.under-writes: a config that stays put through a walk is listed exactly once, whatever else changes.

Documented (API reference, ListFunctionAsyncInvokeConfigs): nextToken is "the token required to obtain
more results"; the documentation says nothing of what writes between pages do to a walk. Contract
choice (--fc-tokens-under-writes=any relaxes it to "the walk still ends"): while configs are put and
deleted between its pages, a walk lists every config that exists, unchanged, for the whole walk exactly
once. A token naming a position in the listing (the last qualifier served) keeps this; an offset does not:
deleting a config the walk has passed makes it skip one, putting one before its position repeats one.

Writes go only to --fc-write-qualifiers without a config when the clause begins, to a live service only
with --fc-allow-writes, and everything created is deleted at the end (fc_contract.judging.writes).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from fc_contract import Choice, Clause, Contract, Exchange, walk
from fc_contract.writes import PROBE, Writer, cleanup

CLAUSE = Clause("pagination.under-writes")
pytestmark = [CLAUSE.mark, pytest.mark.fc_writes]
CHOICE = Choice("--fc-tokens-under-writes=any")


def _put(writer: Writer, qualifier: str, steps: list[str]) -> None:
    answer = writer.put(qualifier, dict(PROBE))
    CLAUSE.check(answer.status == 200, f"a put of {PROBE} for qualifier {qualifier!r}", "200 with the config",
                 answer.describe(), answer)
    steps.append(f"put {qualifier!r}")


def _walk_while_writing(fc: Contract, writer: Writer, free: list[str], size: int, limit: int,
                        steps: list[str]) -> list[Exchange]:
    """Walk with `limit`; after each page, delete a config of ours the walk has passed, else put a missing one."""
    existing = [free[0]]
    _put(writer, free[0], steps)
    seen: set[str] = set()
    pages: list[Exchange] = []
    token: str | None = None
    smallest = limit
    while len(pages) < 2 * -(-(size + len(free)) // smallest) + 3:  # twice the pages it can need: it always ends
        query = [("limit", str(limit))] + ([("nextToken", token)] if token else [])
        page = fc.page(query)
        pages.append(page)
        data = page.json()
        if page.status != 200 or not isinstance(data, dict) or not isinstance(data.get("configs"), list):
            return pages
        seen |= {str(c.get("qualifier")) for c in data["configs"] if isinstance(c, dict)}
        smallest = min(smallest, len(data["configs"]) or smallest)
        token = data.get("nextToken")
        if token in ("", None) or not isinstance(token, str):
            return pages
        passed = [q for q in existing if q in seen]
        if passed:
            existing.remove(passed[0])
            answer = writer.delete(passed[0])
            CLAUSE.check(answer.status is not None and 200 <= answer.status < 300,
                         f"deleting the config of qualifier {passed[0]!r} mid-walk", "2xx (204)", answer.describe(),
                         answer)
            steps.append(f"delete {passed[0]!r} after page {len(pages)}")
        elif missing := [q for q in free if q not in existing and q not in seen]:
            existing.append(missing[0])
            _put(writer, missing[0], steps)
            steps[-1] += f" after page {len(pages)}"
    return pages


def _planned(fc: Contract, writer: Writer, steps: list[str]) -> tuple[dict[str, dict[str, Any]], int, list[Exchange]]:
    """The listing before, the limit, and the pages of the walk with writes; skips when the run cannot judge it."""
    free, before = writer.prepare()
    if len(before) < 2:
        CLAUSE.skip(f"at least 2 configs the run does not touch on {fc.service}/{fc.function}; it has {len(before)}")
    limit = max(1, min(100, len(before) // 10))
    needed = -(-(len(before) + len(free)) // min(limit, writer.page_size)) + 1
    writer.affordable(2 * needed + 2 * len(free), f"two limit={limit} walks, one of them with writes")
    # The same walk without writes first, sent by this clause so that a replay of it alone serves its own pages:
    # a fault it shows is pagination.termination's or pagination.consistency's, not this clause's.
    plain = walk(fc.client, fc.service, fc.function, limit, fc.settings.max_pages, total=len(before))
    if not plain.complete or sorted(map(repr, plain.qualifiers())) != sorted(map(repr, before)):
        CLAUSE.skip(f"a limit={limit} walk that lists each config once without writes; it ended with "
                    f"{plain.end.value} (pagination.termination and pagination.consistency say why)")
    return before, limit, _walk_while_writing(fc, writer, free, len(before), limit, steps)


def test_untouched_configs_are_listed_once_during_writes(fc: Contract) -> None:
    writer, steps = Writer(fc, CLAUSE), list[str]()
    try:  # from the first write on: whatever ends the clause, the configs it put are deleted
        before, limit, pages = _planned(fc, writer, steps)
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
    CLAUSE.check(not missing and not twice, what, f"each of the {len(before)} untouched configs once",
                 f"missing {missing[:5]}, repeated {twice[:5]}", last, choice=CHOICE)
    fc.cover(CLAUSE, "writes", f"{len(pages)} pages of limit={limit}, {len(steps)} writes between them")
