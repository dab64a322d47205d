"""Hypothesis profiles: dev (fast), ci (the default: derandomised, bounded), thorough (nightly).

They apply to fc-contract's clause tests only: a profile is active while the clause modules are
collected (hypothesis and schemathesis take the default settings when a test is decorated) and
while a clause test runs, and the profile that was active before is put back after. Other tests
of the same run keep their own profile.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import HealthCheck, Phase, settings

# No shrinking in dev and ci: each shrink step is a request, and the @example boundaries already
# pin the smallest interesting inputs. derandomize makes record and replay send the same requests.
# One failure per test: several distinct ones would come as an exception group, which pytest prints
# with a traceback; the first tells the clause, and each verdict is one line.
_BASE = settings(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow], print_blob=False,
                 report_multiple_bugs=False)
PROFILES = {
    "dev": settings(_BASE, max_examples=4, derandomize=True, phases=[Phase.explicit, Phase.generate]),
    "ci": settings(_BASE, max_examples=12, derandomize=True, phases=[Phase.explicit, Phase.generate]),
    "thorough": settings(_BASE, max_examples=150, derandomize=False),
}


def derandomized(name: str) -> bool:
    """The profile sends the same requests every run (what a recording needs)."""
    return bool(PROFILES[name].derandomize)


def register() -> None:
    """Register every profile as fc-<name>, loading none."""
    for profile, value in PROFILES.items():
        settings.register_profile(f"fc-{profile}", value)


@contextmanager
def active(name: str) -> Iterator[None]:
    """Profile fc-`name` as hypothesis's default for the block; the previous profile after it."""
    previous = settings.get_current_profile_name()
    settings.load_profile(f"fc-{name}")
    try:
        yield
    finally:
        settings.load_profile(previous)
