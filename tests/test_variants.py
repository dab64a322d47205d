"""The suite catches every mutant in the clause it breaks, and passes every conforming variant (in-process)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from harness import Verdict
from variants import MUTANTS, VARIANTS

Judge = Callable[..., Verdict]


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_a_mutant_fails_in_the_clause_it_breaks(name: str, judge: Judge) -> None:
    verdict = judge(MUTANTS[name].build(), *MUTANTS[name].args)
    assert verdict.exit_code == 1, verdict.output
    assert verdict.failed_clauses == MUTANTS[name].fails, verdict.output
    assert "Traceback" not in verdict.output


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_a_conforming_variant_passes(name: str, judge: Judge) -> None:
    verdict = judge(VARIANTS[name].build(), *VARIANTS[name].args)
    assert verdict.exit_code == 0, verdict.output
    assert verdict.failed_clauses == set()
