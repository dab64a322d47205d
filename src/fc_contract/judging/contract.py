"""The `fc` fixture's object: the function under test, its client, and the walks clauses share."""

from __future__ import annotations

import base64
from collections.abc import Sequence

from fc_contract.http.client import Client
from fc_contract.http.exchange import Exchange
from fc_contract.judging.clause import Clause
from fc_contract.judging.plan import LIMITS, WALK_SHARE, WalkPlan, plan_walks
from fc_contract.judging.spec import Spec
from fc_contract.judging.verdict import Changes, Choice, Findings
from fc_contract.judging.walker import End, Walk, walk
from fc_contract.settings import Settings, flag, given

TRUTH_LIMIT = 100
WALK_BYTES = 256 * 1024 * 1024  # page bodies all walks together keep; past it a walk stops unjudged
ABSENT_SERVICE = "fc-contract-absent-service"
ABSENT_FUNCTION = "fc-contract-absent-function"


REWALKS = 3  # times a run walks the ground truth again to see whether the listing changed (each one walk)


class Contract:
    """What every clause needs: requests to the function under test, and the ground truth."""

    def __init__(self, settings: Settings, client: Client, spec: Spec, findings: Findings | None = None) -> None:
        self.settings = settings
        self.client = client
        self.spec = spec
        if client.inspect is None:  # every list response is judged by this description as it arrives
            client.inspect = spec.inspect
        self.service = settings.service
        self.function = settings.function
        self.findings = findings or Findings()  # what the clauses found besides verdicts: the outputs read it
        self.created: dict[str, str] = {}  # qualifier -> clause: configs a write clause put and has not deleted yet
        self.cleaned: list[str] = []  # qualifiers whose configs the run created and deleted again
        self._walks: dict[int | None, Walk] = {}
        self._plan: WalkPlan | None = None
        self._bytes_left = WALK_BYTES
        self._changes: Changes | None = None

    @property
    def strict(self) -> bool:
        """True when bad input must get exactly 400 InvalidArgument (--fc-invalid-input=reject)."""
        return self.settings.invalid_input == "reject"

    @property
    def choice(self) -> Choice:
        """The basis of a verdict resting on the contract's reading of undocumented input behaviour."""
        return Choice(given("invalid_input", "lenient"))

    def page(self, query: Sequence[tuple[str, str]] = (), service: str | None = None,
             function: str | None = None, headers: dict[str, str] | None = None) -> Exchange:
        return self.client.list(service or self.service, function or self.function, query, headers)

    def walk(self, limit: int | None, fresh: bool = False) -> Walk:
        """A walk of the whole listing; shared between clauses unless `fresh`.

        Every walk but the ground truth is bounded by the ground truth's size: when even that walk
        ran away, by the distinct configs it saw, so a runaway server costs one capped walk, not one
        per clause.
        """
        if self.client.clause:  # a shared walk is judged by every clause that asks for it (the HTML page's picture)
            self.findings.walked.setdefault(self.client.clause, set()).add(limit)
        if fresh or limit not in self._walks:
            total = allowance = None
            if limit != TRUTH_LIMIT:
                truth = self.walk(TRUTH_LIMIT)
                total = len(truth.items) if truth.complete else len({repr(q) for q in truth.qualifiers()})
                allowance = self.plan().allowance(limit)
            result = walk(self.client, self.service, self.function, limit, self.settings.max_pages, total,
                          allowance, max(self._bytes_left, 0))
            self._bytes_left -= result.kept
            if fresh:
                return result
            self._walks[limit] = result
        return self._walks[limit]

    def plan(self) -> WalkPlan:
        """The walks this run affords besides the ground truth, sized from it (see fc_contract.judging.plan)."""
        if self._plan is None:
            truth = self.walk(TRUTH_LIMIT)
            total = len({repr(q) for q in truth.qualifiers()})
            page = max(truth.page_sizes, default=0) or TRUTH_LIMIT
            self._plan = plan_walks(total, page, int(WALK_SHARE * self.settings.max_requests),
                                    sample=self.settings.profile == "dev")
        return self._plan

    def planned_walks(self, clause: Clause) -> list[Walk]:
        """Every planned walk (sent once, shared by the clauses), its coverage recorded for `clause`."""
        self.truth(clause, skip_if_broken=True)
        plan = self.plan()
        walks = [self.walk(limit) for limit in plan.limits]
        self.cover(clause, "walks", plan.coverage(sum(len(w.pages) for w in walks if w.limit != TRUTH_LIMIT)))
        for unjudged in (w for w in walks if w.end is End.OVER_ALLOWANCE):
            self.note(f"{clause.id}: the limit={unjudged.limit} walk was stopped unjudged: {unjudged.detail}")
        return walks

    def first_page(self, limit: int) -> Exchange:
        """The first page at `limit`: a walk's, when one was made (the same request), else a new request."""
        made = self._walks.get(limit)
        return made.pages[0] if made is not None else self.page([("limit", str(limit))])

    def page_limits(self) -> list[int]:
        """The limits single-page checks cover: all of 1..100, or a sample in the dev profile."""
        return [1, 2, 20, 50, 99, 100] if self.settings.profile == "dev" else list(LIMITS)

    def cover(self, clause: Clause, kind: str, text: str) -> None:
        """Record what one kind of check of `clause` covered of the input space (the summary prints it)."""
        self.findings.coverage.setdefault(clause.id, {})[kind] = text

    def truth(self, clause: Clause, skip_if_broken: bool = False) -> Walk:
        """The ground truth, a limit=100 walk; the clause fails (or skips) when the listing does not end.

        A listing longer than --fc-max-pages full pages skips: that is the run's limit, not the server's fault.
        """
        result = self.walk(TRUTH_LIMIT)
        if result.end is End.OVER_ALLOWANCE:
            clause.skip(f"a listing whose pages fit the walks' memory budget of {WALK_BYTES // (1024 * 1024)} MiB; "
                        f"the limit={TRUTH_LIMIT} walk passed it after {len(result.pages)} pages")
        if result.end is End.TOO_LARGE:
            clause.skip(f"a listing the ground truth walk can read: more than {len(result.items)} configs (it reads "
                        f"{given('max_pages', self.settings.max_pages)} pages of limit={TRUTH_LIMIT} and one more); "
                        f"raise {flag('max_pages')}")
        if not result.complete and skip_if_broken:
            clause.skip(f"a listing that ends, and the limit={TRUTH_LIMIT} walk ended with {result.end.value} "
                        "(pagination.termination says why)")
        if not result.complete:
            clause.fail(f"walking the whole listing with limit={TRUTH_LIMIT}", "a last page ('' , null or absent)",
                        f"{result.end.value}: {result.detail}", result.last)
        return result

    def changes(self, walk: Walk | None = None) -> Changes:
        """Whether the listing changed during the run, asked when `walk` disagrees with the ground truth.

        Walks the ground truth again (fresh; at most REWALKS times a run) unless a walk made since already
        lists every config `walk` does; a walk of the ground truth itself counts as one. A change goes into
        the findings, which the summary prints.
        """
        first = [str(q) for q in self.walk(TRUTH_LIMIT).qualifiers()]
        if self._changes is None:
            self._changes = Changes(first)
        changes = self._changes
        own = set(self.settings.qualifiers) - set(first)  # what the write clauses put is no one else's change

        def listed(made: Walk) -> list[str]:
            return [str(q) for q in made.qualifiers() if str(q) not in own]

        if walk is not None and walk.limit == TRUTH_LIMIT and walk is not self._walks.get(TRUTH_LIMIT):
            if walk.complete:
                changes.walks.append(listed(walk))
        elif len(changes.walks) < REWALKS and (
                not changes.walks or walk is None or not set(listed(walk)) <= changes.known()):
            again = self.walk(TRUTH_LIMIT, fresh=True)
            if again.complete:
                changes.walks.append(listed(again))
        if changes.changed:
            self.findings.listing = changes
        return changes

    def judged_stable(self, clause: Clause) -> None:
        """Say that `clause` judged walks over the configs present throughout, the listing having changed."""
        if clause.id not in self.findings.judged_stable:
            self.findings.judged_stable.append(clause.id)

    def foreign_tokens(self) -> list[tuple[str, str]]:
        """Tokens no server issued for this function: (label, token)."""
        foreign = base64.urlsafe_b64encode(b'{"fc-contract":"foreign"}').decode().rstrip("=")
        return [("garbage", "fc-contract-not-a-token"), ("foreign", foreign)]

    def note(self, text: str) -> None:
        """A line for the run's summary (once, however often it is noted)."""
        self.findings.note(text)
