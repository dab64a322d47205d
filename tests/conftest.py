"""Fixtures of the project's own tests: one reference server per session, reset per test."""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import strategies as st

from fc_contract.fake import FakeFC, seed_store
from fc_contract.fake.faults import Faulty
from fc_contract.fake.server import Server
from fc_contract.http.wsgi import WSGIApp
from harness import CONTRACTS, ROOT, Verdict, run_in_process

# A scheduling hint, nothing more. First the modules with the longest single tests (whole runs in subprocesses,
# waits on the network or on purpose), longest first: pytest-xdist hands tests out in order, and a long test handed
# out last is the run's tail. Last the many short whole runs of the variants' matrix, which fill the workers evenly.
LONGEST_FIRST = ("test_recipes", "test_fuzz_hostile", "test_budget", "test_good_citizen", "test_always_ends",
                 "test_hostile_runs", "test_packaging", "test_cassettes", "test_sdk_clauses", "test_cli",
                 "test_matrix", "test_writes", "test_diff", "test_html", "test_live",
                 "test_variants.py::test_a_conforming_variant_passes[configs-10000]")  # among the variants, the tail
SHORTEST_LAST = ("test_variants",)
# Mostly waiting on purpose (timeouts, Retry-After sleeps, a server that never answers): under -n, one worker's
# share starts with all of them, so that they wait while the other workers keep the cores busy. Dealt out in turn
# with the other long tests, they came up on every worker at once and one core sat idle for most of 40 s (measured).
WAITING = ("test_fuzz_hostile", "test_budget", "test_always_ends")
STORAGE = [""]  # the hypothesis storage this run made, if it made one


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "network: needs the package index (PyPI); deselect with -m 'not network'")
    if "HYPOTHESIS_STORAGE_DIRECTORY" not in os.environ and not hasattr(config, "workerinput"):
        # One hypothesis storage for every run the tests start (the workers and each process inherit it): the runs
        # have no example database, and its caches would otherwise be built afresh in each run's own directory,
        # the Unicode table alone 1.5 s of CPU a process.
        os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = STORAGE[0] = tempfile.mkdtemp(prefix="fc-contract-tests-")
    if hasattr(config, "workerinput") and "HYPOTHESIS_STORAGE_DIRECTORY" in os.environ:
        # The workers' collections each built the UTF-8 table of that storage at once, none finding another's (1.5 s
        # of CPU each, measured): one worker builds it while the others wait, and they read what it wrote.
        storage = Path(os.environ["HYPOTHESIS_STORAGE_DIRECTORY"])
        storage.mkdir(parents=True, exist_ok=True)
        with (storage / "fc-contract-tables.lock").open("w") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            st.characters(codec="utf-8").validate()
    if getattr(config.option, "dist", "no") == "load":  # -n alone: work stealing instead of load scheduling
        # Load scheduling queues a quarter of the tests on the workers up front: a worker slowed by long tests
        # still owns its queue while the others idle (one worker alone for the last 27 s, measured); with work
        # stealing an idle worker takes from a busy one's queue.
        config.option.dist = "worksteal"


def pytest_unconfigure(config: pytest.Config) -> None:
    if STORAGE[0]:
        shutil.rmtree(STORAGE[0], ignore_errors=True)
        os.environ.pop("HYPOTHESIS_STORAGE_DIRECTORY", None)
        STORAGE[0] = ""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest tests and modules' tests first and the variants' last, each module's in its own order; under work
    stealing, one such order a worker."""
    rank = {name: i for i, name in enumerate((*LONGEST_FIRST, "", *SHORTEST_LAST))}
    items.sort(key=lambda item: rank.get(item.nodeid.rpartition("/")[2], rank.get(_module(item), rank[""])))
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))  # set in the workers, whose order is used
    if workers > 1:
        # Work stealing cuts the list into one contiguous share a worker, as even as whole division makes them, and a
        # worker with nothing left takes the end of another's share. The waiting tests begin the first share; the
        # rest are dealt out in turn, so that each share starts with its part of the longest tests.
        sizes, left = [], len(items)
        for share in range(workers):
            sizes.append(left // (workers - share))
            left -= sizes[-1]
        shares: list[list[pytest.Item]] = [[] for _ in range(workers)]
        rest: list[pytest.Item] = []
        for item in items:
            (shares[0] if _module(item) in WAITING else rest).append(item)
        turn = itertools.cycle(range(workers))
        for item in rest:
            shares[next(s for s in turn if len(shares[s]) < sizes[s])].append(item)  # the shares hold them all
        items[:] = [item for share in shares for item in share]


def _module(item: pytest.Item) -> str:
    return Path(str(item.path)).stem


@pytest.fixture(scope="session")
def session_server() -> Iterator[Server]:
    """One real HTTP server on loopback for the session."""
    server = Server(FakeFC(seed_store(45))).start()
    yield server
    server.stop()


@pytest.fixture
def server(session_server: Server) -> Server:
    """The session's server, reset to a fresh reference fake; a test may swap in another app."""
    session_server.app = FakeFC(seed_store(45))
    return session_server


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A run's working directory of its own (not pytester's: it unloads every module a test imported, so that
    each test would pay for importing the suite's dependencies again)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def run_contracts(in_tmp: Path, session_server: Server) -> Callable[..., Verdict]:
    """Run `pytest contracts` in this process with the given options (in a directory of its own); returns a Verdict.

    Aimed at the session's server, a reference-server app (FakeFC, a variant, or faults an app can show) is called
    through a requests adapter; anything else there (a hang, a reset, a short body) is served for real, over a socket.
    """
    runs = itertools.count()

    def run(*args: str, plugins: Sequence[object] = ()) -> Verdict:
        given = [a.removeprefix("--junitxml=") for a in args if a.startswith("--junitxml=")]
        junit = Path(given[-1]) if given else in_tmp / f"junit-{next(runs)}.xml"
        app = session_server.app
        in_process = isinstance(app, FakeFC) or (isinstance(app, Faulty) and not app.needs_socket)
        aimed = f"--fc-target={session_server.url}" in args and in_process
        return run_in_process(*[a for a in args if not a.startswith("--junitxml=")], junit=junit,
                              app=session_server.app if aimed else None, plugins=plugins)

    return run


@pytest.fixture
def judge(session_server: Server, in_tmp: Path) -> Callable[..., Verdict]:
    """judge(app, *options): the suite in this process against a WSGI app, called through a requests adapter."""
    runs = itertools.count()

    def run(app: WSGIApp, *args: str) -> Verdict:
        return run_in_process(f"--fc-target={session_server.url}", *args, app=app,
                              junit=in_tmp / f"junit-{next(runs)}.xml")

    return run


@pytest.fixture
def run_contracts_in_subprocess(pytester: pytest.Pytester) -> Callable[..., Verdict]:
    """Run `pytest contracts` in a subprocess: for plugins that patch modules, workers (-n), signals."""
    runs = itertools.count()

    def run(*args: str, timeout: float = 240, contracts: Path = CONTRACTS) -> Verdict:
        given = [a.removeprefix("--junitxml=") for a in args if a.startswith("--junitxml=")]
        junit = Path(given[-1]) if given else pytester.path / f"junit-{next(runs)}.xml"
        result = pytester.runpytest_subprocess(str(contracts), "-p", "no:cacheprovider", "-rfs", "-q",
                                               *([] if given else [f"--junitxml={junit}"]), *args, timeout=timeout)
        return Verdict(int(result.ret), "\n".join(result.outlines + result.errlines), junit)

    return run


def _shared(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The run's directory every pytest-xdist worker sees (each worker's basetemp is one below it)."""
    return tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent


@contextlib.contextmanager
def _one_at_a_time(shared: Path, name: str) -> Iterator[None]:
    """One worker at a time in the block: the first to need `name` makes it for all."""
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """fc-contract built as a wheel, once a run: the first pytest-xdist worker to need it builds it for all."""
    shared = _shared(tmp_path_factory, worker_id)
    out = shared / "wheel"
    with _one_at_a_time(shared, "wheel"):
        if not any(out.glob("fc_contract-*.whl")):
            subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", str(ROOT), "--no-deps",
                            "--no-build-isolation", "-w", str(out)], check=True, capture_output=True, timeout=300)
    return next(out.glob("fc_contract-*.whl"))


@pytest.fixture(scope="session")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The wheel installed on its own (`pip install --no-deps --target`, its console script included), outside this
    clone: once a run, for every worker."""
    shared = _shared(tmp_path_factory, worker_id)
    target = shared / "site"
    with _one_at_a_time(shared, "site"):
        if not target.is_dir():
            partial = shared / "site.partial"
            shutil.rmtree(partial, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(partial),
                            str(wheel)], check=True, capture_output=True, timeout=300)
            partial.rename(target)
    assert (target / "bin" / "fc-contract").is_file()
    return target
