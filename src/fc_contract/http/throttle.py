"""How long to wait before retrying a throttled (429, 503) request."""

from __future__ import annotations

import email.utils
import math
import random
from datetime import UTC, datetime


def retry_delay(retry_after: str | None, attempt: int, backoff: float, max_delay: float) -> float:
    """Retry-After when given (seconds or an HTTP date), else exponential backoff with jitter; capped."""
    if retry_after is not None:
        try:
            seconds = float(retry_after)
        except ValueError:
            seconds = math.nan
        if math.isfinite(seconds) or seconds == math.inf:
            return min(max(seconds, 0.0), max_delay)
        try:
            when = email.utils.parsedate_to_datetime(retry_after)
            return float(min(max((when - datetime.now(UTC)).total_seconds(), 0.0), max_delay))
        except (TypeError, ValueError, OverflowError):
            pass
    base = backoff * 2**attempt
    return float(min(base + random.uniform(0, base / 2), max_delay))
