"""Benchmark: the SDK clauses' replay, sync against async, and a two-version nox run.

1. Every recorded interaction of the cassettes (45 configs) replayed through alibabacloud-fc-open20210406,
   sync (requests + responses) and async (aiohttp + aioresponses): wall time (median of 3) and peak
   Python memory (tracemalloc), with the async/sync ratio.
2. With --nox: `nox -s sdk` over two published versions (needs the package index), from a cold
   `.nox-sdk` and again warm (the virtualenvs kept).
Run: .venv/bin/python benchmarks/sdk.py [--nox]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from fc_contract.cassettes.format import load_all
from fc_contract.sdk import adapters
from fc_contract.sdk.replay import calls_of, replay
from fc_contract.settings import CASSETTE_DIR

ROOT = Path(__file__).resolve().parents[1]
VERSIONS = ("alibabacloud-fc-open20210406==2.0.11", "alibabacloud-fc-open20210406==2.0.12")


def _replay_all(sdk: adapters.Sdk, mode: str) -> tuple[float, int, int]:
    """Seconds, peak bytes and calls of one replay of every expressible interaction."""
    calls = calls_of(load_all(CASSETTE_DIR))
    tracemalloc.start()
    began = time.perf_counter()
    for call in calls:
        replay(sdk, call, mode)
    seconds = time.perf_counter() - began
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, peak, len(calls)


def replay_figures() -> None:
    sdk = adapters.load("alibabacloud-fc-open20210406")
    assert not isinstance(sdk, str), sdk
    results = {}
    for mode in ("sync", "async"):
        runs = [_replay_all(sdk, mode) for _ in range(3)]
        results[mode] = (statistics.median(r[0] for r in runs), max(r[1] for r in runs), runs[0][2])
        seconds, peak, calls = results[mode]
        print(f"{sdk.name} {sdk.version} {mode:5}: {calls} calls in {seconds:.2f} s "
              f"({1000 * seconds / calls:.2f} ms a call), peak {peak / 2**20:.1f} MiB")
    print(f"async/sync: time x{results['async'][0] / results['sync'][0]:.2f}, "
          f"peak memory x{results['async'][1] / results['sync'][1]:.2f}")


def nox_figures() -> None:
    with tempfile.TemporaryDirectory() as where:
        for label in ("cold", "warm"):
            began = time.perf_counter()
            done = subprocess.run([str(Path(sys.executable).with_name("nox")), "-f", str(ROOT / "noxfile.py"),
                                   "--envdir", f"{where}/.nox", "-s", "sdk", "--", *VERSIONS], cwd=where,
                                  capture_output=True, text=True)
            print(f"nox -s sdk -- {' '.join(VERSIONS)} ({label}): {time.perf_counter() - began:.1f} s, "
                  f"exit {done.returncode}")
        print("\n".join(line for line in done.stdout.splitlines() if line.startswith(("package", "alibabacloud"))))


if __name__ == "__main__":
    replay_figures()
    if "--nox" in sys.argv[1:]:
        nox_figures()
