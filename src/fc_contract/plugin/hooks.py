"""The plugin's hooks: options, profiles, clause bookkeeping, wiring of the fixtures, cassettes, the summary."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import random
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path

import pytest

from fc_contract.cassettes.record import save_recording, write_request_log
from fc_contract.cassettes.replay import Replayer, ReplayMiss
from fc_contract.http.shown import visible
from fc_contract.http.stops import RequestRefused, RunAborted, StillThrottled
from fc_contract.judging.clause import ContractFailure
from fc_contract.judging.contract import Contract
from fc_contract.judging.writes import cleanup
from fc_contract.plugin import hookspecs, profiles, stash
from fc_contract.plugin.collector import Collector
from fc_contract.plugin.conformance import CLAUSE, COVERAGE, EVIDENCE, Conformance, evidence_of
from fc_contract.plugin.determinism import clause_generation
from fc_contract.plugin.fixtures import fc_target
from fc_contract.plugin.options import add_options, settings_from_config
from fc_contract.plugin.summary import summary_lines
from fc_contract.plugin.targets import Target, TargetError, preflight


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hookspecs)


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fc_clause(id): the contract clause a test checks")
    config.addinivalue_line("markers", "fc_after_all: run after every other test (it reads the whole run)")
    config.addinivalue_line("markers", "fc_sdk: an SDK clause; it replays the cassettes through an official SDK")
    config.addinivalue_line("markers", "fc_thorough: runs in the thorough profile only (random generation on top)")
    config.addinivalue_line("markers", "fc_baseline: runs with --fc-baseline only (behaviour.diff)")
    config.addinivalue_line("markers", "fc_sdk_snapshot: runs with --fc-sdk-snapshot or --fc-sdk-baseline only")
    config.addinivalue_line("markers", "fc_writes: puts and deletes configs (state.writes, pagination.under-writes)")
    config.stash[stash.SETTINGS] = settings_from_config(config)
    profiles.register()
    config.stash[stash.COLLECTOR] = Collector(Conformance())
    config.pluginmanager.register(config.stash[stash.COLLECTOR], "fc-contract-conformance")


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, object, object]:
    """Collect the clause modules under fc-contract's hypothesis profile, and nothing else."""
    path = Path(collector.path)  # the module and what it holds (schemathesis collects its cases below it)
    if not (path.suffix == ".py" and _is_contract_module(path)):
        return (yield)
    with profiles.active(collector.config.stash[stash.SETTINGS].profile):
        return (yield)


@functools.cache
def _is_contract_module(path: Path) -> bool:
    """A clause module: it uses fc_contract, and a description lies beside it (or one level up) or it makes a Clause.

    Not the description alone: a mock server's repository may well keep an openapi.yaml beside its own tests.
    """
    try:
        source = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "fc_contract" in source and (_description_dir(path) is not None or "Clause(" in source)


def _description_dir(path: Path) -> Path | None:
    """The directory holding the description of a clause module at `path`: beside it or one level up."""
    return next((folder for folder in (path.parent, path.parent.parent) if (folder / "openapi.yaml").is_file()), None)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run fc_after_all tests last; leave out what this run's options do not ask for."""
    items.sort(key=lambda item: item.get_closest_marker("fc_after_all") is not None)
    settings = config.stash[stash.SETTINGS]
    if settings.profile != "thorough":
        _leave_out(config, items, "fc_thorough")
    if not settings.baseline:
        _leave_out(config, items, "fc_baseline")
    if not (settings.sdk_snapshot or settings.sdk_baseline):
        _leave_out(config, items, "fc_sdk_snapshot")
    workers = getattr(config, "workerinput", {}).get("workercount", 1)
    for item in (i for i in items if i.get_closest_marker("fc_writes") and workers > 1):
        item.add_marker(pytest.mark.skip(reason=f"[{_clause(item)}] needs a run without -n: its writes change the "
                                                f"listing the other {workers - 1} workers walk"))
    if settings.target != "replay" and _leave_out(config, items, "fc_sdk"):
        config.stash[stash.WARNINGS] = [f"the SDK clauses (contracts/sdk) replay the cassettes; they were left out "
                                        f"of this run against {settings.target}"]


def _leave_out(config: pytest.Config, items: list[pytest.Item], marker: str) -> bool:
    """Deselect the tests marked `marker` (the plugin's choice, not a partial run); True when there were any."""
    out = [item for item in items if item.get_closest_marker(marker)]
    if out:
        config.stash[stash.COLLECTOR].ours.update(item.nodeid for item in out)
        config.hook.pytest_deselected(items=out)
        items[:] = [item for item in items if not item.get_closest_marker(marker)]
    return bool(out)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Check the target once, before any test, when the run holds contract tests."""
    contracts = _contracts_dir(session.items)
    if contracts is not None:
        settings = session.config.stash[stash.SETTINGS]
        session.config.stash[stash.SETTINGS] = dataclasses.replace(settings, contracts=str(contracts))
        collector = session.config.stash[stash.COLLECTOR]
        clauses = [item for item in session.items if item.get_closest_marker("fc_clause")]
        collector.expected = {item.nodeid for item in clauses}
        collected = {Path(item.path).name for item in clauses} | {Path(i.split("::")[0]).name for i in collector.ours}
        collector.missing = sorted(p.name for p in contracts.glob("test_*.py")
                                   if p.name not in collected and _is_contract_module(p))
    if session.config.option.collectonly:
        return
    if _own_target(session.config) and any("fc_target" in getattr(item, "fixturenames", ()) for item in session.items):
        try:
            warnings = preflight(session.config.stash[stash.SETTINGS])
        except TargetError as exc:
            raise pytest.UsageError(str(exc)) from None
        session.config.stash[stash.WARNINGS] = session.config.stash.get(stash.WARNINGS, []) + warnings


def _own_target(config: pytest.Config) -> bool:
    """The run uses the shipped fc_target fixture: no conftest or plugin defines one of its own."""
    return all(getattr(plugin, "fc_target", fc_target) is fc_target for plugin in config.pluginmanager.get_plugins())


def _contracts_dir(items: Sequence[pytest.Item]) -> Path | None:
    """The directory of the clause modules being run: the first's, or the one above it holding openapi.yaml."""
    first = next((Path(item.path) for item in items if _is_contract_test(item)), None)
    return None if first is None else _description_dir(first) or first.parent


def _is_contract_test(item: pytest.Item) -> bool:
    """A clause or SDK clause test: what fc-contract's profile, seeding and replay apply to."""
    return item.get_closest_marker("fc_clause") is not None or item.get_closest_marker("fc_sdk") is not None


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Name the test's clause in its reports (JUnit XML shows it as a property)."""
    if item.get_closest_marker("fc_clause"):
        item.user_properties.append((CLAUSE, _clause(item)))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    """A clause or SDK test, from setup to teardown, under fc-contract's profile; the global random kept."""
    if not _is_contract_test(item):
        return (yield)
    state = random.getstate()
    try:
        with profiles.active(item.config.stash[stash.SETTINGS].profile):
            return (yield)
    finally:
        random.setstate(state)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[object],
                         request: pytest.FixtureRequest) -> Generator[None, object, object]:
    """Wire whatever the `fc_target` and `fc` fixtures return, the shipped ones or a conftest's overrides."""
    value = yield
    config = request.config
    if fixturedef.argname == "fc_target" and isinstance(value, Target):
        config.stash[stash.TARGET] = value
        config.stash[stash.WARNINGS] = config.stash.get(stash.WARNINGS, []) + value.warnings
    elif fixturedef.argname == "fc" and isinstance(value, Contract):
        _wire(config, value)
    return value


def _wire(config: pytest.Config, contract: Contract) -> None:
    """The plugin's part of a Contract: replay knows the clause running, recording keeps every exchange."""
    client, target = contract.client, config.stash.get(stash.TARGET, None)
    if target is not None and target.replayer is not None and client.base_url == target.base_url.rstrip("/"):
        target.replayer.registry.current_clause = lambda: client.clause
        client.sleep = lambda _: None  # a recorded Retry-After need not be waited out again
    if contract.settings.record and client.recording is None:
        client.recording = []
    config.stash[stash.CONTRACT] = contract


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, object, object]:
    """A failure's evidence (request as curl, response excerpt) travels in the report, for --fc-report."""
    report = yield
    contract = item.config.stash.get(stash.CONTRACT, None)
    covered = contract.coverage.get(_clause(item), {}) if contract is not None else {}
    if covered and call.when == "call" and isinstance(report, pytest.TestReport):
        report.user_properties.append((COVERAGE, "; ".join(text for _, text in sorted(covered.items()))))
    failure = call.excinfo.value if call.excinfo is not None else None
    if isinstance(failure, ContractFailure) and failure.exchange is not None and isinstance(report, pytest.TestReport):
        report.user_properties.append((EVIDENCE, evidence_of(failure.exchange)))
        if contract is not None and "(contract choice;" not in str(failure.msg):  # behaviour.diff: documented rule
            contract.failed_requests.add((failure.exchange.method, failure.exchange.url))
    return report



def _clause(item: pytest.Item) -> str:
    marker = item.get_closest_marker("fc_clause")
    return str(marker.args[0]) if marker else ""


def _find(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    """`exc` or the first `kind` inside an exception group (hypothesis may group failures)."""
    if isinstance(exc, kind):
        return exc
    if isinstance(exc, BaseExceptionGroup):
        return next((found for inner in exc.exceptions if (found := _find(inner, kind))), None)
    if isinstance(exc.__cause__, kind):  # hypothesis wraps a BaseException (pytest's Failed) in a flaky group
        return exc.__cause__
    if isinstance(exc.__context__, kind):  # or raises its own error while handling it (a stopped state machine)
        return exc.__context__
    return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Count requests per clause; a replay miss fails the test; a spent budget or dead target stops the run."""
    if not _is_contract_test(item):
        return (yield)  # not a clause test: nothing here is fc-contract's business
    contract = item.config.stash.get(stash.CONTRACT, None)
    if contract is not None:
        contract.client.clause = _clause(item)
    target = item.config.stash.get(stash.TARGET, None)
    # Seeded from the clause and test name, not the path: an installed copy replays what a clone recorded.
    scope = clause_generation(f"fc-contract {_clause(item)} {item.name}") if item.get_closest_marker(
        "fc_clause") else contextlib.nullcontext()
    replayer = target.replayer if target is not None else None
    try:
        with scope, _replaying(replayer):
            return (yield)
    except BaseException as exc:
        aborted, missed = _find(exc, RunAborted), _find(exc, ReplayMiss)
        refused, throttled = _find(exc, RequestRefused), _find(exc, StillThrottled)
        failed = _find(exc, ContractFailure) if isinstance(exc, BaseExceptionGroup) else None
        if isinstance(failed, ContractFailure) and aborted is None and missed is None and refused is None:
            raise ContractFailure(str(failed.msg), failed.exchange) from None  # one line, not a group's traceback
        if aborted is None and missed is None and refused is None and throttled is None:
            raise
    if aborted is not None:
        item.session.shouldfail = f"fc-contract: {aborted}"
        item.config.stash[stash.ABORTED] = str(aborted)
        pytest.fail(visible(f"[{getattr(aborted, 'clause', 'run')}] {aborted}; the run stops here"), pytrace=False)
    if throttled is not None and missed is None and refused is None:
        pytest.skip(visible(f"[{_clause(item)}] {throttled}"))
    pytest.fail(visible(f"[{_clause(item) or 'replay'}] {missed or refused}"), pytrace=False)


@contextlib.contextmanager
def _replaying(replayer: Replayer | None) -> Iterator[None]:
    """Replay (and refuse sockets) while a clause test runs, not while any other test does."""
    if replayer is None:
        yield
        return
    replayer.start()
    try:
        yield
    finally:
        replayer.pause()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write the cassettes (only after a run that was not aborted) and the request log."""
    contract = session.config.stash.get(stash.CONTRACT, None)
    if contract is None:
        return
    _clean_up_writes(session.config, contract)
    if contract.settings.request_log:
        write_request_log(Path(contract.settings.request_log), contract)
    if contract.client.recording is not None:
        aborted = session.config.stash.get(stash.ABORTED, None)
        if exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
            aborted = aborted or pytest.ExitCode(exitstatus).name
        why = aborted or session.config.stash[stash.COLLECTOR].incomplete()
        if why:
            contract.note(f"cassettes NOT written, the previous ones are kept: the recording did not complete ({why})")
        else:
            target = session.config.stash.get(stash.TARGET, None)
            kind, described = (target.kind, target.description) if target else ("url", contract.client.base_url)
            save_recording(contract, kind, described)


def _clean_up_writes(config: pytest.Config, contract: Contract) -> None:
    """Delete what a write clause created and could not delete itself (an interrupted run); say what was done."""
    target = config.stash.get(stash.TARGET, None)
    if target is not None and target.kind == "replay":  # nothing was written anywhere: nothing to clean or say
        contract.created.clear()
        return
    left = cleanup(contract)
    if contract.cleaned:
        contract.note(f"writes: the configs put on {', '.join(contract.cleaned)} were deleted again"
                      + ("" if left else "; nothing the run created is left"))
    if left:
        contract.note(f"writes: could NOT delete configs the run created, delete them by hand: {'; '.join(left)}")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """The clause table, the run's figures and notes; and the Markdown report when asked for."""
    contract = config.stash.get(stash.CONTRACT, None)
    conformance = config.stash[stash.COLLECTOR].conformance
    sdk_reports = config.stash.get(stash.SDK_REPORTS, {})
    target = config.stash.get(stash.TARGET, None)
    if contract is None and not sdk_reports and not conformance.clauses:
        return
    run = summary_lines(contract, target.kind if target else "url") if contract is not None else []
    run += [f"SDK {report.line()}" for report in sdk_reports.values()]
    terminalreporter.section("fc-contract")
    for line in config.stash.get(stash.WARNINGS, []):
        terminalreporter.write_line(visible(f"warning: {line}"), yellow=True)
    for line in conformance.table() if conformance.clauses else []:
        terminalreporter.write_line(visible(line), red=" FAILED " in line)
    behaviour = contract.behaviour if contract is not None else []
    if config.stash[stash.SETTINGS].baseline:
        terminalreporter.write_line(f"behaviour diff against {config.stash[stash.SETTINGS].baseline}: "
                                    f"{len(behaviour) or 'no'} differences")
    for line in behaviour:
        terminalreporter.write_line(visible(f"  {line}"), red=line.split(": ")[1].startswith("breaking"))
    if config.stash[stash.SETTINGS].sdk_baseline:
        differences = config.stash.get(stash.SDK_DIFFERENCES, [])
        terminalreporter.write_line(f"SDK diff against {config.stash[stash.SETTINGS].sdk_baseline}: "
                                    f"{len(differences) or 'no'} differences")
        for line in differences:
            terminalreporter.write_line(visible(f"  {line}"))
    for line in run:
        terminalreporter.write_line(visible(line))
    path = config.stash[stash.SETTINGS].report
    if path and not hasattr(config, "workerinput"):
        where = contract.client.base_url if contract is not None else config.stash[stash.SETTINGS].target
        conformance.write(Path(path), where, run, behaviour)
        terminalreporter.write_line(f"conformance report written to {path}")
