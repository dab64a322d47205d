"""Hypothesis profiles: dev (fast), ci (the default: derandomised, bounded), thorough (nightly)."""

from __future__ import annotations

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


def load(name: str) -> None:
    """Register every profile and activate `name`."""
    for profile, value in PROFILES.items():
        settings.register_profile(f"fc-{profile}", value)
    settings.load_profile(f"fc-{name}")
