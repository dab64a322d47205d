"""The plugin's own mechanics, in-process (but for how a process exits): options, fixture overrides, the session
hook, clauses of one's own."""

from __future__ import annotations

import gc
import hashlib
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from fc_contract.plugin.options import FLAGS, OPTIONS
from fc_contract.settings import SPEC_PATH
from harness import CONTRACTS, ROOT, held_modules, run_in_process

EXTENDING = (ROOT / "docs" / "extending.md").read_text(encoding="utf-8")
EXAMPLE = re.search(r"<!-- clause-example -->\n```python\n(.*?)```", EXTENDING, re.DOTALL)
CLAUSE = EXAMPLE.group(1) if EXAMPLE else ""
SHOW = '''
def test_show(fc_settings):
    print("SETTINGS", fc_settings.service, fc_settings.max_pages, fc_settings.strict_cassettes)
'''


@pytest.fixture
def clause_dir(pytester: pytest.Pytester) -> Path:
    """A repository holding the documented clause of one's own (docs/extending.md), in tests/contract/."""
    assert CLAUSE, "docs/extending.md lost its <!-- clause-example --> block"
    pytester.makeini("[pytest]\n")
    folder = pytester.mkpydir("tests") / "contract"
    folder.mkdir()
    (folder / "test_default_page.py").write_text(CLAUSE, encoding="utf-8")
    return folder


def test_every_option_is_in_one_named_group_with_its_environment_variable_and_ini_key(
        pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(["fc-contract: the ListFunctionAsyncInvokeConfigs contract:"])
    text = " ".join(result.stdout.str().split())  # help text wraps anywhere
    for name in [*OPTIONS, *FLAGS]:
        assert f"--fc-{name.replace('_', '-')}" in text
        assert f"env FC_CONTRACT_{name.upper()}" in text
        assert f"ini fc_{name}]" in text
        assert f"fc_{name} (" in text  # the ini key is registered, not only named


@pytest.mark.parametrize(("cli", "env", "file", "ini", "expected"), [
    (None, None, None, None, "demo-service 100 False"),
    (None, None, None, "fc_service = from-ini\nfc_max_pages = 7\nfc_strict_cassettes = yes", "from-ini 7 True"),
    (None, None, "fc-contract.toml:service = 'from-file'\nmax-pages = 9", "fc_service = from-ini\nfc_max_pages = 7",
     "from-file 9 False"),
    (None, None, "pyproject.toml:[tool.fc-contract]\nfc_service = 'from-pyproject'\nstrict_cassettes = true", None,
     "from-pyproject 100 True"),
    (None, "from-env", "fc-contract.toml:service = 'from-file'\nmax_pages = 9", "fc_max_pages = 7",
     "from-env 9 True"),
    ("from-cli", "from-env", "fc-contract.toml:service = 'from-file'", "fc_service = from-ini", "from-cli 100 True"),
], ids=["default", "ini", "file-over-ini", "pyproject-table", "environment-over-file", "command-line-over-all"])
def test_option_priority_is_command_line_then_environment_then_file_then_ini_then_default(
        pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, cli: str | None, env: str | None,
        file: str | None, ini: str | None, expected: str) -> None:
    pytester.makeini("[pytest]\n" + (ini or ""))
    if file:
        name, text = file.split(":", 1)
        (pytester.path / name).write_text(text + "\n", encoding="utf-8")
    pytester.makepyfile(test_show=SHOW)
    for name in ("SERVICE", "MAX_PAGES", "STRICT_CASSETTES"):
        monkeypatch.delenv(f"FC_CONTRACT_{name}", raising=False)
    if env:
        monkeypatch.setenv("FC_CONTRACT_SERVICE", env)
        monkeypatch.setenv("FC_CONTRACT_STRICT_CASSETTES", "1")
    result = pytester.runpytest("-s", *([f"--fc-service={cli}"] if cli else []))
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"*SETTINGS {expected}"])


@pytest.mark.parametrize(("text", "message"), [
    ("max_request = 5", "fc-contract.toml: unknown key 'max_request'; did you mean 'max_requests'?"),
    ("max_requests = [", "fc-contract.toml: not readable TOML"),
    ("record = 'yes'", "fc-contract.toml: record is a switch: write true or false, not 'yes'"),
    ("max_requests = -5", "--fc-max-requests=-5 (from *fc-contract.toml): give a positive whole number"),
])
def test_a_bad_config_file_is_a_one_line_usage_error(pytester: pytest.Pytester, text: str, message: str) -> None:
    (pytester.path / "fc-contract.toml").write_text(text + "\n", encoding="utf-8")
    pytester.makepyfile(test_show=SHOW)
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: *{message}*"])


def test_a_bad_option_value_is_a_one_line_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_show=SHOW)
    result = pytester.runpytest("--fc-max-pages=many")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --fc-max-pages=many: give a positive whole number"])


def test_after_all_tests_run_last(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_order='''
import pytest

@pytest.mark.fc_after_all
def test_defined_first():
    pass

def test_defined_second():
    pass
''')
    result = pytester.runpytest("-v")
    result.stdout.fnmatch_lines(["*test_defined_second PASSED*", "*test_defined_first PASSED*"])


def test_a_clause_of_ones_own_records_replays_and_reports_like_the_shipped_ones(
        pytester: pytest.Pytester, clause_dir: Path) -> None:
    recorded = pytester.runpytest("tests/contract", "--fc-target=fake", "--fc-record")
    recorded.assert_outcomes(passed=1)
    recorded.stdout.fnmatch_lines(["my.default-page * passed *", f"*recorded 1 interactions into 1 cassettes in "
                                   f"{clause_dir / 'cassettes'}"])
    junit, report = pytester.path / "junit.xml", pytester.path / "report.md"
    replayed = pytester.runpytest("tests/contract", f"--junitxml={junit}", f"--fc-report={report}")
    replayed.assert_outcomes(passed=1)
    replayed.stdout.fnmatch_lines([f"judged by {SPEC_PATH.resolve()}; cassettes {clause_dir / 'cassettes'} (replayed)"])
    properties = [p.attrib for p in ET.parse(junit).getroot().iter("property")]
    assert {"name": "fc_clause", "value": "my.default-page"} in properties
    assert "my.default-page" in report.read_text(encoding="utf-8")


def test_a_clause_of_ones_own_fails_naming_itself_and_the_request(pytester: pytest.Pytester, clause_dir: Path) -> None:
    module = clause_dir / "test_default_page.py"
    module.write_text(module.read_text().replace("<= 20", "<= 1"), encoding="utf-8")
    result = pytester.runpytest("tests/contract", "--fc-target=fake")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*[[]my.default-page[]] no limit: expected at most 20 configs; observed 20",
                                 "*reproduce: curl *async-invoke-configs*", "my.default-page * FAILED *"])


def test_an_fc_built_from_arguments_in_a_conftest_is_wired_by_the_plugin(
        pytester: pytest.Pytester, clause_dir: Path) -> None:
    pytester.makeconftest('''
import pytest
from fc_contract import Client, Contract, Limits

@pytest.fixture(scope="session")
def fc(fc_settings, fc_target, fc_spec):
    return Contract(fc_settings, Client(fc_target.base_url, fc_target.session, Limits(max_requests=7)), fc_spec)
''')
    (clause_dir / "test_limits.py").write_text("def test_mine(fc):\n    assert fc.client.limits.max_requests == 7\n")
    recorded = pytester.runpytest("tests/contract", "--fc-target=fake", "--fc-record")
    recorded.assert_outcomes(passed=2)
    recorded.stdout.fnmatch_lines(["*recorded 1 interactions into 1 cassettes*"])
    replayed = pytester.runpytest("tests/contract")
    replayed.assert_outcomes(passed=2)
    replayed.stdout.fnmatch_lines(["target https://fc-contract.invalid, function demo-service/helloworld: 1 requests"])


def test_an_fc_spec_of_ones_own_judges_the_responses_and_the_cassettes(
        pytester: pytest.Pytester, clause_dir: Path) -> None:
    mine = pytester.path / "mine.yaml"
    mine.write_text(SPEC_PATH.read_text(encoding="utf-8") + "# my copy\n", encoding="utf-8")
    pytester.makeconftest(f'''
import pytest
from fc_contract import Spec

@pytest.fixture(scope="session")
def fc_spec():
    return Spec(__import__("pathlib").Path({str(mine)!r}))
''')
    recorded = pytester.runpytest("tests/contract", "--fc-target=fake", "--fc-record")
    recorded.assert_outcomes(passed=1)
    recorded.stdout.fnmatch_lines([f"judged by {mine.resolve()};*"])
    metadata = yaml.safe_load((clause_dir / "cassettes" / "my.default-page.yaml").read_text())["metadata"]
    assert metadata["spec_sha256"] == hashlib.sha256(mine.read_bytes()).hexdigest()
    replayed = pytester.runpytest("tests/contract", "--fc-strict-cassettes")
    replayed.assert_outcomes(passed=1)
    (pytester.path / "conftest.py").unlink()
    stale = pytester.runpytest("tests/contract")
    stale.stdout.fnmatch_lines(["warning: my.default-page.yaml recorded from another OpenAPI description than *"])


def test_the_session_hook_customises_every_request(pytester: pytest.Pytester, clause_dir: Path) -> None:
    pytester.makeconftest('''
KINDS = []

def pytest_fc_contract_session(session, target):
    session.headers["X-Team"] = "payments"
    KINDS.append(target.kind)
''')
    (clause_dir / "test_headers.py").write_text('''
from conftest import KINDS

def test_sent(fc):
    assert fc.page().sent_headers.get("X-Team") == "payments"
    assert KINDS == ["fake"]
''')
    pytester.runpytest("tests/contract", "--fc-target=fake", "-p", "no:randomly").assert_outcomes(passed=2)


def test_fc_contract_only_wires_its_own_fixtures(pytester: pytest.Pytester) -> None:
    """A repository's own `fc` fixture of another kind is left alone."""
    pytester.makeconftest("import pytest\n\n@pytest.fixture\ndef fc():\n    return 'mine'\n")
    pytester.makepyfile(test_mine="def test_mine(fc):\n    assert fc == 'mine'\n")
    pytester.runpytest().assert_outcomes(passed=1)
    shutil.rmtree(pytester.path / "__pycache__", ignore_errors=True)


def test_an_fc_target_of_ones_own_is_where_the_requests_go(pytester: pytest.Pytester, clause_dir: Path) -> None:
    pytester.makeconftest('''
import pytest
from fc_contract import Target
from fc_contract.fake import FakeFC, seed_store
from fc_contract.fake.server import Server

@pytest.fixture(scope="session")
def fc_target():
    server = Server(FakeFC(seed_store(3))).start()
    yield Target("url", server.url, description="my server")
    server.stop()
''')
    (clause_dir / "test_three.py").write_text("def test_three(fc):\n    assert len(fc.page().json()['configs']) == 3\n")
    pytester.runpytest("tests/contract").assert_outcomes(passed=2)


def test_fc_settings_and_fc_limits_of_ones_own_reach_the_contract(pytester: pytest.Pytester, clause_dir: Path) -> None:
    pytester.makeconftest('''
import dataclasses
import pytest
from fc_contract import Limits

@pytest.fixture(scope="session")
def fc_settings(fc_run):
    return dataclasses.replace(fc_run.settings, function="my-function")

@pytest.fixture(scope="session")
def fc_limits():
    return Limits(max_requests=3)
''')
    (clause_dir / "test_mine.py").write_text('''
def test_mine(fc):
    assert fc.client.limits.max_requests == 3
    assert "/functions/my-function/" in fc.page().url
''')
    pytester.runpytest("tests/contract/test_mine.py", "--fc-target=fake").assert_outcomes(passed=1)


def test_a_chosen_clause_leaves_the_other_clause_modules_unimported(pytester: pytest.Pytester) -> None:
    """--fc-clause and --fc-skip-clause leave a module out before importing it: a one-clause run does not pay for
    schema.fuzz's generated cases. A module whose clause is chosen is imported (here, one that cannot be)."""
    copy = pytester.path / "contracts"
    shutil.copytree(ROOT / "contracts", copy, ignore=shutil.ignore_patterns("__pycache__"))
    fuzz = copy / "test_schema_fuzz.py"
    fuzz.write_text(fuzz.read_text(encoding="utf-8") + "\nraise RuntimeError('imported')\n", encoding="utf-8")
    pytester.makeini("[pytest]\n")
    common = ("contracts", "-p", "no:cacheprovider", f"--fc-cassettes={ROOT / 'cassettes'}")
    for choice in ("--fc-clause=errors", "--fc-skip-clause=schema.fuzz,sdk,pagination,state,limit,response"):
        result = pytester.runpytest(*common, choice)
        assert result.ret == 0, (choice, result.outlines[-5:])
        assert "RuntimeError" not in result.stdout.str(), choice
        # and the cassettes of the clauses left out are not stale for it: their requests were not asked for
        assert "now sends other requests" not in result.stdout.str(), choice
    result = pytester.runpytest(*common, "--fc-clause=errors,schema.fuzz")
    assert result.ret != 0
    assert "RuntimeError: imported" in result.stdout.str()


class _Frozen:
    """What each clause test of a run sees of the collector: how many objects are frozen."""

    def __init__(self) -> None:
        self.counts: list[int] = []

    def pytest_runtest_call(self, item: pytest.Item) -> None:
        self.counts.append(gc.get_freeze_count())


def test_a_run_freezes_what_its_collection_built_and_thaws_it_at_its_end() -> None:
    """The clause tests run with the collected heap out of full collections; none of it stays out after the run,
    and a heap its host froze is the host's: the run neither adds to it nor thaws it."""
    probe = _Frozen()
    assert run_in_process("--fc-clause=errors", plugins=[probe]).exit_code == 0
    assert probe.counts
    assert min(probe.counts) > 0, probe.counts
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        host, probe = gc.get_freeze_count(), _Frozen()
        assert run_in_process("--fc-clause=errors", plugins=[probe]).exit_code == 0
        assert probe.counts
        assert max(probe.counts) <= host, (host, probe.counts)  # (the ones freed since leave the count)
        assert gc.get_freeze_count() > host // 2  # not thawed
    finally:
        gc.unfreeze()


def test_a_process_that_ran_the_contracts_exits_with_its_heap_frozen() -> None:
    """The interpreter's last collections would walk all the run built only to free what the process gives back: the
    exit handlers registered before the run see the heap frozen, and pytest's own last collection, at the run's end,
    saw it thawed."""
    probe = ("import atexit, gc, sys, pytest\n"
             "atexit.register(lambda: print('frozen at exit:', gc.get_freeze_count() > 0))\n"
             f"code = pytest.main([{str(CONTRACTS)!r}, '-q', '-p', 'no:cacheprovider', '--fc-clause=errors'])\n"
             "print('frozen after the run:', gc.get_freeze_count() > 0)\n"
             "sys.exit(code)\n")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-2:] == ["frozen after the run: False", "frozen at exit: True"], lines[-5:]


def test_an_in_process_run_leaves_no_module_loaded_through_its_import_hook() -> None:
    """tests/harness.py: the root conftest (imported afresh by each run) and whatever else a run imported first are
    loaded, afterwards, by a loader of their own: a finder the run added, gone with it, would keep its config alive."""
    before = dict(sys.modules)  # (other tests' pytester runs leave theirs: not the harness's business)
    assert run_in_process("--fc-clause=errors").exit_code == 0
    held = [name for name, _, _ in held_modules(before)]
    assert not held, held
