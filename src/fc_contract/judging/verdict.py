"""What a clause concludes, typed: a verdict's parts and its basis. Every output renders these; none parses them."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from fc_contract.http.exchange import Exchange
from fc_contract.http.shown import visible


@dataclass(frozen=True)
class Choice:
    """The verdict rests on the contract's own reading of what the documentation leaves open; `switch` relaxes it."""

    switch: str  # e.g. "--fc-invalid-input=lenient"

    def __str__(self) -> str:
        return f"(contract choice; {self.switch} relaxes it)"


@dataclass(frozen=True)
class Verdict:
    """One failed expectation: which clause, of what, what was expected and observed, on what basis, with what."""

    clause: str
    what: str
    expected: str
    observed: str
    choice: Choice | None = None  # None: the documentation itself says so
    evidence: tuple[Exchange, ...] = field(default=(), compare=False)  # the first is the request to reproduce
    detail: str = ""  # lines that follow the reproduce line (e.g. the steps that led here, as requests)
    defect: str = ""  # the known defect (its key) this verdict says is gone from the version judged

    @property
    def documented(self) -> bool:
        return self.choice is None

    @property
    def exchange(self) -> Exchange | None:
        return self.evidence[0] if self.evidence else None

    def __str__(self) -> str:
        expected = f"{self.expected} {self.choice}" if self.choice is not None else self.expected
        text = f"[{self.clause}] {self.what}: expected {expected}; observed {self.observed}"
        if self.exchange is not None:
            text += f"\n  reproduce: {self.exchange.curl()}"
        return visible(text + self.detail)


@dataclass(frozen=True)
class Stop:
    """A run-wide verdict that is no clause's expectation: a replay miss, a spent budget, a refused request."""

    clause: str  # the clause running, or a run-wide id: replay, budget, auth, run
    text: str
    stops_run: bool = False  # the run stops here (a spent budget, refused credentials), not this test alone

    def __str__(self) -> str:
        return visible(f"[{self.clause}] {self.text}" + ("; the run stops here" if self.stops_run else ""))


class Kind(enum.Enum):
    """A behaviour difference's class: breaking and changed ones fail, additive ones never do."""

    BREAKING = "breaking"
    CHANGED = "changed"
    ADDITIVE = "additive"


@dataclass(frozen=True)
class DifferenceLine:
    """One grouped difference as the reports show it, with its class."""

    kind: Kind
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass
class Changes:
    """The listing as the ground truth walks saw it: the first, and those walked again when a walk disagreed."""

    first: list[str]
    walks: list[list[str]] = field(default_factory=list)  # the qualifiers of each walk of the ground truth since

    @property
    def added(self) -> list[str]:
        """Configs no earlier walk of the ground truth listed."""
        seen = set(self.first)
        out: list[str] = []
        for walk_ in self.walks:
            out += [q for q in walk_ if q not in seen]
            seen |= set(walk_)
        return out

    @property
    def removed(self) -> list[str]:
        """Configs of the first walk of the ground truth that a later one did not list."""
        later = [set(w) for w in self.walks]  # once each, not once a config: a listing may hold thousands
        return [q for q in self.first if any(q not in w for w in later)]

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)

    def stable(self) -> list[str]:
        """The configs every walk of the ground truth listed (present throughout, as far as a client can know)."""
        later = [set(w) for w in self.walks]
        return [q for q in self.first if all(q in w for w in later)]

    def known(self) -> set[str]:
        """Every config some walk of the ground truth listed."""
        return set(self.first).union(*self.walks)

    def describe(self) -> str:
        return f"+{len(set(self.added))} / \u2212{len(set(self.removed))} configs"


@dataclass
class ClientReads:
    """Which official clients read the run's pages as they arrived (fc_contract.sdk.reading), and how many."""

    clients: list[str]  # "name version" of each installed official SDK
    missing: list[str]  # why one is not installed
    pages: int = 0  # distinct page bodies read


@dataclass
class Findings:
    """What clauses found besides their verdicts, for the outputs: notes, coverage, differences, failures."""

    notes: list[str] = field(default_factory=list)
    coverage: dict[str, dict[str, str]] = field(default_factory=dict)  # clause id -> kind of check -> covered
    behaviour: list[DifferenceLine] = field(default_factory=list)  # behaviour.diff's grouped differences
    sdk: list[str] = field(default_factory=list)  # sdk.baseline's grouped differences
    verdicts: list[Verdict] = field(default_factory=list)  # every failure a clause raised, in order
    listing: Changes | None = None  # set when the listing changed during the run
    reads: ClientReads | None = None  # set when the run's pages are read as the official clients read them
    judged_stable: list[str] = field(default_factory=list)  # clauses that judged over the configs present throughout
    walked: dict[str, set[int | None]] = field(default_factory=dict)  # clause id -> the limits of the walks it judged

    def summary_notes(self) -> list[str]:
        """The notes the outputs print: the clauses' own, then what a listing that changed during the run meant."""
        if self.listing is None:
            return list(self.notes)
        judged = (f"; judged over the {len(self.listing.stable())} configs present throughout: "
                  f"{', '.join(self.judged_stable)}" if self.judged_stable else "")
        return [*self.notes, f"the listing changed during the run: {self.listing.describe()}{judged}"]

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def documented_failures(self) -> set[tuple[str, str]]:
        """(method, URL) of each request a clause failed on for a documented rule, not a contract choice."""
        return {(v.exchange.method, v.exchange.url) for v in self.verdicts if v.documented and v.exchange is not None}
