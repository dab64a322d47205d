"""Runs of the contract suite for the project's tests: in this process (typed results) or in a subprocess."""

from __future__ import annotations

import contextlib
import io
import json
import sys
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.machinery import ModuleSpec, SourceFileLoader
from pathlib import Path
from types import ModuleType

import pytest
import requests

from fc_contract.http.wsgi import WSGIAdapter, WSGIApp
from fc_contract.plugin.collector import CLAUSE, VERDICT
from fc_contract.plugin.stash import RUN
from fc_contract.run.engine import Run
from fc_contract.run.targets import Target

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = ROOT / "contracts"
# What an in-process run leaves out: pytest-xdist and pytest-timeout (the outer run's own), the cache, and the
# unraisable-exception collector (two full garbage collections of the outer process's heap at each run's end).
INPROCESS = ("-p", "no:cacheprovider", "-p", "no:xdist", "-o", "timeout=0", "-p", "no:pytester",
             "-p", "no:unraisableexception", "-W", "ignore::pytest.PytestAssertRewriteWarning")


@dataclass
class Verdict:
    """What a run of the contract suite said: exit code, output, JUnit XML, and (in-process) the typed run."""

    exit_code: int
    output: str
    junit: Path | None = None
    run: Run | None = None

    def failures(self) -> list[tuple[str, str]]:
        """(verdict id, else the test's clause; the failure report) of each failed test case, from the JUnit XML."""
        if self.junit is None or not self.junit.is_file():
            return []
        found: list[tuple[str, str]] = []
        for case in ET.parse(self.junit).getroot().iter("testcase"):
            problem = case.find("failure")
            if problem is None:
                problem = case.find("error")
            if problem is None:
                continue
            properties = {p.get("name"): p.get("value") or "" for p in case.iter("property")}
            verdict = json.loads(properties[VERDICT]) if properties.get(VERDICT) else {}
            found.append((verdict.get("clause") or properties.get(CLAUSE, ""), problem.text or ""))
        return found

    @property
    def failed_clauses(self) -> set[str]:
        """The verdict id of each failure ("[id] ..."): typed when the run was in-process, else from the JUnit XML."""
        if self.run is not None:
            return self.run.results.failed_clauses()
        return {clause for clause, _ in self.failures()}


class _Keep:
    """Keeps the inner run's engine; with an app, the run's session calls it in-process instead of the network."""

    def __init__(self, app: WSGIApp | None) -> None:
        self.app = app
        self.run: Run | None = None

    def pytest_fc_contract_session(self, session: requests.Session, target: Target) -> None:
        if self.app is not None:
            session.mount(target.base_url.rstrip("/") + "/", WSGIAdapter(self.app))
            session.trust_env = False  # no proxy or netrc for an app in this process: a third of each request's time

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        self.run = config.stash.get(RUN, None)


def _clause_module(name: str) -> bool:
    return name == "contracts" or name.startswith("contracts.")


def held_modules(before: Mapping[str, ModuleType]) -> list[tuple[str, ModuleType, ModuleSpec]]:
    """The modules imported since `before` whose loader is a finder this process no longer has: a run's import hook
    (pytest's assertion rewriting), which as their loader keeps that run's config alive."""
    held = []
    for name, module in list(sys.modules.items()):
        spec: ModuleSpec | None = getattr(module, "__spec__", None)
        if before.get(name) is module or spec is None:
            continue
        loader: object = spec.loader
        if hasattr(loader, "find_spec") and not any(loader is finder for finder in sys.meta_path):
            held.append((name, module, spec))
    return held


def _unhook(before: Mapping[str, ModuleType]) -> None:
    """The modules a run imported first (a lazy import of schemathesis, the root conftest) load from their files
    from now on, not through the run's assertion-rewriting hook: as their __loader__ it would keep the run's config
    alive, and through it its engine and every exchange (5,000 of them after test_variants, measured)."""
    for name, module, spec in held_modules(before):
        if spec.origin is None:
            continue
        hook, plain = spec.loader, SourceFileLoader(name, spec.origin)
        spec.loader = plain
        if getattr(module, "__loader__", None) is hook:
            module.__loader__ = plain


def run_in_process(*args: str, junit: Path | None = None, app: WSGIApp | None = None, path: Path = CONTRACTS,
                   plugins: Sequence[object] = ()) -> Verdict:
    """`pytest PATH ARGS` (the contracts) in this process: no interpreter start-up, and the run's typed results kept.

    With `app`, the target URL's requests go to that WSGI app through a requests adapter (no socket, no thread).
    `plugins` are objects that undo what they change when the run ends (sdk_faults.py).

    For what must not leak into later runs (plugin modules that patch at import, -n), run it in a subprocess instead.
    """
    bad = [a for i, a in enumerate(args) if a == "-n" or (i > 0 and args[i - 1] == "-p" and not a.startswith("no:"))]
    if bad:
        raise ValueError(f"{bad}: a run with plugins or workers goes in a subprocess (run_contracts_in_subprocess)")
    keep, out = _Keep(app), io.StringIO()
    junit_args = [f"--junitxml={junit}"] if junit is not None else []
    before = dict(sys.modules)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = pytest.main([str(path), *INPROCESS, "-rfs", "-q", *junit_args, *args], plugins=[keep, *plugins])
    finally:  # the clause modules afresh for the next run, as a process of its own would import them
        _unhook(before)
        for name in [name for name in sys.modules if _clause_module(name)]:
            module = sys.modules.pop(name)
            if before.get(name) is not module:
                # Caches of hypothesis keep the modules of each run (the constants it read from them, a state
                # machine's class): through their globals and __loader__ the whole run would stay alive, its config,
                # engine and every exchange, 17,000 objects and 7 MiB a run, walked again by every full garbage
                # collection of this process (10 s of a worker's end, measured). Emptied, they hold nothing.
                module.__dict__.clear()
    return Verdict(int(code), out.getvalue(), junit, keep.run)
