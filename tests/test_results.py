"""The run layer's typed results, unit by unit: no server, no pytest run."""

from __future__ import annotations

import pytest

from fc_contract import Choice, Clause, ContractFailure
from fc_contract.cassettes.replay import ReplayMiss, Staleness
from fc_contract.http.exchange import Exchange
from fc_contract.http.stops import BudgetExceeded, StillThrottled
from fc_contract.judging.verdict import Stop, Verdict
from fc_contract.run.engine import Raised, Run
from fc_contract.run.results import Ending, Failure, Outcome, Results, TestResult
from fc_contract.settings import Settings

CHOICE = Choice("--fc-invalid-input=lenient")
EXCHANGE = Exchange("GET", "http://127.0.0.1:1/x?limit=0", {}, status=200, body=b"{}")


def test_a_verdict_renders_its_basis_and_a_request_to_reproduce() -> None:
    verdict = Clause("limit.bounds").verdict("limit='0'", "400 InvalidArgument", "200", EXCHANGE, CHOICE)
    assert str(verdict) == ("[limit.bounds] limit='0': expected 400 InvalidArgument (contract choice; "
                            "--fc-invalid-input=lenient relaxes it); observed 200\n"
                            "  reproduce: curl -sS -i 'http://127.0.0.1:1/x?limit=0'")
    assert not verdict.documented
    assert Failure.of(verdict).choice == "--fc-invalid-input=lenient"
    assert Failure.of(Verdict("errors", "a", "b", "c")).documented


def test_the_table_counts_each_outcome_and_keeps_the_first_reasons() -> None:
    results = Results()
    for outcome, reason in [(Outcome.PASSED, ""), (Outcome.FAILED, "[a] first\n  reproduce: curl"),
                            (Outcome.SKIPPED, "[a] needs more"), (Outcome.XFAILED, "a defect"),
                            (Outcome.XPASSED, "XPASS(strict): gone")]:
        results.add(TestResult(f"t::{outcome.value}", "a", outcome, reason))
    results.add(TestResult("t::b", "b", Outcome.XFAILED, "known"))
    row, other = results.table()["a"], results.table()["b"]
    assert (row.passed, row.failed, row.skipped, row.xfailed) == (1, 2, 1, 1)
    assert row.reasons == ["[a] first", "[a] needs more", "XPASS(strict): gone"]
    assert (row.verdict, other.verdict) == ("FAILED", "passed")
    assert results.failed_clauses() == {"a"}


def test_a_failure_counts_for_the_clause_its_verdict_names() -> None:
    results = Results()
    results.add(TestResult("t::x", "errors", Outcome.FAILED, "[budget] spent", Failure("budget", "[budget] spent")))
    assert results.failed_clauses() == {"budget"}
    assert list(results.table()) == ["errors"]  # the table still lists it under the test's clause


@pytest.mark.parametrize(("exc", "expected"), [
    (BudgetExceeded("the run has sent 30 requests"), Raised(stop=Stop("budget", "the run has sent 30 requests",
                                                                    stops_run=True))),
    (ReplayMiss("no recorded response for GET /x"), Raised(stop=Stop("errors", "no recorded response for GET /x"))),
    (StillThrottled("429 three times"), Raised(skip="[errors] 429 three times")),
    (ValueError("a bug"), None),
])
def test_what_an_exception_means_for_the_run(exc: BaseException, expected: Raised | None) -> None:
    assert Raised.of(exc, "errors") == expected


def test_a_group_of_verdicts_is_its_first_one() -> None:
    first, second = Verdict("errors", "a", "b", "c"), Verdict("errors", "d", "e", "f")
    group = BaseExceptionGroup("hypothesis", [ContractFailure(first), ContractFailure(second)])
    assert Raised.of(group, "errors") == Raised(verdict=first)


def test_the_ending_is_decided_once_from_what_the_run_kept() -> None:
    run = Run(Settings(**_SETTINGS))  # type: ignore[arg-type]
    assert run.ending() is Ending.PASSED
    run.results.add(TestResult("t", "a", Outcome.FAILED, "[a] x"))
    assert run.ending() is Ending.FAILED
    run.stopped(Stop("budget", "spent", stops_run=True))
    assert run.ending() is Ending.BUDGET
    run.interrupted = True
    assert run.ending() is Ending.INTERRUPTED


def test_staleness_names_what_a_partial_run_can_know() -> None:
    stale = Staleness(["GET /x?limit=00"], unused=3)
    assert stale.describe(complete=True) == ("1 requests it lacks (the first: GET /x?limit=00); "
                                             "3 recorded requests no longer sent")
    assert stale.describe(complete=False) == "1 requests it lacks (the first: GET /x?limit=00)"
    assert stale.stale(complete=False)
    assert not Staleness([], unused=3).stale(complete=False)
    assert Staleness([], unused=3).stale(complete=True)


_SETTINGS = {"target": "replay", "service": "s", "function": "f", "profile": "ci", "invalid_input": "reject",
             "max_requests": 10, "max_pages": 10, "timeout": 1.0, "max_seconds": 10.0, "cassettes": "",
             "request_log": "", "report": "", "baseline": "", "baseline_compare": "values", "baseline_allow": "",
             "signing": "none", "record": False, "strict_cassettes": False, "allow_insecure": False}
