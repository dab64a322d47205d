"""The plugin's hooks: pytest's events handed to the run (fc_contract.run.engine.Run), the outputs at the end."""

from __future__ import annotations

import atexit
import dataclasses
import functools
import gc
import json
import signal
import threading
from collections.abc import Generator, Sequence
from pathlib import Path

import pytest

from fc_contract.http.shown import visible
from fc_contract.judging.clause import ContractFailure
from fc_contract.judging.contract import Contract
from fc_contract.judging.verdict import Kind, Verdict
from fc_contract.plugin import hookspecs, stash
from fc_contract.plugin.collector import CLAUSE, COVERAGE, EVIDENCE, VERDICT, Collector
from fc_contract.plugin.fixtures import fc_target
from fc_contract.plugin.options import add_options, settings_from_config
from fc_contract.report import html, json_results, junit, markdown, terminal
from fc_contract.run import profiles
from fc_contract.run.catalogue import UnknownClause, catalogue, chosen, module_clauses
from fc_contract.run.engine import Raised, Run
from fc_contract.run.results import Ending, Failure
from fc_contract.run.targets import Target, TargetError

MARKERS = (
    "fc_clause(id): the contract clause a test checks",
    "fc_after_all: run after every other test (it reads the whole run)",
    "fc_sdk: an SDK clause; it replays the cassettes through an official SDK",
    "fc_thorough: runs in the thorough profile only (random generation on top)",
    "fc_baseline: runs with --fc-baseline only (behaviour.diff)",
    "fc_sdk_snapshot: runs with --fc-sdk-snapshot or --fc-sdk-baseline only",
    "fc_writes: puts and deletes configs (state.writes, pagination.under-writes)",
)


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hookspecs)


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    for line in MARKERS:
        config.addinivalue_line("markers", line)
    run = Run(settings_from_config(config))
    profiles.register()
    config.stash[stash.RUN] = run
    config.stash[stash.COLLECTOR] = Collector(run)
    config.pluginmanager.register(config.stash[stash.COLLECTOR], "fc-contract-conformance")
    if not hasattr(config, "workerinput") and threading.current_thread() is threading.main_thread():
        config.stash[stash.SIGTERM] = signal.signal(signal.SIGTERM, functools.partial(_terminated, run))


def _terminated(run: Run, signum: int, frame: object) -> None:
    """SIGTERM (a CI job's timeout or cancel) ends the run as Ctrl-C does: outputs written, writes cleaned up."""
    run.terminated = True
    raise KeyboardInterrupt("terminated (SIGTERM)")


def pytest_unconfigure(config: pytest.Config) -> None:
    """Tell the JUnit file how the run ended; give SIGTERM back."""
    if config.stash.get(stash.FROZEN, False):
        gc.unfreeze()  # before pytest's last collection, which looks for unraisable exceptions
        # Frozen again when the process exits: the interpreter's last collections walk every object the run built
        # only to free what the process is about to give back (0.45 of a replay's 3.6 s). Python does not promise
        # __del__ for what is alive at exit; the exit handlers registered before this one still run after it.
        atexit.unregister(gc.freeze)  # once a process, however many runs it holds
        atexit.register(gc.freeze)
    previous = config.stash.get(stash.SIGTERM, None)
    if previous is not None:
        signal.signal(signal.SIGTERM, previous)
    xml = config.getoption("xmlpath", None)
    run = config.stash.get(stash.RUN, None)
    if xml and run is not None and not hasattr(config, "workerinput"):
        junit.amend(Path(xml), run.verdict())


def _run(config: pytest.Config) -> Run:
    return config.stash[stash.RUN]


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, object, object]:
    """Collect the clause modules under fc-contract's hypothesis profile, and nothing else."""
    path = Path(collector.path)  # the module and what it holds (schemathesis collects its cases below it)
    if not (path.suffix == ".py" and _is_contract_module(path)):
        return (yield)
    with profiles.active(_run(collector.config).settings.profile):
        return (yield)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Leave out, unimported, a clause module whose every clause --fc-clause or --fc-skip-clause leaves out (a
    one-clause run does not build schema.fuzz's cases); in doubt (a clause id not literal, a name no clause of its
    directory has), collect it, and pytest_collection_modifyitems decides."""
    settings = _run(config).settings
    if not (settings.clause or settings.skip_clause) or collection_path.suffix != ".py" \
            or not collection_path.name.startswith("test_") or not _is_contract_module(collection_path):
        return None
    folder, ids = _description_dir(collection_path), module_clauses(collection_path)
    if folder is None or not ids:
        return None
    known = config.stash.setdefault(stash.KEPT, {})
    if folder not in known:
        try:
            known[folder] = chosen(sorted(c.id for c in catalogue(folder)), settings.clause, settings.skip_clause)
        except UnknownClause:
            known[folder] = None
    kept = known[folder]
    if kept is None or ids & kept:
        return None
    config.stash[stash.COLLECTOR].left_out[collection_path.name] = ids
    return True


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
    run = _run(config)
    settings = run.settings
    if settings.clause or settings.skip_clause:  # first: every clause collected is a name one may choose
        _choose_clauses(config, items, settings.clause, settings.skip_clause)
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
        run.warnings.append(f"the SDK clauses (contracts/sdk) replay the cassettes; they were left out of this run "
                            f"against {settings.target}")


def _choose_clauses(config: pytest.Config, items: list[pytest.Item], clause: str, skip_clause: str) -> None:
    """--fc-clause and --fc-skip-clause, over the clauses collected; a name none of them has is a usage error."""
    try:
        left_out = config.stash[stash.COLLECTOR].left_out.values()
        known = {_clause(i) for i in items if i.get_closest_marker("fc_clause")}.union(*left_out)
        kept = chosen(sorted(known), clause, skip_clause)
    except UnknownClause as exc:
        raise pytest.UsageError(str(exc)) from None
    _deselect(config, items, [i for i in items if i.get_closest_marker("fc_clause") and _clause(i) not in kept])


def _leave_out(config: pytest.Config, items: list[pytest.Item], marker: str) -> bool:
    """Deselect the tests marked `marker` (the plugin's choice, not a partial run); True when there were any."""
    return _deselect(config, items, [item for item in items if item.get_closest_marker(marker)])


def _deselect(config: pytest.Config, items: list[pytest.Item], out: list[pytest.Item]) -> bool:
    """Take `out` from `items` as the plugin's own choice (not a partial run); True when there were any."""
    if out:
        config.stash[stash.COLLECTOR].ours.update(item.nodeid for item in out)
        config.hook.pytest_deselected(items=out)
        gone = set(map(id, out))
        items[:] = [item for item in items if id(item) not in gone]
    return bool(out)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Check the target once, before any test, when the run holds contract tests."""
    run = _run(session.config)
    contracts = _contracts_dir(session.items)
    if contracts is not None:
        run.settings = dataclasses.replace(run.settings, contracts=str(contracts))
        collector = session.config.stash[stash.COLLECTOR]
        clauses = [item for item in session.items if item.get_closest_marker("fc_clause")]
        run.planned = {item.nodeid: _clause(item) for item in clauses}
        collected = ({Path(item.path).name for item in clauses} | {Path(i.split("::")[0]).name for i in collector.ours}
                     | set(collector.left_out))
        collector.missing = sorted(p.name for p in contracts.glob("test_*.py")
                                   if p.name not in collected and _is_contract_module(p))
    if session.config.option.collectonly:
        return
    if contracts is not None and gc.get_freeze_count() == 0:
        # What collection built (modules, the description, the cases) lives as long as the run: out of the cyclic
        # collector's full passes while it runs, back in them when it ends. The passes went over the whole process:
        # 0.3 of 0.8 s in a replay, and in a process that runs many (the project's tests) a quarter of its CPU.
        # Not when the process froze its heap itself (a run inside another's tests): that is its own to thaw.
        gc.freeze()
        session.config.stash[stash.FROZEN] = True
    if _own_target(session.config) and any("fc_target" in getattr(item, "fixturenames", ()) for item in session.items):
        try:
            run.preflight()
        except TargetError as exc:
            raise pytest.UsageError(str(exc)) from None


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


def _clause(item: pytest.Item) -> str:
    marker = item.get_closest_marker("fc_clause")
    return str(marker.args[0]) if marker else ""


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Name the test's clause in its reports (JUnit XML shows it as a property)."""
    if item.get_closest_marker("fc_clause"):
        item.user_properties.append((CLAUSE, _clause(item)))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    """A clause or SDK test, from setup to teardown, under the run's profile; the global random kept."""
    if not _is_contract_test(item):
        return (yield)
    with _run(item.config).test():
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[object],
                         request: pytest.FixtureRequest) -> Generator[None, object, object]:
    """Hand the run whatever the `fc_target` and `fc` fixtures return, the shipped ones or a conftest's overrides."""
    value = yield
    if fixturedef.argname == "fc_target" and isinstance(value, Target):
        _run(request.config).adopt_target(value)
    elif fixturedef.argname == "fc" and isinstance(value, Contract):
        _run(request.config).adopt(value)
    return value


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, object, object]:
    """The typed parts of a report (coverage, a failure's verdict and evidence) travel in its properties."""
    report = yield
    if not isinstance(report, pytest.TestReport):
        return report
    run = _run(item.config)
    covered = run.findings.coverage.get(_clause(item), {})
    if covered and call.when == "call":
        report.user_properties.append((COVERAGE, "; ".join(text for _, text in sorted(covered.items()))))
    failure = call.excinfo.value if call.excinfo is not None else None
    if isinstance(failure, ContractFailure):
        typed = Failure.of(failure.verdict)
        report.user_properties.append((VERDICT, typed.to_json()))
        if typed.evidence is not None:
            report.user_properties.append((EVIDENCE, json.dumps(dataclasses.asdict(typed.evidence))))
        if isinstance(failure.verdict, Verdict):
            run.findings.verdicts.append(failure.verdict)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Count requests per clause; a replay miss fails the test; a spent budget or dead target stops the run."""
    if not _is_contract_test(item):
        return (yield)  # not a clause test: nothing here is fc-contract's business
    run, clause = _run(item.config), _clause(item)
    try:
        with run.clause(clause, item.name, getattr(item, "obj", None), generated=bool(clause)):
            return (yield)
    except BaseException as exc:
        raised = Raised.of(exc, clause)
        if raised is None:
            raise
    if raised.stop is not None and raised.stop.stops_run:
        item.session.shouldfail = f"fc-contract: {raised.stop.text}"
        run.stopped(raised.stop)
    if raised.skip:
        pytest.skip(raised.skip)
    verdict = raised.verdict or raised.stop
    assert verdict is not None
    raise ContractFailure(verdict) from None  # one line, not a group's traceback


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Clean up writes, write the request log and (after a whole run) the cassettes."""
    run = _run(session.config)
    if exitstatus == pytest.ExitCode.INTERRUPTED:
        run.interrupted = True
    incomplete = session.config.stash[stash.COLLECTOR].incomplete()
    if exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        incomplete = incomplete or pytest.ExitCode(exitstatus).name
    run.finish(incomplete)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """The clause table, the run's figures and notes; the Markdown report and the JSON results when asked for."""
    run = _run(config)
    if run.contract is None and not run.sdk_reports and not run.results.tests:
        return
    summary = terminal.summary(run)
    terminalreporter.section("fc-contract")
    for line in run.warnings:
        terminalreporter.write_line(visible(f"warning: {line}"), yellow=True)
    for line, failed in terminal.rows(run.results) if run.results.tests else []:
        terminalreporter.write_line(visible(line), red=failed)
    settings = run.settings
    if settings.baseline:
        behaviour = run.findings.behaviour
        terminalreporter.write_line(f"behaviour diff against {settings.baseline}: {len(behaviour) or 'no'} differences")
        for difference in behaviour:
            terminalreporter.write_line(visible(f"  {difference}"), red=difference.kind is Kind.BREAKING)
    if settings.sdk_baseline:
        differences = run.findings.sdk
        terminalreporter.write_line(f"SDK diff against {settings.sdk_baseline}: {len(differences) or 'no'} differences")
        for line in differences:
            terminalreporter.write_line(visible(f"  {line}"))
    for line in summary:
        terminalreporter.write_line(visible(line))
    if hasattr(config, "workerinput"):
        return
    if settings.report:
        markdown.write(Path(settings.report), run, summary)
        terminalreporter.write_line(f"conformance report written to {settings.report}")
    if settings.json:
        json_results.write(Path(settings.json), run)
    if settings.html:
        html.write(Path(settings.html), run)
        terminalreporter.write_line(f"HTML report written to {settings.html}")
    verdict = run.verdict()
    terminalreporter.write_line(f"fc-contract: {verdict}", red=verdict.ending is not Ending.PASSED,
                                green=verdict.ending is Ending.PASSED, bold=True)
