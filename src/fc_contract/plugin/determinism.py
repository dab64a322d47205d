"""Generated requests depend on the clause's code and name only, so a recording replays exactly.

Hypothesis (6.131 and later) draws about 5% of its values from string and number constants found in
the project's own loaded modules. Which modules are loaded differs between a recording and its replay
(the SDK clauses load multiprocessing, which registers `__mp_main__`, the pytest script, as one), so
the same derandomised test would send other requests. Hypothesis has no public switch for this: while
a clause test runs, its pool of local constants is empty, and the previous function is put back after.
The global random is seeded here; the plugin puts its previous state back after the whole test.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis.internal.conjecture import providers  # no public API controls local constants
from hypothesis.internal.constants_ast import Constants


@contextmanager
def clause_generation(seed: str) -> Iterator[None]:
    """Seed the global random (schemathesis draws from it) and hide local constants, for one test."""
    random.seed(seed)
    original = getattr(providers, "_get_local_constants", None)
    if original is not None:
        providers._get_local_constants = Constants  # an empty pool
    try:
        yield
    finally:
        if original is not None:
            providers._get_local_constants = original
