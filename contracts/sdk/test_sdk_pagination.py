"""sdk.pagination: a loop on the SDK's next token ends, whether the last page says "", null or nothing.

Documented (API reference, ListFunctionAsyncInvokeConfigs): "If the number of configurations exceeds
the value of the limit parameter, the nextToken parameter is returned"; the real service ends with
nextToken "" (observed), and null or an absent nextToken must end it too.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from fc_contract.cassettes.format import Cassette, Interaction
from fc_contract.judging.clause import Clause
from fc_contract.sdk import adapters
from fc_contract.sdk.replay import expressible, serving

CLAUSE = Clause("sdk.pagination")
pytestmark = [CLAUSE.mark, pytest.mark.fc_sdk]
ABSENT = object()


def _recorded_walk(cassettes: list[Cassette]) -> list[Interaction]:
    """The longest recorded walk: a first page, then each page its nextToken leads to, to the last."""
    pages: dict[tuple[int | None, str | None], tuple[Interaction, object]] = {}
    for interaction in (i for c in cassettes for i in c.interactions if i.status == 200):
        call, after = expressible(interaction), _next_token(interaction)
        if call is not None and after is not ABSENT:  # a page a hostile server recorded is no walk to learn from
            pages.setdefault((call.limit, call.next_token), (interaction, after))
    best: list[Interaction] = []
    for (limit, token), (first, after) in pages.items():
        if token is not None:
            continue
        walk = [first]
        while isinstance(after, str) and after and (limit, after) in pages and len(walk) < 50:
            current, after = pages[(limit, after)]
            walk.append(current)
        if not after and len(walk) > len(best):
            best = walk
    return best


def _next_token(interaction: Interaction) -> object:
    """The page's nextToken (None when absent), or ABSENT when the body is no JSON object of a page."""
    body = interaction.json()
    return body.get("nextToken") if isinstance(body, dict) else ABSENT


@pytest.fixture(scope="module")
def recorded_walk(sdk_cassettes: list[Cassette]) -> list[Interaction]:
    """The longest recorded walk, found once for every SDK and every ending."""
    return _recorded_walk(sdk_cassettes)


@pytest.mark.parametrize("last", ["", None, ABSENT], ids=["empty", "null", "absent"])
def test_the_sdk_token_loop_ends(sdk: adapters.Sdk, sdk_mode: str, recorded_walk: list[Interaction],
                                 last: object) -> None:
    walk = recorded_walk
    if len(walk) < 2:
        CLAUSE.skip("a recorded walk of 2 pages or more (record with at least 2 configs)")
    body = json.loads(walk[-1].body)
    if last is ABSENT:
        body.pop("nextToken", None)
    else:
        body["nextToken"] = last
    pages = [*walk[:-1], replace(walk[-1], body=json.dumps(body).encode())]
    first = expressible(walk[0])
    assert first is not None
    seen, token = 0, None
    with serving(sdk, sdk_mode, pages) as (send, _):
        for _ in range(len(pages) + 2):
            outcome = send(first.service, first.function, first.limit, token, {})
            CLAUSE.check(outcome.body is not None, f"{sdk.name} ({sdk_mode}) page {seen + 1}", "a page",
                         outcome.error or "no page")
            seen += 1
            token = outcome.next_token
            if not token:
                break
    CLAUSE.check(seen == len(pages) and not token, f"{sdk.name} {sdk.version} ({sdk_mode}) following next_token "
                 f"(last page: nextToken {'absent' if last is ABSENT else repr(last)})",
                 f"the loop to end after {len(pages)} pages", f"{seen} pages, next token {token!r}")
