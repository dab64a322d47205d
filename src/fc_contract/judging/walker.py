"""Follows nextToken from the first page to the end, and never loops: a hard cap makes a verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from fc_contract.http.client import Client
from fc_contract.http.exchange import Exchange


class End(Enum):
    """Why a walk stopped."""

    LAST_PAGE = "last page"  # nextToken "", null or absent: the documented end
    REPEAT = "repeated token"  # the token just served came back
    CYCLE = "token cycle"  # a token served earlier came back
    CAP = "page cap"  # more pages than the listing can need, the last ones bringing nothing new
    TOO_LARGE = "too large"  # the ground truth walk reached --fc-max-pages still serving new configs
    OVER_ALLOWANCE = "over its allowance"  # still serving new configs when its planned requests or bytes ran out
    ERROR = "error response"  # not a 200
    BROKEN = "unusable page"  # 200, but no configs list or a nextToken of the wrong type


END_TOKENS: tuple[Any, ...] = ("", None)


@dataclass
class Walk:
    """Every page of one listing, and how it ended."""

    limit: int | None
    pages: list[Exchange] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    page_sizes: list[int] = field(default_factory=list)
    item_pages: list[int] = field(default_factory=list)  # the index in `pages` of each item
    end: End = End.LAST_PAGE
    detail: str = ""
    kept: int = 0  # bytes of the page bodies the walk keeps

    @property
    def last(self) -> Exchange:
        return self.pages[-1]

    @property
    def complete(self) -> bool:
        return self.end is End.LAST_PAGE

    def qualifiers(self) -> list[Any]:
        return [item.get("qualifier") for item in self.items]


def page_bound(total: int, page_size: int) -> int:
    """Requests a walk needs at most: ceil(total / page_size) pages, plus one for an empty last page."""
    return -(-total // page_size) + 1


def request_bound(result: Walk, total: int) -> int:
    """ceil(total/s)+1, s being the smallest non-empty page the walk was served."""
    return page_bound(total, min((n for n in result.page_sizes if n > 0), default=1))


def observed_total(total: int, distinct: int) -> int:
    """The listing's size a walk's bound follows: the ground truth's, or the configs the walk saw when the listing
    grew while it walked, up to half as many again (at least ten): a listing that outgrows that in one walk is one
    no client can read to its end."""
    return min(max(total, distinct), total + max(10, total // 2))


def _past_the_end(result: Walk, total: int) -> bool:
    """True when a walk whose token goes on has taken more requests than a listing of `total` can need.

    ceil(total/s)+1 pages (s: the smallest non-empty page served, as pages may be shorter than limit),
    and at most one page after the one that served the last config.
    """
    if len(result.pages) >= request_bound(result, total):
        return True
    served, reached = 0, None
    for index, size in enumerate(result.page_sizes):
        served += size
        if served >= total:
            reached = index
            break
    return reached is not None and len(result.pages) > reached + 1


def _stop(result: Walk, total: int | None, max_pages: int, allowance: int | None, fresh: int, distinct: int,
          over_bytes: bool) -> End | None:
    """Why a walk whose token goes on must stop now, if it must; `fresh`: new configs on the last page, `distinct`:
    configs the walk has seen.

    The ground truth (total unknown) may read `max_pages` pages plus one empty last page; a walk of a
    listing of known size, ceil(total/s)+1 pages, the total growing with the configs it sees (observed_total).
    Reaching a cap while the last page still brought new configs says the listing is larger than the run can
    afford, not that the server loops.
    """
    if over_bytes:
        return End.OVER_ALLOWANCE if fresh else End.CAP
    if total is None:
        if len(result.pages) <= max_pages:
            return None
        return End.TOO_LARGE if fresh else End.CAP
    if _past_the_end(result, observed_total(total, distinct)):
        return End.CAP
    if allowance is not None and len(result.pages) >= allowance:
        return End.OVER_ALLOWANCE if fresh else End.CAP
    return None


def walk(client: Client, service: str, function: str, limit: int | None, max_pages: int,
         total: int | None = None, allowance: int | None = None, max_bytes: int | None = None) -> Walk:
    """Walk the listing with `limit` (None: omit it), stopping at its end, at a loop or at its bound.

    Without the listing's size `total` (the ground truth walk) the bound is `max_pages` pages plus
    one; with it, ceil(total/s)+1, where s is the smallest page served so far (the documentation
    allows pages smaller than limit), and `allowance` requests at most (the run's plan for it). A walk
    whose page bodies pass `max_bytes` stops too: what the run keeps in memory is bounded.
    """
    result = Walk(limit)
    token: str | None = None
    seen: dict[str, int] = {}
    known: set[str] = set()
    while True:
        query = [("limit", str(limit))] if limit is not None else []
        if token is not None:
            query.append(("nextToken", token))
        page = client.list(service, function, query)
        result.pages.append(page)
        result.kept += len(page.body)
        data = page.json()
        if page.status != 200:
            result.end, result.detail = End.ERROR, page.describe()
            return result
        if not isinstance(data, dict) or not isinstance(data.get("configs"), list):
            result.end, result.detail = End.BROKEN, f"page {len(result.pages)} has no configs list: {page.describe()}"
            return result
        items = data["configs"]
        keys = {repr(i.get("qualifier")) if isinstance(i, dict) else repr(i) for i in items}
        fresh = len(keys - known)
        known |= keys
        result.items.extend(i if isinstance(i, dict) else {"<not an object>": i} for i in items)
        result.page_sizes.append(len(items))
        result.item_pages.extend([len(result.pages) - 1] * len(items))
        token = data.get("nextToken")
        if token in END_TOKENS:
            return result
        if not isinstance(token, str):
            result.end, result.detail = End.BROKEN, f"nextToken is {type(token).__name__} {token!r}, not a string"
            return result
        if token in seen:
            first = seen[token]
            again = len(result.pages)
            result.end = End.REPEAT if first == again - 1 else End.CYCLE
            result.detail = f"page {again} returned the nextToken page {first} already returned: {token[:60]!r}"
            return result
        seen[token] = len(result.pages)
        over_bytes = max_bytes is not None and result.kept > max_bytes
        stop = _stop(result, total, max_pages, allowance, fresh, len(known), over_bytes)
        if stop is not None:
            result.end = stop
            why = (f"; its pages passed the {max_bytes} bytes the walks may keep" if over_bytes
                   else f"; it used the {allowance} requests planned for it" if stop is End.OVER_ALLOWANCE else "")
            grew = total is not None and len(known) > total
            result.detail = (f"still no last page after {len(result.pages)} requests ({len(known)} distinct configs"
                             + (f"; {total} when the listing was first walked" if grew
                                else f" of {total}" if total is not None else "") + ")" + why)
            return result
