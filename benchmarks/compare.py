"""Benchmark: the contract suite vs `st run` on the same description and server (45 configs).

Prints wall time and HTTP requests (counted by the server) for each, with their ratio, the
suite's requests per clause, and each tool's verdict on two mutants `st run` is known to miss.
Run: .venv/bin/python benchmarks/compare.py
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fc_contract.fake import FakeFC, seed_store  # noqa: E402
from fc_contract.fake.server import Server  # noqa: E402
from fc_contract.settings import SPEC_PATH  # noqa: E402
from variants import MUTANTS  # noqa: E402

BIN = Path(sys.executable).parent
ST_CONFIG = '[parameters]\nserviceName = "demo-service"\nfunctionName = "helloworld"\n'


class Counting:
    """A WSGI wrapper that counts the requests it serves."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app, self.count, self.lock = app, 0, threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with self.lock:
            self.count += 1
        return self.app(environ, start_response)


def run(server: Server, app: FakeFC, command: list[str], cwd: Path) -> tuple[float, int, str, int]:
    counting = Counting(app)
    server.app = counting
    started = time.monotonic()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
    return time.monotonic() - started, counting.count, done.stdout + done.stderr, done.returncode


def main() -> int:
    server = Server(FakeFC(seed_store(45))).start()
    suite = [sys.executable, "-m", "pytest", str(ROOT / "contracts"), "-q", "-p", "no:cacheprovider",
             f"--fc-target={server.url}"]
    st = [str(BIN / "st"), "run", str(SPEC_PATH), "--url", server.url, "--continue-on-failure",
          "--exclude-checks", "positive_data_acceptance,ignored_auth", "--generation-deterministic"]
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "schemathesis.toml").write_text(ST_CONFIG)
        suite_time, suite_requests, suite_out, _ = run(server, FakeFC(seed_store(45)), suite, ROOT)
        st_time, st_requests, _, _ = run(server, FakeFC(seed_store(45)), st, Path(tmp))
        print("against the reference server (45 configs):")
        print(f"  fc-contract suite: {suite_time:6.1f} s {suite_requests:6d} requests")
        print(f"  st run:            {st_time:6.1f} s {st_requests:6d} requests")
        print(f"  ratio suite/st:    {suite_time / st_time:6.2f} x time, {suite_requests / st_requests:.2f} x requests")
        print("suite requests per clause:")
        for line in re.findall(r"^  ([a-z.]+: \d+ requests)$", suite_out, re.MULTILINE):
            print(f"  {line}")
        print("verdicts on mutants (exit code 0 = passed it):")
        for name in ("endless-token", "limit-plus-one", "plus-one-at-37", "endless-at-13"):
            _, suite_n, _, suite_rc = run(server, MUTANTS[name].build(), suite, ROOT)
            _, st_n, _, st_rc = run(server, MUTANTS[name].build(), st, Path(tmp))
            print(f"  {name:16} suite: exit {suite_rc} ({suite_n} requests)   st run: exit {st_rc} ({st_n} requests)")
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
