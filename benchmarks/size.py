"""Benchmark: what the listing's size costs.

1. A limit=100 walk of 10,000 configs through the suite's client (every page validated against the
   description) against a bare `requests` loop over the same pages: medians of 5, and their ratio.
2. The default run (`pytest contracts`, profile ci) against the reference server with 45, 1,000
   and 10,000 configs: requests (counted by the server) and wall time.
Run: .venv/bin/python benchmarks/size.py
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from compare import Counting  # noqa: E402

from fc_contract.fake import FakeFC, seed_store  # noqa: E402
from fc_contract.fake.server import Server  # noqa: E402
from fc_contract.http.api import list_path  # noqa: E402
from fc_contract.http.client import Client  # noqa: E402
from fc_contract.judging.spec import Spec  # noqa: E402
from fc_contract.judging.walker import walk  # noqa: E402

PATH = list_path("demo-service", "helloworld")


def bare_loop(base: str) -> int:
    """Follow nextToken with plain requests, parsing each page: the floor any client pays."""
    session, token, pages = requests.Session(), None, 0
    while True:
        params = {"limit": "100", **({"nextToken": token} if token else {})}
        data = session.get(base + PATH, params=params, timeout=10).json()
        pages += 1
        token = data.get("nextToken")
        if not token:
            return pages


def suite_walk(base: str) -> int:
    return len(walk(Client(base, inspect=Spec().inspect), "demo-service", "helloworld", 100, max_pages=200).pages)


def median_seconds(job: object, base: str, times: int = 5) -> float:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        job(base)  # type: ignore[operator]
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> int:
    server = Server(FakeFC(seed_store(10_000))).start()
    bare, ours = median_seconds(bare_loop, server.url), median_seconds(suite_walk, server.url)
    print("a limit=100 walk of 10,000 configs (100 pages), medians of 5:")
    print(f"  bare requests loop:   {bare:6.3f} s")
    print(f"  suite's client+walk:  {ours:6.3f} s")
    print(f"  ratio suite/bare:     {ours / bare:6.2f} x")
    print("the default run (profile ci) against the reference server:")
    for size in (45, 1_000, 10_000):
        counting = Counting(FakeFC(seed_store(size)))
        server.app = counting
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "pytest", str(ROOT / "contracts"), "-q", "-p", "no:cacheprovider",
                               f"--fc-target={server.url}"], cwd=ROOT, capture_output=True, text=True, timeout=900)
        seconds = time.monotonic() - started
        verdict = "passed" if done.returncode == 0 else f"exit {done.returncode}"
        walks = re.search(r"coverage pagination.termination: (walks at \d+ of 100 limits)", done.stdout)
        print(f"  {size:6d} configs: {counting.count:5d} requests {seconds:6.1f} s  {verdict}; "
              f"{walks[1] if walks else 'no coverage line'}")
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
