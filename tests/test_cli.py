"""The `fc-contract` console script, installed from a built wheel: exit codes, progress lines, the same table."""

from __future__ import annotations

import contextlib
import os
import pty
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from fc_contract.cli import main as cli_main
from fc_contract.cli.main import main
from fc_contract.fake import seed_store
from fc_contract.fake.faults import Fault, Faulty, build
from fc_contract.fake.server import Server
from test_hostile_runs import HostileErrors
from variants import LimitPlusOne

CLAUSE_ROW = re.compile(r"^([a-z][a-z0-9_.-]*) +(passed|FAILED|skipped) +\d+ +\d+ +\d+", re.MULTILINE)
ORDER = ["errors", "limit.bounds", "pagination.consistency", "pagination.termination", "pagination.under-writes",
         "schema.fuzz", "state.writes", "response.shape"]  # collection order; response.shape ends fc_after_all


def _env(installed: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FC_CONTRACT_", "PYTEST_"))}
    return {**env, "PYTHONPATH": str(installed), "CI": "1", **extra}


def cli(installed: Path, *args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(installed / "bin" / "fc-contract"), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env=_env(installed, **env))


def test_exit_0_when_every_clause_passes(installed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    shared = os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY")  # the tests' shared one (tests/conftest.py)
    if shared and (Path(shared) / "unicode_data").is_dir():  # its Unicode tables, as an earlier run leaves them
        shutil.copytree(Path(shared) / "unicode_data", cache / "fc-contract" / "hypothesis" / "unicode_data")
    monkeypatch.delenv("HYPOTHESIS_STORAGE_DIRECTORY", raising=False)
    result = cli(installed, "replay", cwd=tmp_path, XDG_CACHE_HOME=str(cache))
    assert result.returncode == 0, result.stdout + result.stderr
    assert [m[0] for m in CLAUSE_ROW.findall(result.stdout) if not m[0].startswith("sdk.")] == sorted(ORDER)
    assert f"fc_contract{os.sep}cassettes" not in result.stderr
    assert result.stdout.rstrip().splitlines()[-1].startswith("PASSED: "), result.stdout  # the verdict, last
    assert not (tmp_path / ".hypothesis").exists()  # hypothesis's storage is not the working directory
    stored = {p.name for p in (cache / "fc-contract" / "hypothesis").iterdir()}
    assert {"unicode_data", "constants"} <= stored, stored  # its caches, this run's included
    assert "examples" not in stored, stored  # and no example database


def test_without_a_cache_directory_hypothesis_storage_is_the_runs_own(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    unwritable = tmp_path / "a-file"
    unwritable.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(unwritable))
    monkeypatch.setattr(sys, "platform", "linux")
    assert cli_main._user_cache() is None
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert cli_main._user_cache() == tmp_path / "cache" / "fc-contract" / "hypothesis"


@pytest.mark.parametrize(("option", "said"), [("--fc-bogus=1", "unknown option --fc-bogus"),
                                              ("--fc-max-request=5", "unknown option --fc-max-request; did you mean "
                                                                     "--fc-max-requests?")])
def test_an_unknown_suite_option_is_one_line(installed: Path, tmp_path: Path, option: str, said: str) -> None:
    result = cli(installed, "replay", option, cwd=tmp_path)
    assert result.returncode == 4, result.stdout + result.stderr
    assert [line for line in result.stderr.splitlines() if line.strip()] == [
        line for line in result.stderr.splitlines() if said in line], result.stderr
    assert said in result.stderr
    assert "inifile" not in result.stderr + result.stdout


def test_serve_on_a_busy_port_names_it(installed: Path, server: Server, tmp_path: Path) -> None:
    port = server.url.rsplit(":", 1)[1].rstrip("/")
    result = cli(installed, "serve", "--port", port, cwd=tmp_path)
    assert result.returncode == 4, result.stdout + result.stderr
    assert f"cannot serve on 127.0.0.1:{port}: Address already in use; choose another --port" in result.stderr


def test_exit_1_when_a_clause_fails_with_its_first_failure_and_curl(installed: Path, server: Server,
                                                                    tmp_path: Path) -> None:
    server.app = LimitPlusOne(seed_store(45))
    result = cli(installed, "check", server.url, "--clause", "limit.bounds", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.rstrip().splitlines()[-1] == "FAILED: 1 of 1 clauses", result.stdout
    assert "limit.bounds failed:" in result.stdout
    assert "reproduce: curl -sS -i " in result.stdout.split("limit.bounds failed:")[1]


def test_a_command_that_runs_nothing_imports_neither_pytest_nor_the_plugin(installed: Path, tmp_path: Path) -> None:
    """--version, clauses, config and a usage error answer at once; the usage error exits as pytest's do."""
    assert cli_main.USAGE == pytest.ExitCode.USAGE_ERROR
    probe = ("import sys\nfrom fc_contract.cli.main import main\ntry:\n    main(sys.argv[1:])\n"
             "except SystemExit:\n    pass\n"
             "print(sorted(m for m in ('pytest', 'fc_contract.plugin') if m in sys.modules))")
    for args in (["--version"], ["clauses"], ["config"], ["check", "fake", "--profile=huge"]):
        shown = subprocess.run([sys.executable, "-c", probe, *args], cwd=tmp_path, capture_output=True, text=True,
                               timeout=60, env=_env(installed))
        assert shown.stdout.strip().splitlines()[-1] == "[]", (args, shown.stdout, shown.stderr)


def test_exit_4_is_one_line_on_stderr(installed: Path, tmp_path: Path) -> None:
    for args in (["check", "not-a-url"], ["check", "fake", "--profile=huge"], ["replay", "--bogus"], [],
                 ["check", "fake", "--fc-max-pages", "many"]):  # an --fc-* option reaches the plugin
        result = cli(installed, *args, cwd=tmp_path)
        assert result.returncode == 4, (args, result.stdout, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, (args, result.stderr)
        assert "Traceback" not in result.stdout + result.stderr


def test_exit_2_when_interrupted(installed: Path, server: Server, tmp_path: Path) -> None:
    hanging = build(seed_store(45), [Fault.parse("hang:60")])
    assert isinstance(hanging, Faulty)
    reached = threading.Event()

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        reached.set()  # the run is waiting on the server: the moment to interrupt it
        return hanging(environ, start_response)

    server.app = app
    process = subprocess.Popen([str(installed / "bin" / "fc-contract"), "check", server.url, "--timeout=60"],
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=_env(installed), preexec_fn=_default_sigint)
    try:
        assert reached.wait(120), "the run never sent a request"
        process.send_signal(signal.SIGINT)
        hanging.released.set()  # a request sent after the interrupt (none should be) gets its answer, not a hang
        out, err = process.communicate(timeout=60)
    finally:
        hanging.released.set()
        process.kill()
    assert process.returncode == 2, out + err
    assert "the run stopped: interrupted" in out


def _default_sigint() -> None:
    """A child that Ctrl-C interrupts, even when this worker ignores SIGINT (pytest-xdist's may)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_progress_lines_come_in_order_without_server_control_characters(installed: Path, server: Server,
                                                                       tmp_path: Path) -> None:
    server.app = HostileErrors(seed_store(45))
    result = cli(installed, "check", server.url, "--report", "r.md", cwd=tmp_path)
    assert result.returncode == 1
    progress = result.stdout.split("\n\n")[0]
    assert [line.split()[0] for line in progress.splitlines() if not line.startswith("warning")] == ORDER
    for control in ("\x1b", "\x07", "\r"):
        assert control not in result.stdout
    assert "\\x1b[2J" in result.stdout  # shown, escaped


def test_check_and_pytest_pyargs_give_the_same_clause_table(installed: Path, server: Server, tmp_path: Path) -> None:
    server.app = LimitPlusOne(seed_store(45))
    chosen = "errors,limit.bounds,response.shape"
    by_cli = cli(installed, "check", server.url, "-q", "--clause", chosen, cwd=tmp_path)
    by_pytest = subprocess.run([sys.executable, "-m", "pytest", "--pyargs", "fc_contract.contracts", "-p",
                                "no:cacheprovider", f"--fc-target={server.url}", f"--fc-clause={chosen}"],
                               cwd=tmp_path, capture_output=True, text=True, timeout=300, env=_env(installed))
    assert by_cli.returncode == by_pytest.returncode == 1
    assert CLAUSE_ROW.findall(by_cli.stdout) == CLAUSE_ROW.findall(by_pytest.stdout)
    assert [row[0] for row in CLAUSE_ROW.findall(by_cli.stdout)] == chosen.split(",")
    assert by_cli.stdout.strip().splitlines()[1:] == [line for line in by_cli.stdout.strip().splitlines()[1:]
                                                      if CLAUSE_ROW.match(line) or line.startswith("FAILED: ")]


def test_version_names_the_description_and_the_sdks(installed: Path, tmp_path: Path) -> None:
    result = cli(installed, "--version", cwd=tmp_path)
    assert result.returncode == 0
    assert re.search(r"^fc-contract \d+\.\d+\.\d+$", result.stdout, re.MULTILINE)
    assert re.search(r"^description .*openapi\.yaml \(sha256 [0-9a-f]{64}\)$", result.stdout, re.MULTILINE)
    assert "SDK alibabacloud-fc-open20210406 " in result.stdout
    assert "SDK aliyun-fc2 " in result.stdout


def test_a_terminal_gets_a_live_line_and_still_no_server_control_characters(installed: Path, server: Server,
                                                                           tmp_path: Path) -> None:
    server.app = HostileErrors(seed_store(45))
    leader, follower = pty.openpty()
    env = {k: v for k, v in _env(installed).items() if k not in ("CI", "BUILD_NUMBER")}
    process = subprocess.Popen([str(installed / "bin" / "fc-contract"), "check", server.url, "--clause",
                                "errors,limit.bounds"], cwd=tmp_path, stdout=follower, stderr=subprocess.DEVNULL,
                               env=env)
    os.close(follower)
    chunks = []
    with contextlib.suppress(OSError):  # the terminal closes when the process ends
        while chunk := os.read(leader, 65536):
            chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=120) == 1
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert "\r\x1b[K" in shown  # the live line, rewritten in place
    assert re.search(r"limit\.bounds: \d+/\d+ tests; \d+/2 clauses done", shown)
    rest = shown.replace("\r\x1b[K", "").replace("\r\n", "\n")
    for control in ("\x1b", "\x07", "\r"):
        assert control not in rest


def test_a_reader_that_leaves_early_costs_no_traceback_and_not_the_verdict(installed: Path, tmp_path: Path) -> None:
    result = subprocess.run(f"'{installed / 'bin' / 'fc-contract'}' replay --clause errors,limit.bounds | head -1; "
                            "exit ${PIPESTATUS[0]}",
                            shell=True, executable="/bin/bash", cwd=tmp_path, capture_output=True, text=True,
                            timeout=300, env=_env(installed))
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert "BrokenPipeError" not in result.stderr


def test_clauses_lists_each_clause_with_its_purpose(installed: Path, tmp_path: Path) -> None:
    result = cli(installed, "clauses", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    listed = dict(line.split(None, 1) for line in result.stdout.strip().splitlines())
    assert set(listed) >= {*ORDER, "behaviour.diff", "sdk.parsing"}
    assert listed["limit.bounds"] == "the page size the `limit` query parameter allows."


@pytest.mark.parametrize(("args", "said"), [
    (["replay", "--clause", "limit.bound"], "--clause: no clause 'limit.bound' (did you mean limit.bounds?); the "
                                            "clauses are behaviour.diff, errors, limit.bounds,"),
    (["replay", "--skip-clause", "paging"], "--skip-clause: no clause 'paging'"),
    (["check", "fake", "--max-requests", "-5"], "--max-requests=-5: give a positive whole number"),
    (["check", "ftp://x"], "URL 'ftp://x' is not replay, fake, live or an http(s)://HOST[:PORT] URL"),
    (["record", "fake", "out", "--clause", "errors"], "fc-contract record records the whole suite"),
    (["replay", "--timeout", "0"], "--timeout=0.0: give a positive number"),
])
def test_a_usage_error_names_the_flag_the_user_typed(in_tmp: Path, capfd: pytest.CaptureFixture[str],
                                                     args: list[str], said: str) -> None:
    """In this process: the command's own code, without a console script's start-up per case."""
    code = main(args)
    out, err = capfd.readouterr()
    assert code == 4, out + err
    assert said in err, err
    assert "--fc-" not in err, err  # the plugin's names are not the command's
    assert len(err.strip().splitlines()) == 1, err


def test_quiet_is_the_table_and_the_verdict_and_verbose_is_pytest_without_its_isolation(installed: Path,
                                                                                       tmp_path: Path) -> None:
    quiet = cli(installed, "replay", "-q", "--clause", "pagination", cwd=tmp_path)
    assert quiet.returncode == 0, quiet.stdout + quiet.stderr
    lines = quiet.stdout.strip().splitlines()
    assert lines[0].startswith("clause "), quiet.stdout
    assert lines[-1] == "PASSED: 3 clauses", quiet.stdout
    assert all(CLAUSE_ROW.match(line) for line in lines[1:-1]), quiet.stdout
    verbose = cli(installed, "replay", "-v", "--clause", "errors", cwd=tmp_path)
    assert verbose.returncode == 0, verbose.stdout + verbose.stderr
    assert "configfile: fc-contract.ini" in verbose.stdout
    for noise in ("/dev/null", "PytestAssertRewriteWarning"):
        assert noise not in verbose.stdout + verbose.stderr


def test_a_config_file_is_read_and_config_says_where_each_value_comes_from(installed: Path, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.fc-contract]\nclause = ['errors', 'limit.bounds']\n"
                                             "max_requests = 700\ntimeout = 4\n", encoding="utf-8")
    (tmp_path / "job").mkdir()
    env = {**_env(installed), "FC_CONTRACT_TIMEOUT": "3"}
    shown = subprocess.run([str(installed / "bin" / "fc-contract"), "config", "--max-requests", "900"],
                           cwd=tmp_path / "job", capture_output=True, text=True, timeout=60, env=env)
    assert shown.returncode == 0, shown.stderr
    assert f"config file: {tmp_path / 'pyproject.toml'}" in shown.stdout
    rows = {line.split()[0]: line.split(None, 2)[1:] for line in shown.stdout.splitlines()[1:]}
    assert rows["max_requests"] == ["900", "command line"]
    assert rows["timeout"] == ["3", "environment (FC_CONTRACT_TIMEOUT)"]
    assert rows["clause"] == ["errors,limit.bounds", f"config file ({tmp_path / 'pyproject.toml'})"]
    assert rows["service"] == ["demo-service", "default"]
    ran = cli(installed, "replay", cwd=tmp_path / "job")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert [row[0] for row in CLAUSE_ROW.findall(ran.stdout)] == ["errors", "limit.bounds"]
