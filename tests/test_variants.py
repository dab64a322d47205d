"""The suite catches every mutant in the clause it breaks, and passes every conforming variant."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from fc_contract.fake.server import Server
from harness import Verdict
from variants import MUTANTS, VARIANTS

Run = Callable[..., Verdict]


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_a_mutant_fails_in_the_clause_it_breaks(name: str, server: Server, run_contracts: Run) -> None:
    server.app = MUTANTS[name].build()
    verdict = run_contracts(f"--fc-target={server.url}", *MUTANTS[name].args)
    assert verdict.exit_code == 1, verdict.output
    assert verdict.failed_clauses == MUTANTS[name].fails, verdict.output
    assert "Traceback" not in verdict.output


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_a_conforming_variant_passes(name: str, server: Server, run_contracts: Run) -> None:
    server.app = VARIANTS[name].build()
    verdict = run_contracts(f"--fc-target={server.url}", *VARIANTS[name].args)
    assert verdict.exit_code == 0, verdict.output
    assert verdict.failed_clauses == set()
