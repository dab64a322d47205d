"""Signed runs: the suite signs with either scheme, a live run reads only, bad credentials give one verdict."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from fc_contract.fake import FakeFC, seed_store
from fc_contract.fake.auth import Verifier
from fc_contract.fake.server import Server
from harness import Verdict
from variants import NeedsAuthorization, RefusesRepeatedKeys, Throttles

Run = Callable[..., Verdict]
KEY_ID, SECRET = "LTAI5tEndToEndKey000001", "end-to-end-secret"


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FC_ENDPOINT", "ALIBABA_CLOUD_ACCOUNT_ID", "ALIBABA_CLOUD_REGION", "ALIBABA_CLOUD_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)


@pytest.fixture
def signed(server: Server) -> Server:
    server.app = FakeFC(seed_store(45), verifier=Verifier({KEY_ID: SECRET}))
    return server


@pytest.mark.usefixtures("credentials")
@pytest.mark.parametrize("scheme", ["acs3", "fc"])
def test_the_whole_suite_passes_signed(signed: Server, run_contracts: Run, scheme: str) -> None:
    verdict = run_contracts(f"--fc-target={signed.url}", f"--fc-signing={scheme}")
    assert verdict.exit_code == 0, verdict.output


@pytest.mark.usefixtures("credentials")
def test_a_wrong_secret_is_one_authentication_verdict(signed: Server, run_contracts: Run,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "not-the-secret")
    verdict = run_contracts(f"--fc-target={signed.url}", "--fc-signing=acs3")
    assert verdict.exit_code == 1
    assert len([line for line in verdict.output.splitlines() if line.startswith("FAILED ")]) == 1, verdict.output
    assert "[auth] the target refuses requests for want of credentials or a valid signature: 403 SignatureNotMatch" \
        in verdict.output
    assert "1 failed" in verdict.output


@pytest.mark.usefixtures("credentials")
def test_live_signs_with_acs3_and_sends_get_only(signed: Server, run_contracts: Run,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FC_ENDPOINT", signed.url)
    verdict = run_contracts("--fc-target=live")
    assert verdict.exit_code == 0, verdict.output
    assert "note: schema.fuzz: POST not sent: a live run sends GET only" in verdict.output
    assert f"target {signed.url}" in verdict.output


@pytest.mark.parametrize(("unset", "message"), [
    ("ALIBABA_CLOUD_ACCESS_KEY_SECRET",
     "set ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN for STS)"),
    ("FC_ENDPOINT", "--fc-target=live needs FC_ENDPOINT, or ALIBABA_CLOUD_ACCOUNT_ID and ALIBABA_CLOUD_REGION"),
])
@pytest.mark.usefixtures("credentials")
def test_live_without_its_variables_stops_before_any_test(run_contracts: Run, monkeypatch: pytest.MonkeyPatch,
                                                          unset: str, message: str) -> None:
    monkeypatch.setenv("FC_ENDPOINT", "https://1.cn-hangzhou.fc.aliyuncs.com")
    monkeypatch.delenv(unset)
    verdict = run_contracts("--fc-target=live")
    assert verdict.exit_code == 4
    errors = [line for line in verdict.output.splitlines() if line.startswith("ERROR:")]
    assert len(errors) == 1, verdict.output
    assert message in errors[0]


@pytest.mark.parametrize("status", [429, 503])
def test_throttling_is_retried_and_reported(server: Server, run_contracts: Run, status: int) -> None:
    server.app = Throttles(seed_store(45), every=5, status=status)
    verdict = run_contracts(f"--fc-target={server.url}")
    assert verdict.exit_code == 0, verdict.output
    assert "throttled requests:" in verdict.output
    assert f"got {status} {'ResourceExhausted' if status == 429 else 'ResourceThrottled'}" in verdict.output
    assert "retry 1 of 3 after 0.0s" in verdict.output


def test_a_server_that_always_throttles_gets_a_bounded_verdict(server: Server, run_contracts: Run) -> None:
    server.app = Throttles(seed_store(45), every=1)
    verdict = run_contracts(f"--fc-target={server.url}", "--fc-max-requests=400")
    assert verdict.exit_code == 1
    assert "429 ResourceExhausted" in verdict.output


def test_a_mock_wanting_a_header_is_one_auth_verdict_naming_the_fix(server: Server, run_contracts: Run) -> None:
    server.app = NeedsAuthorization(seed_store(45))
    verdict = run_contracts(f"--fc-target={server.url}")
    assert verdict.exit_code == 1
    assert verdict.failed_clauses == {"auth"}, verdict.output
    assert len([line for line in verdict.output.splitlines() if line.startswith("FAILED ")]) == 1, verdict.output
    assert "401 Unauthorized" in verdict.output
    assert "ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET" in verdict.output
    assert "any values will do" in verdict.output


@pytest.mark.usefixtures("credentials")
def test_a_mock_wanting_a_header_passes_signed(server: Server, run_contracts: Run) -> None:
    server.app = NeedsAuthorization(seed_store(45))
    verdict = run_contracts(f"--fc-target={server.url}", "--fc-signing=fc")
    assert verdict.exit_code == 0, verdict.output


@pytest.mark.usefixtures("credentials")
def test_one_odd_refused_request_fails_its_test_and_the_run_goes_on(server: Server, run_contracts: Run) -> None:
    server.app = RefusesRepeatedKeys(seed_store(45), verifier=Verifier({KEY_ID: SECRET}))
    verdict = run_contracts(f"--fc-target={server.url}", "--fc-signing=acs3")
    assert verdict.exit_code == 1
    assert verdict.failed_clauses == {"schema.fuzz"}, verdict.output
    assert "its query has a repeated key" in verdict.output
    assert "the run stops here" not in verdict.output
    assert "pagination.termination     passed" in verdict.output
