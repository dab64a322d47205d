"""It always ends: against hung, broken and hostile servers the run gives a verdict, bounded, without a traceback."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest
import requests

from fc_contract.fake import seed_store
from fc_contract.fake.faults import Fault, Faulty, build
from fc_contract.fake.server import Server
from harness import Verdict

Run = Callable[..., Verdict]
LIST = "/2021-04-06/services/demo-service/functions/helloworld/async-invoke-configs"


@pytest.fixture
def faulty(server: Server) -> Iterator[Callable[[str], None]]:
    """Serve the fake with the given faults (KIND[:ARG][@EVERY], comma-separated); hung requests are released after."""
    apps: list[object] = []

    def use(spec: str) -> None:
        server.app = build(seed_store(45), [Fault.parse(text) for text in spec.split(",")])
        apps.append(server.app)

    yield use
    for app in apps:
        if isinstance(app, Faulty):
            app.released.set()


def _one_line(verdict: Verdict, phenomenon: str) -> None:
    """Some failure's first line, the one that starts with the clause id, names what happened."""
    lines = [line for line in verdict.output.splitlines() if re.match(r"^\[[a-z.]+\] ", line)]
    assert any(phenomenon in line for line in lines), verdict.output
    assert "Traceback" not in verdict.output


@pytest.mark.parametrize(("spec", "phenomenon"), [
    ("hang", "[target] 3 requests in a row got no response, the last: timed out"),
    ("latency:3", "[target] 3 requests in a row got no response, the last: timed out"),
    ("reset", "[target] 3 requests in a row got no response, the last: connection failed: ConnectionResetError"),
    ("reset@4", "no usable response (connection failed: ConnectionResetError"),
    ("html-500", "observed 500 text/html: b'<html><body><h1>500 Internal Server Error"),
    ("truncated", "no usable response (broken response:"),
    ("big@6", "no usable response (body larger than 5 MiB; stopped reading)"),
    ("not-json", "observed 200 text/plain: b'OK'"),
    ("endless-tokens", "still no last page after"),
    ("cyclic-tokens", "token cycle: page"),
])
def test_a_faulty_server_gets_a_verdict(faulty: Callable[[str], None], server: Server, run_contracts: Run,
                                        spec: str, phenomenon: str) -> None:
    faulty(spec)
    verdict = run_contracts(f"--fc-target={server.url}", "--fc-timeout=1")
    assert verdict.exit_code == 1, verdict.output
    _one_line(verdict, phenomenon)


@pytest.mark.parametrize("spec", ["latency:0.01", "throttle@3", "throttle:0@2,latency:0.005@5"])
def test_a_slow_or_throttling_but_correct_server_passes(faulty: Callable[[str], None], server: Server,
                                                        run_contracts: Run, spec: str) -> None:
    faulty(spec)
    verdict = run_contracts(f"--fc-target={server.url}")
    assert verdict.exit_code == 0, verdict.output


def test_a_server_that_hangs_on_every_request_ends_after_three_timeouts(
        faulty: Callable[[str], None], server: Server, run_contracts_in_subprocess: Run) -> None:
    """Three timeouts end the run: with the default 10 s that is 30 s of waiting, here 3 (killed at 60)."""
    faulty("hang")
    verdict = run_contracts_in_subprocess(f"--fc-target={server.url}", "--fc-timeout=1", timeout=60)
    assert verdict.exit_code == 1
    _one_line(verdict, "[target] 3 requests in a row got no response, the last: timed out (connect 1s, read 1s)")


def test_the_command_line_injects_faults() -> None:
    process = subprocess.Popen([sys.executable, "-m", "fc_contract.fake", "--port", "0", "--configs", "3",
                                "--fault", "html-500@2", "--fault", "throttle:7@3"], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split(" on ", 1)[1].split(" ")[0]
        statuses = [requests.get(url + LIST, timeout=5) for _ in range(3)]
        assert [r.status_code for r in statuses] == [200, 500, 429]
        assert statuses[1].headers["Content-Type"] == "text/html"
        assert statuses[2].headers["Retry-After"] == "7"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("text", ["nope", "latency:x", "html-500@0"])
def test_a_bad_fault_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="fault"):
        Fault.parse(text)


@pytest.mark.parametrize("target", ["replay", "drops-field"])  # the cassettes; a server, with a failing clause
def test_xdist_gives_the_serial_verdicts(server: Server, run_contracts: Run, run_contracts_in_subprocess: Run,
                                        target: str) -> None:
    from variants import MUTANTS, VARIANTS

    args = []
    if target != "replay":
        server.app = (MUTANTS.get(target) or VARIANTS[target]).build()
        args = [f"--fc-target={server.url}"]
    serial = run_contracts(*args)
    server.app = (MUTANTS.get(target) or VARIANTS.get(target) or VARIANTS["reference"]).build()
    parallel = run_contracts_in_subprocess(*args, "-n", "2")
    assert parallel.exit_code == serial.exit_code, parallel.output
    assert parallel.failed_clauses == serial.failed_clauses, parallel.output
    assert "passed" in parallel.output
