"""behaviour.diff: each kind of difference from the shipped recording gives its line and class, and only it."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from fc_contract.fake import FakeFC, FCError, seed_store
from fc_contract.fake.recorded import store_from_cassettes
from fc_contract.fake.server import Server
from fc_contract.fake.store import AsyncConfig, Store
from harness import ROOT, Verdict
from variants import (
    AdditiveFields,
    CrashesOnBadToken,
    DropsField,
    KeyTokens,
    LenientDecoder,
    NullLastToken,
    ShortPages,
    WrongNotFound,
    WrongType,
)

Run = Callable[..., Verdict]
BASELINE = ROOT / "cassettes"  # recorded from the reference server with 45 configs
# The comparison alone, where the other clauses' verdicts are not the point (the variants' matrix judges them).
ONLY_DIFF = "--fc-clause=behaviour.diff"
LINE = re.compile(r"^  (?:single requests|walks): (breaking|changed|additive): ([^:]+): ", re.MULTILINE)


class ClampsLimit(FakeFC):
    """limit over 100 gets a page of 100, not 400 InvalidArgument (the documentation is silent)."""

    def parse_limit(self, raw: str | None) -> int:
        return 100 if raw and raw.isdigit() and int(raw) > 100 else super().parse_limit(raw)


class ReversedOrder(FakeFC):
    """The same configs, listed from the last qualifier to the first."""

    def find(self, service: str, function: str) -> list[AsyncConfig]:
        return list(reversed(super().find(service, function)))

    def start_index(self, configs: list[AsyncConfig], token: str | None, service: str, function: str) -> int:
        if token is None:
            return 0
        after = self.token_qualifier(token, service, function)
        return next((i for i, c in enumerate(configs) if c.qualifier < after), len(configs))


class UuidTokens(FakeFC):
    """Tokens are random uuids the server remembers: another format than the baseline's, and as opaque."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.issued: dict[str, str] = {}

    def token_qualifier(self, token: str, service: str, function: str) -> str:
        if token not in self.issued:
            raise FCError(400, "InvalidArgument", "invalid nextToken")
        return self.issued[token]

    def next_token(self, page: list[AsyncConfig], more: bool, service: str, function: str) -> str | None:
        if not more or not page:
            return ""
        token = str(uuid.uuid4())
        self.issued[token] = page[-1].qualifier
        return token


CASES = {
    "limit-101-clamped": (ClampsLimit, {("changed", "status")}),
    "null-last-token": (NullLastToken, {("changed", "end of the listing")}),
    "renamed-error-code": (WrongNotFound, {("breaking", "ErrorCode")}),
    "added-field": (AdditiveFields, {("additive", "field added")}),
    "removed-field": (DropsField, {("breaking", "field removed")}),
    "changed-type": (WrongType, {("breaking", "type of configs[].maxAsyncRetryAttempts")}),
    "other-order": (ReversedOrder, {("changed", "qualifiers' order")}),
    "other-page-sizes": (ShortPages, {("changed", "page size"), ("changed", "pages of a walk")}),
}


def _differences(output: str) -> set[tuple[str, str]]:
    return set(LINE.findall(output))


@pytest.mark.parametrize("compare", ["values", "shape"])
def test_the_reference_server_answers_as_its_own_recording(server: Server, run_contracts: Run, compare: str) -> None:
    verdict = run_contracts(f"--fc-target={server.url}", f"--fc-baseline={BASELINE}",
                            f"--fc-baseline-compare={compare}", ONLY_DIFF)
    assert verdict.exit_code == 0, verdict.output
    assert f"behaviour diff against {BASELINE}: no differences" in verdict.output
    assert re.search(r"^behaviour\.diff +passed +2 ", verdict.output, re.MULTILINE), verdict.output


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_kind_of_difference_has_its_line_and_class(server: Server, run_contracts: Run, case: str) -> None:
    app, expected = CASES[case]
    server.app = app(seed_store(45))
    verdict = run_contracts(f"--fc-target={server.url}", f"--fc-baseline={BASELINE}", ONLY_DIFF)
    assert _differences(verdict.output) == expected, verdict.output
    fails = any(kind != "additive" for kind, _ in expected)
    assert ("behaviour.diff" in verdict.failed_clauses) == fails, verdict.output
    assert "reproduce: curl" in verdict.output


def test_other_data_passes_shape_and_fails_values(server: Server, run_contracts: Run) -> None:
    server.app = FakeFC(seed_store(45, seed=7))
    shape = run_contracts(f"--fc-target={server.url}", f"--fc-baseline={BASELINE}", "--fc-baseline-compare=shape")
    assert shape.exit_code == 0, shape.output
    values = run_contracts(f"--fc-target={server.url}", f"--fc-baseline={BASELINE}")
    assert values.failed_clauses == {"behaviour.diff"}, values.output
    assert ("changed", "value of configs[].createdTime") in _differences(values.output) or any(
        aspect.startswith("value of") for _, aspect in _differences(values.output)), values.output


def test_accepted_classes_pass_and_stay_listed(server: Server, run_contracts: Run) -> None:
    server.app = ClampsLimit(seed_store(45))
    verdict = run_contracts(f"--fc-target={server.url}", f"--fc-baseline={BASELINE}", "--fc-baseline-allow=changed",
                            "--fc-invalid-input=lenient")
    assert verdict.exit_code == 0, verdict.output
    assert _differences(verdict.output) == {("changed", "status")}


def test_the_reference_server_seeded_from_the_recording_agrees_with_it(server: Server, run_contracts: Run) -> None:
    server.app = FakeFC(store_from_cassettes(BASELINE))
    verdict = run_contracts(f"--fc-target={server.url}", f"--fc-baseline={BASELINE}")
    assert verdict.exit_code == 0, verdict.output
    assert f"behaviour diff against {BASELINE}: no differences" in verdict.output


@pytest.mark.parametrize("release", ["uuid-tokens", "key-tokens"])
def test_a_new_token_format_is_no_difference(server: Server, run_contracts: Run, tmp_path: Path, release: str) -> None:
    """A baseline whose server issued base64 tokens (and accepted tampered ones) against releases with others."""
    server.app = LenientDecoder(seed_store(45))
    recorded = run_contracts(f"--fc-target={server.url}", "--fc-record", f"--fc-cassettes={tmp_path}",
                             "--fc-tokens-under-writes=any")
    assert recorded.exit_code == 0, recorded.output
    server.app = UuidTokens(seed_store(45)) if release == "uuid-tokens" else KeyTokens(seed_store(45))
    verdict = run_contracts(f"--fc-target={server.url}", f"--fc-baseline={tmp_path}", "-k", "behaviour")
    assert verdict.exit_code == 0, verdict.output
    assert f"behaviour diff against {tmp_path}: no differences" in verdict.output, verdict.output


def test_a_5xx_to_a_token_is_a_breaking_difference(server: Server, run_contracts: Run) -> None:
    server.app = CrashesOnBadToken(seed_store(45))
    verdict = run_contracts(f"--fc-target={server.url}", f"--fc-baseline={BASELINE}", "-k", "behaviour")
    assert ("breaking", "answer to a token it did not issue") in _differences(verdict.output), verdict.output
    assert "behaviour.diff" in verdict.failed_clauses
