"""The `fc` fixture's object: the function under test, its client, and the walks clauses share."""

from __future__ import annotations

import base64
from collections.abc import Sequence

from fc_contract.client import Client
from fc_contract.exchange import Exchange
from fc_contract.options import Settings
from fc_contract.targets import Target
from fc_contract.verdict import Clause
from fc_contract.walker import Walk, walk

TRUTH_LIMIT = 100
ABSENT_SERVICE = "fc-contract-absent-service"
ABSENT_FUNCTION = "fc-contract-absent-function"


class Contract:
    """What every clause needs: requests to the function under test, and the ground truth."""

    def __init__(self, settings: Settings, client: Client, target: Target) -> None:
        self.settings = settings
        self.client = client
        self.target = target
        self.service = settings.service
        self.function = settings.function
        self.notes: list[str] = []
        self._walks: dict[int | None, Walk] = {}

    @property
    def strict(self) -> bool:
        """True when bad input must get exactly 400 InvalidArgument (--fc-invalid-input=reject)."""
        return self.settings.invalid_input == "reject"

    def page(self, query: Sequence[tuple[str, str]] = (), service: str | None = None,
             function: str | None = None, headers: dict[str, str] | None = None) -> Exchange:
        return self.client.list(service or self.service, function or self.function, query, headers)

    def walk(self, limit: int | None, fresh: bool = False) -> Walk:
        """A walk of the whole listing; shared between clauses unless `fresh`.

        Every walk but the ground truth is bounded by the ground truth's size: when even that walk
        ran away, by the distinct configs it saw, so a runaway server costs one capped walk, not one
        per clause.
        """
        if fresh or limit not in self._walks:
            total = None
            if limit != TRUTH_LIMIT:
                truth = self.walk(TRUTH_LIMIT)
                total = len(truth.items) if truth.complete else len({repr(q) for q in truth.qualifiers()})
            result = walk(self.client, self.service, self.function, limit, self.settings.max_pages, total)
            if fresh:
                return result
            self._walks[limit] = result
        return self._walks[limit]

    def truth(self, clause: Clause, skip_if_broken: bool = False) -> Walk:
        """The ground truth, a limit=100 walk; the clause fails (or skips) when the listing does not end."""
        result = self.walk(TRUTH_LIMIT)
        if not result.complete and skip_if_broken:
            clause.skip(f"a listing that ends, and the limit={TRUTH_LIMIT} walk ended with {result.end.value} "
                        "(pagination.termination says why)")
        if not result.complete:
            clause.fail(f"walking the whole listing with limit={TRUTH_LIMIT}", "a last page ('' , null or absent)",
                        f"{result.end.value}: {result.detail}", result.last)
        return result

    def foreign_tokens(self) -> list[tuple[str, str]]:
        """Tokens no server issued for this function: (label, token)."""
        foreign = base64.urlsafe_b64encode(b'{"fc-contract":"foreign"}').decode().rstrip("=")
        return [("garbage", "fc-contract-not-a-token"), ("foreign", foreign)]

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)
