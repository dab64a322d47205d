"""The official Node SDKs against the reference server, as shipped: `nox -s node-clients` (see noxfile.py).

Serves the verifying reference server on loopback, runs check.js with the SDKs installed in NODE_PATH, and
compares what each SDK listed, put, got and deleted with what the server holds. Exit 0 when every SDK got
exactly that, 1 otherwise (one line per difference), 2 when node cannot run.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from fc_contract.fake import FakeFC, seed_store
from fc_contract.fake.auth import Verifier
from fc_contract.fake.server import serve

KEY_ID, SECRET = "LTAI5tNodeClients000001", "node-clients-secret"
LIMITS = [1, 7, 20, 100, None]
PUT = {"maxAsyncRetryAttempts": 2, "maxAsyncEventAgeInSeconds": 600, "statefulInvocation": True}
QUALIFIER = "node-q1"
HERE = Path(__file__).resolve().parent


def differences(sdk: str, got: dict[str, Any], listing: list[str]) -> list[str]:
    """What one SDK got otherwise than the server holds."""
    if "error" in got:
        return [f"{sdk}: {got['error']}"]
    found = [f"{sdk}: limit={limit}: listed {len(walk)} configs, {walk[:3]}..., the server holds {len(listing)}"
             for limit, walk in got["walks"].items() if walk != listing]
    for step in ("put", "get"):
        wrong = {k: (got[step].get(k), v) for k, v in PUT.items() if got[step].get(k) != v}
        if wrong or got[step].get("qualifier") != QUALIFIER:
            found.append(f"{sdk}: {step} answered {wrong or got[step].get('qualifier')}")
    if got.get("afterDelete") is None:
        found.append(f"{sdk}: a get after the delete did not fail")
    return found


def main() -> int:
    store = seed_store(45)
    listing = [c.qualifier for c in store.configs("demo-service", "helloworld")]
    app = FakeFC(store, verifier=Verifier({KEY_ID: SECRET}))
    with serve(app) as server, tempfile.TemporaryDirectory() as scratch:
        truth = Path(scratch) / "truth.json"
        truth.write_text(json.dumps({"accessKeyId": KEY_ID, "accessKeySecret": SECRET, "service": "demo-service",
                                     "fn": "helloworld", "limits": LIMITS, "qualifier": QUALIFIER, "put": PUT}))
        try:
            ran = subprocess.run(["node", str(HERE / "check.js"), server.url, str(truth)], capture_output=True,
                                 text=True, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as exc:
            print(f"node-clients: node could not run check.js: {exc}", file=sys.stderr)
            return 2
    if ran.returncode != 0 or not ran.stdout.strip():
        print(f"node-clients: check.js failed: {ran.stderr.strip()[-400:]}", file=sys.stderr)
        return 2
    results = json.loads(ran.stdout)
    problems = [line for sdk, got in results.items() for line in differences(sdk, got, listing)]
    for sdk, got in results.items():
        if "error" not in got:
            print(f"node-clients: {sdk}: listed {len(listing)} configs at limits "
                  f"{', '.join(map(str, got['walks']))}; put, got and deleted {QUALIFIER!r}: "
                  f"{'as the server holds' if not differences(sdk, got, listing) else 'DIFFERENT'}")
    for line in problems:
        print(f"node-clients: {line}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
