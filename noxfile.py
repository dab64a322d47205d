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
