"""What a run tells its user: clause ids, a request to reproduce, skips that say why, usage errors."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

from fc_contract.fake.server import Server
from fc_contract.report.json_results import SCHEMA
from harness import Verdict
from variants import MUTANTS, VARIANTS

Run = Callable[..., Verdict]


def test_a_failure_names_its_clause_and_a_curl_to_reproduce(server: Server, run_contracts: Run) -> None:
    server.app = MUTANTS["limit-plus-one"].build()
    verdict = run_contracts(f"--fc-target={server.url}")
    assert "[limit.bounds] limit=1: expected at most 1 configs; observed 2" in verdict.output
    assert f"reproduce: curl -sS -i '{server.url}/2021-04-06/services/demo-service/functions/helloworld/" \
           "async-invoke-configs?limit=1'" in verdict.output


def test_too_little_data_skips_and_says_what_it_needs(server: Server, run_contracts: Run) -> None:
    server.app = VARIANTS["no-configs"].build()
    verdict = run_contracts(f"--fc-target={server.url}")
    assert verdict.exit_code == 0
    assert "[pagination.consistency] needs at least 2 configs on demo-service/helloworld; the target has 0" \
        in verdict.output
    assert "[errors] needs a nextToken to tamper with" in verdict.output


def test_options_come_from_the_environment(server: Server, run_contracts: Run, monkeypatch: pytest.MonkeyPatch,
                                           ) -> None:
    server.app = VARIANTS["reference"].build()
    monkeypatch.setenv("FC_CONTRACT_TARGET", server.url)
    monkeypatch.setenv("FC_CONTRACT_FUNCTION", "absent-function")
    verdict = run_contracts()
    assert server.url in verdict.output
    assert "[pagination.termination]" in verdict.output
    assert "FunctionNotFound" in verdict.output


def test_the_request_budget_ends_the_run_with_a_verdict(server: Server, run_contracts: Run) -> None:
    server.app = VARIANTS["reference"].build()
    verdict = run_contracts(f"--fc-target={server.url}", "--fc-max-requests=30")
    assert verdict.exit_code == 1
    assert "[budget] the run has sent 30 requests" in verdict.output
    assert "30 requests" in verdict.output


@pytest.mark.parametrize(("args", "message"), [
    (["--fc-target=ftp://x"], "--fc-target='ftp://x' is not replay, fake, live or an http(s)://HOST[:PORT] URL"),
    (["--fc-target=http://127.0.0.1:1"], "cannot reach the target http://127.0.0.1:1"),
    (["--fc-profile=fast"], "--fc-profile='fast' is not one of dev, ci, thorough"),
    (["--fc-max-pages=0"], "--fc-max-pages=0: give a positive whole number"),
    (["--fc-timeout=soon"], "--fc-timeout=soon: give a positive number"),
])
def test_bad_options_are_one_line_usage_errors(run_contracts: Run, args: list[str], message: str) -> None:
    verdict = run_contracts(*args)
    assert verdict.exit_code == 4
    errors = [line for line in verdict.output.splitlines() if line.startswith("ERROR:")]
    assert len(errors) == 1, verdict.output
    assert message in errors[0], verdict.output
    assert "Traceback" not in verdict.output


def test_a_server_that_never_answers_gets_one_verdict_quickly(server: Server, run_contracts: Run) -> None:
    release = threading.Event()

    def hang(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        release.wait(60)
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b"{}"]

    server.app = hang
    try:
        verdict = run_contracts(f"--fc-target={server.url}", "--fc-timeout=1")
    finally:
        release.set()
    assert verdict.exit_code == 1
    assert "[target] 3 requests in a row got no response, the last: timed out (connect 1s, read 1s)" in verdict.output
    assert "Traceback" not in verdict.output


def test_the_markdown_report_names_the_failing_clauses_with_evidence(server: Server, run_contracts: Run,
                                                                     tmp_path: Any) -> None:
    server.app = MUTANTS["limit-plus-one"].build()
    report, junit = tmp_path / "report.md", tmp_path / "junit.xml"
    verdict = run_contracts(f"--fc-target={server.url}", f"--fc-report={report}", f"--junitxml={junit}")
    assert verdict.exit_code == 1
    text = report.read_text()
    assert text.startswith("# fc-contract report: FAILED")
    assert "| `limit.bounds` | FAILED |" in text
    assert "| `pagination.termination` | passed |" in text
    assert "### `limit.bounds`: " in text
    assert "[limit.bounds] limit=1: expected at most 1 configs; observed 2" in text
    assert "```sh\ncurl -sS -i '" in text
    assert "Response: `200 application/json; charset=utf-8`" in text
    assert re.search(r"^limit\.bounds +FAILED +\d+ +[1-9]", verdict.output, re.MULTILINE), verdict.output
    xml = junit.read_text()
    assert '<property name="fc_clause" value="limit.bounds"' in xml
    assert '<property name="fc_clause" value="schema.fuzz"' in xml


def test_the_json_results_are_the_typed_results(judge: Callable[..., Verdict], tmp_path: Path) -> None:
    """--fc-json writes what the run's results hold: each failure's verdict with its basis, the table, the ending."""
    out = tmp_path / "results.json"
    verdict = judge(MUTANTS["accepts-101"].build(), f"--fc-json={out}")
    document = json.loads(out.read_text())
    assert verdict.run is not None
    jsonschema.validate(document, json.loads(SCHEMA.read_text()))  # the schema in the repository holds
    assert document["format"] == 2
    assert document["ending"] == verdict.run.ending().value == "failed"
    assert document["complete"] is True
    first = document["clauses"]["limit.bounds"]["first_failure"]
    assert first["choice"] == "--fc-invalid-input=lenient", first
    assert not first["documented"]
    assert first["curl"].startswith("curl "), first
    assert "limit=101" in first["curl"], first
    assert document["clauses"]["errors"]["first_failure"] is None
    assert document["clauses"]["limit.bounds"]["requests"] == document["requests"]["limit.bounds"] > 0
    assert set(document["coverage"]) >= {"limit.bounds", "pagination.termination"}
    assert {c for c, row in document["clauses"].items() if row["verdict"] == "FAILED"} == verdict.failed_clauses
    failures = [t["failure"] for t in document["tests"] if t["outcome"] == "failed"]
    assert failures
    assert all(f["choice"] == "--fc-invalid-input=lenient" for f in failures), failures
    assert all(f["text"].startswith(f"[{f['clause']}] ") and f["evidence"]["curl"].startswith("curl ")
               for f in failures)
    assert verdict.run.contract is not None
    assert sum(document["requests"].values()) == verdict.run.contract.client.sent
