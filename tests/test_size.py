"""What a run says about size and choices: coverage lines, a listing too large to read, contract choices."""

from __future__ import annotations

import re
from collections.abc import Callable

from fc_contract.fake import FakeFC, seed_store
from fc_contract.fake.server import Server
from harness import Verdict
from variants import MUTANTS

Run = Callable[..., Verdict]
CHOICE = "(contract choice; --fc-invalid-input=lenient relaxes it)"


def _coverage(verdict: Verdict) -> dict[str, str]:
    return dict(re.findall(r"^coverage ([a-z.]+): (.*)$", verdict.output, re.MULTILINE))


def test_a_small_listing_is_covered_at_every_limit(server: Server, run_contracts: Run) -> None:
    verdict = run_contracts(f"--fc-target={server.url}")
    assert verdict.exit_code == 0, verdict.output
    coverage = _coverage(verdict)
    for clause in ("pagination.termination", "pagination.consistency", "response.shape"):
        assert re.fullmatch(r"walks at 100 of 100 limits and without limit, all \(\d+ requests\)", coverage[clause])
    assert coverage["limit.bounds"].startswith("single pages at limits 1..100, all (100 requests); walks at 100 of")


def test_a_large_listing_is_covered_by_the_stated_selection(server: Server, run_contracts: Run) -> None:
    server.app = FakeFC(seed_store(250))
    verdict = run_contracts(f"--fc-target={server.url}", "--fc-max-requests=800")
    assert verdict.exit_code == 0, verdict.output
    line = _coverage(verdict)["pagination.termination"]
    walked = re.match(r"walks at (\d+) of 100 limits \(([0-9., ]+)\) and without limit: boundaries \((\d+) requests\); "
                      r"left out ([0-9., ]+): over the walks' budget of 400 requests for 250 configs", line)
    assert walked is not None, line
    assert int(walked[3]) <= 400
    assert {"1", "2", "99..100"} <= set(walked[2].split(", ")) or walked[2].startswith("1..2,"), line
    assert "raise --fc-max-requests" in line


def test_a_listing_beyond_max_pages_skips_saying_how_to_read_it(server: Server, run_contracts: Run) -> None:
    server.app = FakeFC(seed_store(350))  # 2 pages and one more may be read: 300 configs
    verdict = run_contracts(f"--fc-target={server.url}", "--fc-max-pages=2")
    assert verdict.exit_code == 0, verdict.output
    assert "more than 300 configs (it reads --fc-max-pages=2 pages of limit=100 and one more); raise --fc-max-pages" \
        in verdict.output
    assert "loop" not in verdict.output
    assert "runaway" not in verdict.output


def test_a_failure_resting_on_a_contract_choice_says_so(server: Server, run_contracts: Run) -> None:
    server.app = MUTANTS["accepts-101"].build()
    verdict = run_contracts(f"--fc-target={server.url}")
    assert re.search(r"^\[limit\.bounds\] limit='101': expected 400 InvalidArgument in the FC error shape "
                     + re.escape(CHOICE), verdict.output, re.MULTILINE), verdict.output
    lenient = run_contracts(f"--fc-target={server.url}", "--fc-invalid-input=lenient")
    assert lenient.exit_code == 0, lenient.output


def test_a_failure_resting_on_the_documentation_does_not(server: Server, run_contracts: Run) -> None:
    server.app = MUTANTS["limit-plus-one"].build()
    verdict = run_contracts(f"--fc-target={server.url}")
    assert verdict.failed_clauses == {"limit.bounds"}
    assert CHOICE not in verdict.output


def test_the_summary_names_the_description_and_cassettes(run_contracts: Run) -> None:
    verdict = run_contracts()
    assert re.search(r"^judged by /\S+/contracts/openapi\.yaml; cassettes /\S+/cassettes \(replayed\)$",
                     verdict.output, re.MULTILINE), verdict.output
