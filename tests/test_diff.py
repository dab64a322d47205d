"""behaviour.diff: each kind of difference from the shipped recording gives its line and class, and only it."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from fc_contract.fake import FakeFC, seed_store
from fc_contract.fake.recorded import store_from_cassettes
from fc_contract.fake.server import Server
from fc_contract.fake.store import AsyncConfig
from harness import ROOT, Verdict
from variants import AdditiveFields, DropsField, NullLastToken, ShortPages, WrongNotFound, WrongType

Run = Callable[..., Verdict]
BASELINE = ROOT / "cassettes"  # recorded from the reference server with 45 configs
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
                            f"--fc-baseline-compare={compare}")
    assert verdict.exit_code == 0, verdict.output
    assert f"behaviour diff against {BASELINE}: no differences" in verdict.output
    assert re.search(r"^behaviour\.diff +passed +2 ", verdict.output, re.MULTILINE), verdict.output


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_kind_of_difference_has_its_line_and_class(server: Server, run_contracts: Run, case: str) -> None:
    app, expected = CASES[case]
    server.app = app(seed_store(45))
    verdict = run_contracts(f"--fc-target={server.url}", f"--fc-baseline={BASELINE}")
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
