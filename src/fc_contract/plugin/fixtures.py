"""The fixtures the clauses use, each built on the ones before. Override any in a conftest.py: the run uses yours.

- fc_run: the run's engine (fc_contract.run.engine.Run): its settings, results and findings.
- fc_settings: the resolved options the fixtures below read.
- fc_spec: the description every response is judged by, and the cassettes' freshness is checked against.
- fc_target: where requests go (a Target: kind, base_url, a requests session).
- fc_limits: per-request and per-run bounds.
- fc: the Contract every clause gets; build it from the fixtures above, or from your own client.
- fc_baseline: the recording behaviour.diff compares the target with (--fc-baseline).
- fc_sdks: the official SDKs the SDK clauses replay the cassettes through, by name (or why one is missing).

To change the HTTP session alone (auth, proxies, mTLS, headers), implement the pytest_fc_contract_session hook.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fc_contract.cassettes.diff import Baseline
from fc_contract.http.client import Limits
from fc_contract.judging.contract import Contract
from fc_contract.judging.spec import Spec
from fc_contract.judging.verdict import Kind
from fc_contract.plugin import stash
from fc_contract.run.engine import Run, limits_of
from fc_contract.run.targets import Target, TargetError, load_cassettes, open_target
from fc_contract.sdk import adapters
from fc_contract.settings import Settings, given


@pytest.fixture(scope="session")
def fc_run(pytestconfig: pytest.Config) -> Run:
    """The run's engine, made when pytest is configured."""
    return pytestconfig.stash[stash.RUN]


@pytest.fixture(scope="session")
def fc_settings(fc_run: Run) -> Settings:
    """The resolved fc-contract options."""
    return fc_run.settings


@pytest.fixture(scope="session")
def fc_spec(fc_settings: Settings) -> Spec:
    """The OpenAPI description the responses are judged by: the one beside the contracts being run."""
    return Spec(fc_settings.spec_path)


@pytest.fixture(scope="session")
def fc_target(pytestconfig: pytest.Config, fc_settings: Settings, fc_spec: Spec) -> Iterator[Target]:
    """Where the requests go; session-scoped, closed at the end of the run."""
    try:
        target = open_target(fc_settings, fc_spec)
    except TargetError as exc:
        pytest.exit(str(exc), returncode=pytest.ExitCode.USAGE_ERROR)
    pytestconfig.hook.pytest_fc_contract_session(session=target.session, target=target, settings=fc_settings)
    yield target
    target.close()


@pytest.fixture(scope="session")
def fc_limits(fc_settings: Settings) -> Limits:
    """Per-request bounds: timeouts, body size, the request budget."""
    return limits_of(fc_settings)


@pytest.fixture(scope="session")
def fc(fc_run: Run, fc_settings: Settings, fc_target: Target, fc_spec: Spec, fc_limits: Limits) -> Contract:
    """The function under test, its client and the shared walks."""
    return fc_run.make_contract(fc_settings, fc_target, fc_spec, fc_limits)


@pytest.fixture(scope="session")
def fc_baseline(fc_settings: Settings) -> Baseline:
    """The recording behaviour.diff compares the target with (--fc-baseline); skips without one."""
    if not fc_settings.baseline:
        pytest.skip(f"[behaviour.diff] needs a baseline: {given('baseline', 'DIR')}")
    accepted = frozenset(Kind(c.strip()) for c in fc_settings.baseline_allow.split(",") if c.strip())
    return Baseline(load_cassettes(Path(fc_settings.baseline)), fc_settings.baseline_compare == "values", accepted)


@pytest.fixture(scope="session")
def fc_sdks() -> dict[str, adapters.Sdk | str]:
    """Each official SDK by name (the keys of adapters.FACTORIES), loaded, or the reason it cannot be."""
    return {name: adapters.load(name) for name in sorted(adapters.FACTORIES)}
