"""The README's recipes run as written (those that need no cloud), from a copy of the project."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from harness import ROOT

RECIPE = re.compile(r"<!-- recipe: ([a-z-]+) -->\n```sh\n(.*?)```", re.DOTALL)
RECIPES = dict(RECIPE.findall((ROOT / "README.md").read_text(encoding="utf-8")))


PORTS = re.compile(r"(?:127\.0\.0\.1:|--port |-p )([0-9]{4,5})\b")
LOCKS = Path(os.environ.get("TMPDIR", "/tmp"))  # shared by every pytest-xdist worker of the machine


@contextmanager
def _ports(recipe: str) -> Iterator[None]:
    """The ports a recipe serves on (9000, Prism's 4010, ...), one recipe at a time on each, whichever worker runs
    it: recipes on other ports, or none, run side by side."""
    with ExitStack() as stack:
        for port in sorted(set(PORTS.findall(recipe))):
            held = stack.enter_context((LOCKS / f"fc-contract-readme-port-{port}.lock").open("w"))
            fcntl.flock(held, fcntl.LOCK_EX)
        yield


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's files, sharing the .venv the README's test command made."""
    if not (ROOT / ".venv" / "bin" / "pytest").exists():
        pytest.skip("the recipes use .venv: run the README's test command first (as .ci/run does)")
    copy = tmp_path / "project"
    copy.mkdir()
    for name in ("contracts", "cassettes"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "conftest.py", "README.md"):
        shutil.copy(ROOT / name, copy / name)
    (copy / ".venv").symlink_to(ROOT / ".venv")
    return copy


def _run(project: Path, name: str, timeout: float = 300,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    with _ports(RECIPES[name]):
        return subprocess.run(["bash", "-c", RECIPES[name]], cwd=project, capture_output=True, text=True,
                              timeout=timeout, env=env)


def test_the_readme_has_the_recipes() -> None:
    assert set(RECIPES) == {"validate-mock", "validate-mock-pytest", "validate-prism", "check-sdk",
                            "check-sdk-pytest", "re-record", "re-record-pytest", "ci-pipx",
                            "diff-release", "diff-mock", "diff-refresh", "sdk-upgrade"}


@pytest.mark.parametrize("recipe", ["validate-mock", "validate-mock-pytest"])
def test_validate_a_mock_server(project: Path, recipe: str) -> None:
    result = _run(project, recipe)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "fc-contract-report.md").read_text().startswith("# fc-contract report: passed")


def test_validate_prism(project: Path) -> None:
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed: the Prism recipe needs Node.js and npm")
    result = _run(project, "validate-prism")
    assert result.returncode == 1, result.stdout + result.stderr
    report = (project / "prism-report.md").read_text()
    for clause in ("errors", "limit.bounds", "pagination.termination", "state.writes"):
        assert f"| `{clause}` | FAILED |" in report, report
    assert "| `response.shape` | passed |" in report
    assert "the answer to a put for qualifier 'fc-contract-a'" in report, report  # Prism answers its example
    assert "maxAsyncRetryAttempts 3" in report, report  # the example's value, not the one put


@pytest.mark.parametrize("recipe", ["check-sdk", "check-sdk-pytest"])
def test_check_an_sdk(project: Path, recipe: str) -> None:
    result = _run(project, recipe)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SDK alibabacloud-fc-open20210406" in result.stdout
    assert re.search(r"^sdk\.parsing +passed", result.stdout, re.MULTILINE), result.stdout


@pytest.mark.parametrize("recipe", ["re-record", "re-record-pytest"])
def test_re_record_the_cassettes(project: Path, recipe: str) -> None:
    before = (project / "cassettes" / "errors.yaml").read_text()
    shipped = (ROOT / "cassettes" / "errors.yaml").read_text()
    result = _run(project, recipe)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "cassettes" / "errors.yaml").read_text() != before  # new request ids, new recording time
    assert (ROOT / "cassettes" / "errors.yaml").read_text() == shipped
    assert "recorded from another OpenAPI description" not in result.stdout
    assert "changed since" not in result.stdout
    assert re.search(r"recorded \d+ interactions into 7 cassettes", result.stdout), result.stdout
    assert len(re.findall(r"^[a-z.-]+ +passed +\d+ +0 +\d+", result.stdout, re.MULTILINE)) == 12 + 8, result.stdout


def test_the_ci_recipe_runs_the_command_through_pipx_from_a_wheel(wheel: Path, tmp_path: Path) -> None:
    """As a job of a project in another language would: pipx from the registry, fc-contract from the wheel."""
    tools, job = tmp_path / "pipx", tmp_path / "job"
    job.mkdir()
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--target", str(tools), "pipx"],
                               capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr
    launcher = tmp_path / "bin" / "pipx"
    launcher.parent.mkdir()
    launcher.write_text(f'#!/bin/sh\nPYTHONPATH={tools} exec {sys.executable} -m pipx "$@"\n')
    launcher.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FC_CONTRACT_", "PYTEST_", "VIRTUAL_ENV"))}
    env.update(PATH=f"{launcher.parent}:{env['PATH']}", FC_WHEEL=str(wheel), PIPX_HOME=str(tmp_path / "home"),
               PIPX_BIN_DIR=str(tmp_path / "home" / "bin"), CI="1")
    result = _run(job, "ci-pipx", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^limit\.bounds +passed", result.stdout, re.MULTILINE), result.stdout
    assert "fc_clause" in (job / "fc-contract.xml").read_text()


@pytest.mark.parametrize("recipe", ["diff-release", "diff-mock", "diff-refresh"])
def test_the_behaviour_diff_recipes(project: Path, recipe: str) -> None:
    result = _run(project, recipe)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^behaviour\.diff +passed +2 ", result.stdout, re.MULTILINE), result.stdout


@pytest.mark.network
def test_an_sdk_upgrade_is_a_diff_of_two_real_versions(project: Path) -> None:
    """The version in use (2.0.12) against a candidate from PyPI: its differences, or none, in one line each."""
    result = _run(project, "sdk-upgrade", timeout=900)
    out = result.stdout + result.stderr
    assert "SDK diff against sdk-in-use.json: " in out, out
    assert (project / "sdk-in-use.json").is_file()
    assert "SDK alibabacloud-fc-open20210406 2.0.11: " in out, out  # the candidate was the one replayed
    differences = out.split("SDK diff against sdk-in-use.json: ")[1].split()[0]
    assert result.returncode == (0 if differences == "no" else 1), out
    if differences != "no":
        assert "alibabacloud-fc-open20210406 2.0.12 → 2.0.11: " in out, out
