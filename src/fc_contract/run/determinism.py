"""Generated requests depend on the clause's id and test name only, so a recording replays exactly.

Three things would otherwise move them:
- Hypothesis derandomises from a digest of the test function's source: an edited docstring or message would
  send other requests. A derandomised profile seeds each clause test from its clause and name instead, as
  hypothesis's own `@seed` does (the attribute it sets; `@seed` itself would also pin the settings).
- Hypothesis (6.131 and later) draws about 5% of its values from string and number constants found in the
  project's own loaded modules, and which modules are loaded differs between a recording and its replay (the
  SDK clauses load multiprocessing, which registers `__mp_main__`, the pytest script, as one). Hypothesis has
  no public switch for this: while a clause test runs, its pool of local constants is empty.
- schemathesis draws from the global random, which is seeded here.
The previous values are put back after the test; the plugin puts the global random's state back too.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis.internal.conjecture import providers  # no public API controls local constants
from hypothesis.internal.constants_ast import Constants

SEED = "_hypothesis_internal_use_seed"  # what hypothesis.seed() sets on a test


@contextmanager
def clause_generation(seed: str, test: Any = None, derandomize: bool = True) -> Iterator[None]:
    """Seed the global random and `test` (a hypothesis test, when it is one) from `seed`; hide local constants."""
    random.seed(seed)
    original = getattr(providers, "_get_local_constants", None)
    if original is not None:
        providers._get_local_constants = Constants  # an empty pool
    seeded = derandomize and getattr(test, "is_hypothesis_test", False) and getattr(test, SEED, None) is None
    if seeded:
        setattr(test, SEED, int.from_bytes(hashlib.sha256(seed.encode()).digest()[:16], "big"))
    try:
        yield
    finally:
        if seeded:
            setattr(test, SEED, None)
        if original is not None:
            providers._get_local_constants = original
