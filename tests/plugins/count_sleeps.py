"""A pytest plugin for the project's tests: counts the sleeps of a second or more, and prints the count."""

from __future__ import annotations

import time

import pytest

_sleep = time.sleep
long_sleeps: list[float] = []


def _counting(seconds: float) -> None:
    if seconds >= 1.0:
        long_sleeps.append(seconds)
    _sleep(seconds)


time.sleep = _counting  # type: ignore[assignment]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    terminalreporter.write_line(f"long sleeps: {len(long_sleeps)} ({sum(long_sleeps):.1f} s)")
