"""nox sessions of fc-contract: the SDK clauses across SDK versions (README, "Every SDK version, side by side").

    nox -s sdk -- installed                                          # the versions installed here, offline
    nox -s sdk -- alibabacloud-fc-open20210406==2.0.11 2.0.12        # one virtualenv per version
    nox -s sdk -- 'alibabacloud-fc-open20210406>=2.0.0,<=2.0.12'     # every published version in a range
"""

from __future__ import annotations

import sys
from pathlib import Path

import nox

nox.options.sessions = ["sdk"]


@nox.session(venv_backend="none")  # it makes one virtualenv per SDK version itself (fc_contract.sdk.matrix)
def sdk(session: nox.Session) -> None:
    """The SDK clauses for each version given: a version x clause table, then what changed between versions."""
    root = Path(session.invoked_from) / ".nox-sdk"  # where nox was run, not the noxfile
    versions = session.posargs or ["installed"]
    session.run(sys.executable, "-m", "fc_contract.sdk.matrix", "--root", str(root), *versions)


# The Node SDKs as the npm registry serves them, at the versions the reference server was proven with.
NODE_SDKS = ["@alicloud/fc-open20210406@2.0.13", "@alicloud/fc2@2.6.6"]


@nox.session(name="node-clients", venv_backend="none")
def node_clients(session: nox.Session) -> None:
    """The official Node SDKs, default settings, signed: list at several limits, put, get, delete (clients/node).

    nox -s node-clients                                   # the pinned versions
    nox -s node-clients -- @alicloud/fc2@2.6.5 ...        # others (name both SDKs to replace both)
    """
    scratch = Path(session.invoked_from) / ".nox-node"
    packages = session.posargs or NODE_SDKS
    session.run("npm", "install", "--prefix", str(scratch), "--no-audit", "--no-fund", "--no-save",
                "--loglevel=error", *packages, external=True)
    session.run(sys.executable, str(Path(__file__).parent / "clients" / "node" / "run.py"),
                env={"NODE_PATH": str(scratch / "node_modules")})
