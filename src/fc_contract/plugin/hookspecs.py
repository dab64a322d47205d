"""The hook fc-contract offers a conftest.py or plugin (pytest-recording's hooks.py is the model)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import requests

    from fc_contract.run.targets import Target
    from fc_contract.settings import Settings


@pytest.hookspec()
def pytest_fc_contract_session(session: requests.Session, target: Target, settings: Settings) -> None:
    """Customise the HTTP session every request of the run goes through, once, when the target opens.

    Set auth (it replaces fc-contract's signer), proxies, a client certificate (`session.cert`), a CA
    bundle (`session.verify`) or extra headers. `target.kind` is replay, fake, url or live. Each
    implementation is called; return nothing.
    """
