"""Which walks a run can afford: every limit when the listing is small, a stated selection when not.

Priorities, highest first, each tier cheapest walk first: the boundaries (no limit, 1, 2, 99, 100 and
N-1, N, N+1 where in 1..100), then one limit for each distinct page count ceil(N/L), then the rest.
A walk is planned only while the walks' share of --fc-max-requests (WALK_SHARE) can pay for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fc_contract.settings import flag, given

LIMITS = range(1, 101)
DEFAULT_LIMIT = 20  # what the server applies when the request names no limit
WALK_SHARE = 0.5  # of --fc-max-requests: what the walks other than the ground truth may cost together
DEV_SAMPLE = 4  # the dev profile walks the boundaries and this many limits of distinct page counts


def walk_cost(total: int, limit: int | None, page: int) -> int:
    """Requests a walk of `total` configs needs when the server serves at most `page` a page."""
    size = max(1, min(limit or DEFAULT_LIMIT, page))
    return -(-total // size) + 1 if total else 1


def spans(numbers: Iterable[int]) -> str:
    """1, 2, 3, 7, 9, 10 as '1..3, 7, 9..10'."""
    out: list[str] = []
    values = sorted(set(numbers))
    start = 0
    for index in range(1, len(values) + 1):
        if index == len(values) or values[index] != values[index - 1] + 1:
            first, last = values[start], values[index - 1]
            out.append(str(first) if first == last else f"{first}..{last}")
            start = index
    return ", ".join(out)


@dataclass(frozen=True)
class WalkPlan:
    """The walks a run makes besides the ground truth, and those it leaves out."""

    total: int
    page: int  # the largest page the ground truth walk was served
    budget: int
    limits: tuple[int | None, ...]
    left_out: tuple[int | None, ...]
    tiers_complete: tuple[str, ...]  # the tiers every limit of which is planned
    sampled: bool

    def cost(self, limit: int | None) -> int:
        return walk_cost(self.total, limit, self.page)

    def allowance(self, limit: int | None) -> int:
        """Requests a planned walk may take before it is stopped unjudged: twice its estimate (pages may be
        smaller than the ground truth's), plus one."""
        return 2 * self.cost(limit) + 1

    def coverage(self, requests: int) -> str:
        """One line: which limits were walked, and why any were left out."""
        numbered = [limit for limit in self.limits if limit is not None]
        partial = self.sampled or bool(self.left_out)
        text = f"walks at {len(numbered)} of {len(LIMITS)} limits" + (f" ({spans(numbered)})" if partial else "")
        text += " and without limit" if None in self.limits else ""
        if self.sampled:
            return f"{text}, sampled ({requests} requests; profile dev, {given('profile', 'ci')} walks all)"
        if not self.left_out:
            return f"{text}, all ({requests} requests)"
        cheapest = min(self.left_out, key=self.cost)
        kept = f": {'; '.join(self.tiers_complete)}" if self.tiers_complete else ""
        left = [limit for limit in self.left_out if limit is not None]
        return (f"{text}{kept} ({requests} requests); left out {spans(left)}"
                + (" and no limit" if None in self.left_out else "")
                + f": over the walks' budget of {self.budget} requests for {self.total} configs "
                f"(the cheapest, {'no limit' if cheapest is None else f'limit={cheapest}'}, would cost "
                f"{self.cost(cheapest)}; raise {flag('max_requests')})")


def _tiers(total: int) -> list[tuple[str, list[int | None]]]:
    """The candidate limits in priority order, each tier named as the coverage line names it."""
    edges: list[int | None] = [None, 1, 2, 99, 100, total - 1, total, total + 1]
    boundaries = list(dict.fromkeys(e for e in edges if e is None or e in LIMITS))
    counts: dict[int, int] = {}
    for limit in LIMITS:  # the smallest limit giving each page count
        counts.setdefault(-(-total // limit) if total else 1, limit)
    distinct = [limit for limit in counts.values() if limit not in boundaries]
    rest = [limit for limit in LIMITS if limit not in boundaries and limit not in distinct]
    return [("boundaries", boundaries), ("every distinct page count", list(distinct)), ("the rest", list(rest))]


def plan_walks(total: int, page: int, budget: int, sample: bool = False) -> WalkPlan:
    """The walks to make for a listing of `total` configs served at most `page` a page."""
    chosen: list[int | None] = []
    left_out: list[int | None] = []
    complete: list[str] = []
    spent = 0
    for name, candidates in _tiers(total):
        if sample and name != "boundaries":
            step = max(1, len(candidates) // DEV_SAMPLE)
            candidates = candidates[::step][:DEV_SAMPLE]
        before = len(left_out)
        for limit in sorted(candidates, key=lambda c: walk_cost(total, c, page)):
            cost = 0 if limit == max(LIMITS) else walk_cost(total, limit, page)  # limit=100 is the ground truth
            if spent + cost <= budget:
                chosen.append(limit)
                spent += cost
            else:
                left_out.append(limit)
        if len(left_out) == before and name != "the rest":
            complete.append(name)
    order = sorted(chosen, key=lambda c: -1 if c is None else c)
    return WalkPlan(total, page, budget, tuple(order), tuple(left_out), tuple(complete), sample)
