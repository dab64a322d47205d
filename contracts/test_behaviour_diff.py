"""behaviour.diff: the target answers as a recorded baseline did (--fc-baseline=DIR), where it matters.

Documented behaviour is judged by the other clauses; this one covers what the documentation leaves
open (the answer to limit=101, the form of the last nextToken, page sizes, error codes, values) by
comparison with a trusted recording. Noise is ignored as the description makes it noise: request ids,
token values, dates. A request carrying a token the baseline's server issued cannot go to another
server: its walk is made again on the target with the same limit and compared page by page. Any other
request with a nextToken (a token made from the baseline's, or garbage) is not compared at all: what a
server answers to a token it did not issue is its business; it must only be an FC error or a page.
A difference is breaking when the target's answer breaks the documentation (the description, a
clause that failed on that request for a documented reason), additive for a new field, and changed
otherwise. Breaking and changed differences fail the clause; --fc-baseline-allow=changed accepts
changed ones; additive ones are listed and never fail.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from fc_contract import Clause, Contract, Exchange, Walk
from fc_contract.cassettes.diff import (
    Answer,
    Baseline,
    Difference,
    Fields,
    compare,
    group,
    issued_tokens,
    query_of,
    redacted,
    value_differences,
)
from fc_contract.cassettes.format import Interaction
from fc_contract.http.api import LIST_PATH, list_path
from fc_contract.judging.expect import fc_error_body
from fc_contract.judging.verdict import DifferenceLine, Kind
from fc_contract.settings import flag

CLAUSE = Clause("behaviour.diff")
pytestmark = [CLAUSE.mark, pytest.mark.fc_after_all, pytest.mark.fc_baseline]
NOT_FOUND = ("ServiceNotFound", "FunctionNotFound")  # documented for an unknown service or function
SENT_HEADERS = ("x-fc-invocation-type", "x-fc-log-type", "x-fc-code-checksum", "x-fc-trace-id", "content-type")


def test_single_requests_answer_as_in_the_baseline(fc: Contract, fc_baseline: Baseline) -> None:
    issued, differences, tally = issued_tokens(fc_baseline.cassettes), [], _Tally()
    for interaction in fc_baseline.interactions():
        if query_of(interaction).get("nextToken") in issued or interaction.error is not None:
            continue  # a walk's page (compared walk by walk), or a recorded failure to get an answer
        if fc.client.read_only and interaction.method != "GET":
            continue
        exchange = fc.client.send(_request(fc, fc_baseline, interaction))
        label = f"{interaction.method} ?{interaction.query}" if interaction.query else f"{interaction.method} (none)"
        if "nextToken" in query_of(interaction):
            differences += _token_answer(interaction, exchange, label)
            continue
        differences += _differences(fc, fc_baseline, Answer.of_interaction(interaction), exchange, label, tally)
    _verdict(fc, fc_baseline, "single requests", differences + tally.differences(), tally.compared)


def test_walks_answer_as_in_the_baseline(fc: Contract, fc_baseline: Baseline) -> None:
    differences: list[Difference] = []
    tally = _Tally()
    for limit, recorded in _recorded_walks(fc_baseline).items():
        walk = fc.walk(limit)
        name = f"limit={limit}" if limit is not None else "no limit"
        for number, (page, exchange) in enumerate(zip(recorded, walk.pages, strict=False), start=1):
            differences += _differences(fc, fc_baseline, Answer.of_interaction(page), exchange,
                                        f"walk {name} page {number}", tally, walk)  # values: of the whole walk
        if fc_baseline.values and _ends(recorded[-1]) and walk.complete:
            items = [c for page in recorded for c in _configs(page.json())]
            differences += [Difference(Kind.CHANGED, aspect, before, after, f"walk {name}", walk.pages[0].curl())
                            for aspect, before, after in value_differences(items, redacted(walk.items))]
        if _ends(recorded[-1]) and len(recorded) != len(walk.pages):
            kind = Kind.BREAKING if not walk.complete else Kind.CHANGED
            differences.append(Difference(kind, "pages of a walk", str(len(recorded)), str(len(walk.pages)),
                                          f"walk {name}", walk.last.curl()))
    _verdict(fc, fc_baseline, "walks", differences + tally.differences(), tally.compared)


def _token_answer(interaction: Interaction, exchange: Exchange, label: str) -> list[Difference]:
    """A request with a token the target did not issue (the baseline's, one made from it, garbage): not compared.

    What a server answers to a token it did not issue is its business, so the baseline's answer says nothing
    of the target's; only what any client can know is judged: an error in the FC shape, or a page.
    """
    data = exchange.json()
    error = exchange.status is not None and 400 <= exchange.status < 500 and fc_error_body(data)
    page = exchange.status == 200 and isinstance(data, dict) and isinstance(data.get("configs"), list)  # its shape:
    # response.shape's and the field differences' to judge
    if error or page:
        return []
    return [Difference(Kind.BREAKING, "answer to a token it did not issue", f"{interaction.status}",
                       f"{exchange.describe()} (neither an FC error nor a page)", label, exchange.curl())]


def _request(fc: Contract, baseline: Baseline, interaction: Interaction) -> requests.Request:
    """The recorded request, aimed at the target's function when it named the baseline's."""
    path, match = interaction.path, LIST_PATH.match(interaction.path)
    if match and (match[1], match[2]) == baseline.function:
        path = list_path(fc.service, fc.function)
    headers = {k: v for k, v in interaction.request_headers.items() if k.lower() in SENT_HEADERS}
    url = fc.client.base_url + path + (f"?{interaction.query}" if interaction.query else "")
    return requests.Request(interaction.method, url, headers=headers)


def _recorded_walks(baseline: Baseline) -> dict[int | None, list[Interaction]]:
    """Each limit's recorded walk of the baseline's function: its first page, then where each token led."""
    pages: dict[tuple[str | None, str | None], Interaction] = {}
    for interaction in baseline.interactions():
        match = LIST_PATH.match(interaction.path)
        if interaction.method == "GET" and interaction.status == 200 and match and (
                match[1], match[2]) == baseline.function:
            query = query_of(interaction)
            if set(query) <= {"limit", "nextToken"}:
                pages.setdefault((query.get("limit"), query.get("nextToken")), interaction)
    walks: dict[int | None, list[Interaction]] = {}
    for (limit, token), first in pages.items():
        if token is not None or (limit is not None and not (limit.isdigit() and 1 <= int(limit) <= 100)):
            continue
        walk, current = [first], first
        while (after := _token(current)) and (limit, after) in pages:
            current = pages[(limit, after)]
            walk.append(current)
            if len(walk) > 10_000:
                break
        walks[int(limit) if limit else None] = walk
    return walks


def _configs(body: object) -> list[object]:
    configs = body.get("configs") if isinstance(body, dict) else None
    return configs if isinstance(configs, list) else []


def _token(interaction: Interaction) -> str | None:
    body = interaction.json()
    token = body.get("nextToken") if isinstance(body, dict) else None
    return token if isinstance(token, str) else None


def _ends(interaction: Interaction) -> bool:
    """A recorded last page: a JSON page whose nextToken is "", null or absent."""
    body = interaction.json()
    return isinstance(body, dict) and not (isinstance(body.get("nextToken"), str) and body["nextToken"])


class _Tally:
    """The fields both sides' pages showed, and what the description found wrong in the target's."""

    def __init__(self) -> None:
        self.baseline, self.target, self.curl, self.compared = Fields(), Fields(), "", 0
        self.problems: list[str] = []

    def add(self, recorded: Answer, got: Answer, exchange: Exchange) -> None:
        self.compared += 1
        if recorded.status == got.status == 200:
            self.baseline.add(recorded.body)
            self.target.add(got.body)
            self.curl = self.curl or exchange.curl()
            self.problems += exchange.shape.problems if exchange.shape else []

    def differences(self) -> list[Difference]:
        """Fields added, removed or retyped over all pages; breaking when the description objects to the field."""
        found = []
        for aspect, before, after in self.baseline.compare(self.target):
            path = after if aspect == "field added" else before if aspect == "field removed" else aspect
            name = path.split(".")[-1]
            broken = any(f"'{name}'" in p or f".{name}:" in p or p.startswith(f"{name}:") for p in self.problems)
            kind = (Kind.ADDITIVE if aspect == "field added" and not broken
                    else Kind.BREAKING if broken else Kind.CHANGED)
            found.append(Difference(kind, aspect, before, after, "all pages", self.curl))
        return found


def _differences(fc: Contract, baseline: Baseline, recorded: Answer, exchange: Exchange, label: str,
                 tally: _Tally, walk: Walk | None = None) -> list[Difference]:
    got = Answer.of_exchange(exchange)
    tally.add(recorded, got, exchange)
    found = compare(recorded, got, baseline.values and walk is None)
    broken = _broken(fc, exchange, walk)
    return [Difference(Kind.BREAKING if broken or (
        aspect == "ErrorCode" and before in NOT_FOUND) else Kind.CHANGED, aspect, before, after, label, exchange.curl())
        for aspect, before, after in found]


def _broken(fc: Contract, exchange: Exchange, walk: Walk | None) -> bool:
    """The target's answer breaks the documentation: the description, or a clause's documented rule."""
    if exchange.error is not None or (exchange.status or 0) >= 500 or (exchange.shape and exchange.shape.problems):
        return True
    if (exchange.method, exchange.url) in fc.findings.documented_failures() or (walk is not None and not walk.complete):
        return True
    query = dict(parse_qsl(urlsplit(exchange.url).query, keep_blank_values=True))
    limit = query.get("limit", "20")
    documented = exchange.method == "GET" and limit.isdigit() and 1 <= int(limit) <= 100 and (
        "nextToken" not in query or walk is not None)
    configs = (exchange.json() or {}).get("configs") if isinstance(exchange.json(), dict) else None
    return documented and (exchange.status != 200 or (isinstance(configs, list) and len(configs) > int(limit)))


def _verdict(fc: Contract, baseline: Baseline, what: str, differences: list[Difference], compared: int) -> None:
    lines = group(differences)
    fc.findings.behaviour += [DifferenceLine(line.kind, f"{what}: {line}") for line in lines]
    fc.cover(CLAUSE, what, f"{what}: {compared} answers compared by {'values' if baseline.values else 'shape'}, "
             f"{len(differences)} differences in {len(lines)} groups")
    failing = group([d for d in differences if d.kind is not Kind.ADDITIVE and d.kind not in baseline.allowed])
    allowed = f" (allowed: {', '.join(sorted(k.value for k in baseline.allowed))})" if baseline.allowed else ""
    CLAUSE.check(not failing, f"{what} against the baseline{allowed}", "the baseline's behaviour",
                 f"{len(failing)} kinds of difference:\n" + "\n".join(map(str, failing[:20])))
    if lines:
        fc.note(f"behaviour.diff: {len(lines)} kinds of difference in {what}, accepted (additive, or allowed by "
                f"{flag('baseline_allow')})")
