"""Behaviour diff: a recorded baseline's answers against a target's, aspect by aspect, noise left out.

Noise, as the description makes it: X-Fc-Request-Id values, nextToken values, Date; and what a recording
redacts (account ids, secrets) is redacted on the target's side too. What is compared:
status, ErrorCode, content type, the presence of X-Fc-Request-Id, page sizes, the form of the end of
the listing, the set of fields and their JSON types; with values, also the qualifiers' order and every
config value.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from fc_contract.cassettes.format import Cassette, Interaction
from fc_contract.http.api import WRITE_CLAUSES
from fc_contract.http.exchange import Exchange, parse_json
from fc_contract.http.redact import environment_redactor
from fc_contract.judging.plan import spans
from fc_contract.judging.verdict import DifferenceLine, Kind

CLASSES = tuple(Kind)  # the order the groups are listed in: breaking, changed, additive


@dataclass(frozen=True)
class Difference:
    """One way one answer differs: its class, what differs, the two sides, and the request."""

    kind: Kind
    aspect: str
    baseline: str
    target: str
    request: str  # e.g. "GET ?limit=101"
    curl: str


@dataclass
class Answer:
    """What either side answered, reduced to what is compared."""

    status: int | None
    content_type: str
    request_id: bool
    body: Any  # parsed JSON, or None
    error: str | None = None

    @classmethod
    def of_interaction(cls, item: Interaction) -> Answer:
        headers = {k.lower(): v for k, v in item.headers}
        return cls(item.status, _media(headers.get("content-type", "")), bool(headers.get("x-fc-request-id")),
                   item.json(), item.error)

    @classmethod
    def of_exchange(cls, item: Exchange) -> Answer:
        """The target's answer, redacted as a recording is (account ids, secrets): what was recorded is comparable."""
        body = environment_redactor().text(item.body.decode("utf-8", "replace")).encode()
        return cls(item.status, _media(item.header("content-type") or ""), bool(item.header("x-fc-request-id")),
                   parse_json(body), item.error)


def redacted(value: Any) -> Any:
    """A JSON value of the target's, redacted as a recording's is."""
    return parse_json(environment_redactor().text(json.dumps(value)).encode())


def _media(value: str) -> str:
    return value.split(";")[0].strip().lower()


MORE = "a token"  # what end_form says of a page that is not the last


def end_form(body: Any) -> str:
    """How a page says what comes next: a token (MORE), "", null or nothing."""
    if not isinstance(body, dict) or "nextToken" not in body:
        return "absent"
    token = body["nextToken"]
    return "null" if token is None else '""' if token == "" else MORE if isinstance(token, str) else "non-string"


def _type(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number")


class Fields:
    """The fields of every page one side answered, with their JSON types, gathered over many pages.

    Gathered, not page by page: which optional field a page shows, and whether it is null, depends on
    the data it happens to hold. Null is left out of the types (the description says which may be null).
    """

    def __init__(self) -> None:
        self.types: dict[str, set[str]] = defaultdict(set)

    def add(self, body: Any) -> None:
        for path, kinds in _fields(body).items():
            self.types[path] |= kinds - {"null"}

    def compare(self, got: Fields) -> list[tuple[str, str, str]]:
        """(aspect, baseline, target) of each field added, removed or of another type in `got`."""
        found = [("field added", "-", path) for path in sorted(set(got.types) - set(self.types))]
        found += [("field removed", path, "-") for path in sorted(set(self.types) - set(got.types))]
        for path in sorted(set(self.types) & set(got.types)):
            before, after = self.types[path], got.types[path]
            if before and after and before != after:
                found.append((f"type of {path}", "|".join(sorted(before)), "|".join(sorted(after))))
        return found


def _fields(body: Any) -> dict[str, set[str]]:
    """Every field path of a page with its JSON types (configs[].x for a config's field)."""
    fields: dict[str, set[str]] = defaultdict(set)
    if isinstance(body, dict):
        for key, value in body.items():
            if key != "nextToken":  # its form is the end of the listing, compared on its own
                fields[key].add(_type(value))
        configs = body.get("configs")
        for config in configs if isinstance(configs, list) else []:
            for key, value in config.items() if isinstance(config, dict) else []:
                fields[f"configs[].{key}"].add(_type(value))
    return fields


def compare(base: Answer, got: Answer, values: bool) -> list[tuple[str, str, str]]:
    """(aspect, baseline, target) of every difference between two answers."""
    if got.status is None or base.status is None:
        return [("response", base.error or str(base.status), got.error or str(got.status))] if (
            got.status != base.status) else []
    found = []
    if got.status != base.status:
        found.append(("status", str(base.status), str(got.status)))
    for aspect, before, after in (("content type", base.content_type, got.content_type),
                                  ("X-Fc-Request-Id", _present(base.request_id), _present(got.request_id))):
        if before != after:
            found.append((aspect, before, after))
    code = (_code(base.body), _code(got.body))
    if code[0] != code[1] and base.status >= 400 and got.status >= 400:
        found.append(("ErrorCode", *code))
    if base.status != 200 or got.status != 200:
        return found
    pages = [body.get("configs") if isinstance(body, dict) else None for body in (base.body, got.body)]
    if isinstance(pages[0], list) and isinstance(pages[1], list) and len(pages[0]) != len(pages[1]):
        found.append(("page size", f"{len(pages[0])} configs", f"{len(pages[1])} configs"))
    ends = end_form(base.body), end_form(got.body)
    if ends[0] != ends[1] and MORE not in ends:
        found.append(("end of the listing", f"nextToken {ends[0]}", f"nextToken {ends[1]}"))
    if values and isinstance(pages[0], list) and isinstance(pages[1], list):
        found += value_differences(pages[0], pages[1])
    return found


def _present(flag: bool) -> str:
    return "present" if flag else "missing"


def _code(body: Any) -> str:
    return str(body.get("ErrorCode")) if isinstance(body, dict) and "ErrorCode" in body else "-"


def value_differences(base: list[Any], got: list[Any]) -> list[tuple[str, str, str]]:
    """The qualifiers' order (of lists as long), and each field of the configs both sides list."""
    order = [c.get("qualifier") if isinstance(c, dict) else None for c in base], [
        c.get("qualifier") if isinstance(c, dict) else None for c in got]
    found = []
    if order[0] != order[1] and len(order[0]) == len(order[1]):
        found.append(("qualifiers' order", _short(order[0]), _short(order[1])))
    by_qualifier = {c.get("qualifier"): c for c in got if isinstance(c, dict)}
    for config in (c for c in base if isinstance(c, dict)):
        other = by_qualifier.get(config.get("qualifier"))
        for key in sorted(set(config) & set(other or {})):
            if other is not None and _type(config[key]) == _type(other[key]) and config[key] != other[key]:
                found.append((f"value of configs[].{key}", _short(config[key]), _short(other[key])))
    return found


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 60 else text[:57] + "..."


def issued_tokens(cassettes: Iterable[Cassette]) -> set[str]:
    """Every nextToken the baseline's server handed out: requests carrying one cannot go to another server."""
    tokens = set()
    for interaction in (i for c in cassettes for i in c.interactions if i.status == 200):
        body = interaction.json()
        if isinstance(body, dict) and isinstance(body.get("nextToken"), str) and body["nextToken"]:
            tokens.add(body["nextToken"])
    return tokens


def query_of(interaction: Interaction) -> dict[str, str]:
    return dict(parse_qsl(interaction.query, keep_blank_values=True))


def group(differences: list[Difference]) -> list[DifferenceLine]:
    """One line per difference, the same difference over many requests grouped into one line.

    Where the two sides name data (values, order, sizes), the group is the aspect, shown by its first example.
    """
    groups: dict[tuple[Kind | str, ...], list[Difference]] = defaultdict(list)
    for d in differences:
        by_data = d.aspect.startswith(("value of", "qualifiers' order", "page size", "pages of"))
        groups[(d.kind, d.aspect) if by_data else (d.kind, d.aspect, d.baseline, d.target)].append(d)
    lines = []
    for key, members in sorted(groups.items(), key=lambda g: (CLASSES.index(Kind(g[0][0])), g[0][1:])):
        first = members[0]
        example = "e.g. " if len(key) == 2 and len(members) > 1 else ""
        lines.append(DifferenceLine(first.kind, f"{first.kind.value}: {first.aspect}: {example}{first.baseline} -> "
                                            f"{first.target}; {_requests(members)}\n  reproduce: {first.curl}"))
    return lines


def _requests(members: list[Difference]) -> str:
    labels = list(dict.fromkeys(m.request for m in members))
    limits = [label.removeprefix("GET ?limit=") for label in labels]
    if len(labels) > 1 and all(value.lstrip("-").isdigit() for value in limits):
        return f"GET limit {spans(sorted(int(v) for v in limits))}, {len(labels)} requests"
    shown = "; ".join(labels[:3]) + (f"; ... ({len(labels)} requests)" if len(labels) > 3 else "")
    return shown if len(labels) > 1 else labels[0]


@dataclass
class Baseline:
    """A recording to compare a target with, and how."""

    cassettes: list[Cassette]
    values: bool  # compare config values and their order (--fc-baseline-compare=values)
    allowed: frozenset[Kind]  # classes that do not fail the clause (--fc-baseline-allow)

    @property
    def function(self) -> tuple[str, str]:
        """The service and function the baseline was recorded with."""
        metadata = next((c.metadata for c in self.cassettes if c.metadata.get("service")), {})
        return str(metadata.get("service", "")), str(metadata.get("function", ""))

    def interactions(self) -> list[Interaction]:
        """Each recorded request once (the first answer to it), in recording order; writes' state.writes judges."""
        seen: dict[tuple[str, str, str], Interaction] = {}
        for interaction in (i for c in self.cassettes for i in c.interactions if i.clause not in WRITE_CLAUSES):
            seen.setdefault((interaction.method, interaction.path, interaction.query), interaction)
        return list(seen.values())
