"""What a run says about size and choices: coverage lines, a listing too large to read, contract choices."""

from __future__ import annotations

import re
from collections.abc import Callable

from fc_contract.fake import FakeFC, seed_store
from harness import Verdict
from variants import MUTANTS

Run = Callable[..., Verdict]
CHOICE = "(contract choice; --fc-invalid-input=lenient relaxes it)"


def _coverage(verdict: Verdict) -> dict[str, str]:
    """What each clause covered, from the run's typed results (the terminal's coverage lines render them)."""
    assert verdict.run is not None
    return verdict.run.results.coverage()


def test_a_small_listing_is_covered_at_every_limit(judge: Run) -> None:
    verdict = judge(FakeFC(seed_store(45)))
    assert verdict.exit_code == 0, verdict.output
    coverage = _coverage(verdict)
    for clause in ("pagination.termination", "pagination.consistency", "response.shape"):
        assert re.search(r"(^|; )walks at 100 of 100 limits and without limit, all \(\d+ requests\)$", coverage[clause])
    assert re.match(r"\d+ distinct pages read as alibabacloud-fc-open20210406 [0-9.]+, aliyun-fc2 [0-9.]+ read them; ",
                    coverage["response.shape"])
    assert coverage["limit.bounds"].startswith("single pages at limits 1..100, all (100 requests); walks at 100 of")


def test_a_large_listing_is_covered_by_the_stated_selection(judge: Run) -> None:
    verdict = judge(FakeFC(seed_store(250)), "--fc-max-requests=800")
    assert verdict.exit_code == 0, verdict.output
    line = _coverage(verdict)["pagination.termination"]
    walked = re.match(r"walks at (\d+) of 100 limits \(([0-9., ]+)\) and without limit: boundaries \((\d+) requests\); "
                      r"left out ([0-9., ]+): over the walks' budget of 400 requests for 250 configs", line)
    assert walked is not None, line
    assert int(walked[3]) <= 400
    assert {"1", "2", "99..100"} <= set(walked[2].split(", ")) or walked[2].startswith("1..2,"), line
    assert "raise --fc-max-requests" in line


def test_a_listing_beyond_max_pages_skips_saying_how_to_read_it(judge: Run) -> None:
    verdict = judge(FakeFC(seed_store(350)), "--fc-max-pages=2")  # 2 pages and one more may be read: 300 configs
    assert verdict.exit_code == 0, verdict.output
    assert "more than 300 configs (it reads --fc-max-pages=2 pages of limit=100 and one more); raise --fc-max-pages" \
        in verdict.output
    assert "loop" not in verdict.output
    assert "runaway" not in verdict.output


def _choices(verdict: Verdict) -> set[str | None]:
    """The basis of each failure: the switch that relaxes it, or None for the documentation's own rule."""
    assert verdict.run is not None
    return {test.failure.choice for test in verdict.run.results.failures() if test.failure is not None}


def test_a_failure_resting_on_a_contract_choice_says_so(judge: Run) -> None:
    verdict = judge(MUTANTS["accepts-101"].build())
    assert re.search(r"^\[limit\.bounds\] limit='101': expected 400 InvalidArgument in the FC error shape "
                     + re.escape(CHOICE), verdict.output, re.MULTILINE), verdict.output
    assert _choices(verdict) == {"--fc-invalid-input=lenient"}
    lenient = judge(MUTANTS["accepts-101"].build(), "--fc-invalid-input=lenient")
    assert lenient.exit_code == 0, lenient.output


def test_a_failure_resting_on_the_documentation_does_not(judge: Run) -> None:
    verdict = judge(MUTANTS["limit-plus-one"].build())
    assert verdict.failed_clauses == {"limit.bounds"}
    assert _choices(verdict) == {None}
    assert CHOICE not in verdict.output


def test_the_summary_names_the_description_and_cassettes(run_contracts: Run) -> None:
    verdict = run_contracts("--fc-clause=errors")  # the summary names them whatever the run's clauses
    assert re.search(r"^judged by /\S+/contracts/openapi\.yaml; cassettes /\S+/cassettes \(replayed\)$",
                     verdict.output, re.MULTILINE), verdict.output
