"""Retry delays: Retry-After in seconds or as an HTTP date, else exponential backoff with jitter, capped."""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime, timedelta

import pytest

from fc_contract.http.throttle import retry_delay


def test_retry_after_seconds_are_honoured_and_capped() -> None:
    assert retry_delay("3", 0, 0.5, 20) == 3.0
    assert retry_delay("0", 2, 0.5, 20) == 0.0
    assert retry_delay("3600", 0, 0.5, 20) == 20.0


def test_retry_after_as_an_http_date() -> None:
    when = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=5), usegmt=True)
    assert 3.0 <= retry_delay(when, 0, 0.5, 20) <= 5.0
    past = email.utils.format_datetime(datetime.now(UTC) - timedelta(seconds=50), usegmt=True)
    assert retry_delay(past, 0, 0.5, 20) == 0.0


@pytest.mark.parametrize(("attempt", "low", "high"), [(0, 0.5, 0.75), (1, 1.0, 1.5), (2, 2.0, 3.0), (9, 20, 20)])
def test_backoff_doubles_with_jitter(attempt: int, low: float, high: float) -> None:
    delays = [retry_delay(None, attempt, 0.5, 20) for _ in range(50)]
    assert all(low <= d <= high for d in delays)
    assert len(set(delays)) > 1 or low == high


def test_a_malformed_retry_after_falls_back_to_backoff() -> None:
    assert 0.5 <= retry_delay("soon", 0, 0.5, 20) <= 0.75
