"""The write clauses: where they write, when they skip, and that they leave nothing behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
import requests

from fc_contract.fake import FakeFC, seed_store
from fc_contract.fake.auth import Verifier
from fc_contract.fake.server import Server
from fc_contract.fake.store import AsyncConfig
from fc_contract.fake.wire import Request
from fc_contract.http.client import Client
from fc_contract.http.wsgi import WSGIAdapter
from fc_contract.judging.clause import Clause
from fc_contract.judging.contract import Contract
from fc_contract.judging.spec import Spec
from fc_contract.judging.writes import Writer, cleanup
from fc_contract.run.results import Outcome
from fc_contract.settings import Settings
from harness import Verdict
from variants import Counting, NoWrites, OffsetTokens, versions_only

Run = Callable[..., Verdict]
CONTRACTS = Path(__file__).resolve().parents[1] / "contracts"
OURS = ("fc-contract-a", "fc-contract-b", "fc-contract-c")
KEY_ID, SECRET = "LTAI5tWritesKey0000001", "writes-secret"


def _qualifiers(app: FakeFC) -> list[str]:
    return [c.qualifier for c in app.store.configs("demo-service", "helloworld")]


def test_the_reference_server_passes_and_keeps_nothing(server: Server, run_contracts: Run) -> None:
    app = Counting(seed_store(45))
    before = _qualifiers(app)
    server.app = app
    verdict = run_contracts(f"--fc-target={server.url}", "-k", "writes")
    assert verdict.exit_code == 0, verdict.output
    assert app.methods["PUT"] > 5, app.methods
    assert app.methods["DELETE"] > 5, app.methods
    assert _qualifiers(app) == before
    assert "nothing the run created is left" in verdict.output


def test_a_server_without_writes_skips_both_clauses(server: Server, run_contracts: Run) -> None:
    server.app = NoWrites(seed_store(45))
    verdict = run_contracts(f"--fc-target={server.url}", "-k", "writes")
    assert verdict.exit_code == 0, verdict.output
    for clause in ("state.writes", "pagination.under-writes"):
        assert (f"[{clause}] needs a target that serves PutFunctionAsyncInvokeConfig; it answered 404 "
                "PathNotSupported") in verdict.output


def test_write_qualifiers_the_listing_orders_last_skip_under_writes_saying_so(judge: Callable[..., Verdict]) -> None:
    """An offset-token server on which no write can land before the walk's position: not judged, and said."""
    verdict = judge(versions_only(OffsetTokens), "-k", "under_writes")
    assert verdict.exit_code == 0, verdict.output
    assert verdict.run is not None
    [result] = [r for r in verdict.run.results.tests if r.clause == "pagination.under-writes"]
    assert result.outcome is Outcome.SKIPPED, verdict.output
    assert "are listed after every other config" in result.reason
    assert "name --fc-write-qualifiers that sort earlier" in result.reason


def test_qualifiers_with_configs_are_never_touched(server: Server, run_contracts: Run) -> None:
    store = seed_store(45)
    for qualifier in OURS:
        store.put(AsyncConfig("demo-service", "helloworld", qualifier, "2024-01-01T00:00:00Z",
                              "2024-01-01T00:00:00Z", max_async_retry_attempts=7))
    app = Counting(store)
    server.app = app
    verdict = run_contracts(f"--fc-target={server.url}", "-k", "writes")
    assert verdict.exit_code == 0, verdict.output
    assert "needs a qualifier of demo-service/helloworld without an async invoke config; all of " \
           "--fc-write-qualifiers=fc-contract-a,fc-contract-b,fc-contract-c have one" in verdict.output
    assert app.methods["PUT"] == app.methods["DELETE"] == 0
    verdict = run_contracts(f"--fc-target={server.url}", "-k", "writes", "--fc-write-qualifiers=fc-contract-a,x1")
    assert verdict.exit_code == 0, verdict.output
    assert all(c.max_async_retry_attempts == 7 for c in store.configs("demo-service", "helloworld")
               if c.qualifier in OURS)
    assert "the configs put on x1 were deleted again" in verdict.output


@pytest.fixture
def live(server: Server, monkeypatch: pytest.MonkeyPatch) -> Counting:
    for name in ("ALIBABA_CLOUD_ACCOUNT_ID", "ALIBABA_CLOUD_REGION", "ALIBABA_CLOUD_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
    monkeypatch.setenv("FC_ENDPOINT", server.url)
    app = Counting(seed_store(45), verifier=Verifier({KEY_ID: SECRET}))
    server.app = app
    return app


def test_a_live_run_writes_only_when_allowed(live: Counting, run_contracts: Run) -> None:
    verdict = run_contracts("--fc-target=live", "-k", "writes")
    assert verdict.exit_code == 0, verdict.output
    assert set(live.methods) == {"GET"} or not live.methods, live.methods
    assert "[state.writes] needs --fc-allow-writes to put and delete configs on a live service" in verdict.output
    before = _qualifiers(live)
    verdict = run_contracts("--fc-target=live", "-k", "writes", "--fc-allow-writes")
    assert verdict.exit_code == 0, verdict.output
    assert live.methods["PUT"] > 0
    assert _qualifiers(live) == before


class StallsAfterWrites(FakeFC):
    """Serves normally until a few configs were put, then holds a listing until released."""

    def __init__(self) -> None:
        super().__init__(seed_store(45))
        self.puts = 0
        self.stalled, self.released = threading.Event(), threading.Event()

    def put_config(self, request: Request, service: str, function: str, qualifier: str) -> AsyncConfig:
        self.puts += 1
        return super().put_config(request, service, function, qualifier)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        listing = environ["REQUEST_METHOD"] == "GET" and environ["PATH_INFO"].endswith("-configs")
        if listing and self.puts >= 4 and any(q in OURS for q in _qualifiers(self)) and not self.stalled.is_set():
            self.stalled.set()  # mid-sequence, with configs of the run in place: the moment to interrupt
            self.released.wait(60)
        return super().__call__(environ, start_response)


@pytest.mark.parametrize("clause", ["state_writes", "under_writes"])
def test_an_interrupted_run_leaves_no_config_it_created(server: Server, tmp_path: Path, clause: str) -> None:
    app = StallsAfterWrites()
    before = [q for q in _qualifiers(app)]
    server.app = app
    process = subprocess.Popen([sys.executable, "-m", "pytest", str(CONTRACTS), "-p", "no:cacheprovider", "-q",
                                "-k", clause, f"--fc-target={server.url}", "--fc-timeout=60"],
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"},
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert app.stalled.wait(120), "the run never got mid-sequence"
        assert any(q in OURS for q in _qualifiers(app))
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=120)
    finally:
        app.released.set()
        process.kill()
    assert _qualifiers(app) == before, out
    assert "KeyboardInterrupt" in out, out
    assert "were deleted again" in out, out



@pytest.mark.parametrize(("base", "allowed", "writes"), [
    ("http://127.0.0.1:9000", False, True), ("http://[::1]:9000", False, True),
    ("https://fc-contract.invalid", False, True),  # a replay's host: no server anywhere
    ("http://mock.example.com:4010", False, False), ("http://mock.example.com:4010", True, True),
])
def test_writes_go_to_this_machine_only_unless_allowed(base: str, allowed: bool, writes: bool) -> None:
    """Without --fc-allow-writes a write clause writes only to the reference server and loopback targets."""
    app = Counting(seed_store(45))
    session = requests.Session()
    session.mount(base + "/", WSGIAdapter(app))
    settings = Settings(**{**_SETTINGS, "target": base, "allow_writes": allowed})  # type: ignore[arg-type]
    contract = Contract(settings, Client(base, session), Spec())
    writer = Writer(contract, Clause("state.writes"))
    if writes:
        free, _ = writer.prepare()
        cleanup(contract)
        assert free
        assert app.methods["PUT"] > 0
        return
    with pytest.raises(pytest.skip.Exception, match=r"--fc-allow-writes to put and delete configs on http://mock"):
        writer.prepare()
    assert app.methods["PUT"] == 0
    assert app.methods["GET"] == 0  # skipped before its first request


_SETTINGS = {"target": "", "service": "demo-service", "function": "helloworld", "profile": "ci",
             "invalid_input": "reject", "max_requests": 1000, "max_pages": 100, "timeout": 5.0, "max_seconds": 60.0,
             "cassettes": "", "request_log": "", "report": "", "baseline": "", "baseline_compare": "values",
             "baseline_allow": "", "signing": "none", "record": False, "strict_cassettes": False,
             "allow_insecure": False}
