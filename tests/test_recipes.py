"""The recipes of the README and docs/ run as written, from a copy of the project; the live ones against the
reference server standing in for the service; the GitHub Actions workflow's run: steps likewise."""

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
import yaml

from fc_contract.fake import FakeFC, seed_store
from fc_contract.fake.auth import Verifier
from fc_contract.fake.server import Server
from harness import ROOT

RECIPE = re.compile(r"<!-- recipe: ([a-z-]+) -->\n```sh\n(.*?)```", re.DOTALL)
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FOUND = [(name, page) for page in PAGES for name, _ in RECIPE.findall(page.read_text(encoding="utf-8"))]
RECIPES = {name: text for page in PAGES for name, text in RECIPE.findall(page.read_text(encoding="utf-8"))}
WORKFLOW = ROOT / "docs" / "github-actions.yml"


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
    shutil.copytree(ROOT / "docs", copy / "docs")
    (copy / ".venv").symlink_to(ROOT / ".venv")
    return copy


def _run(project: Path, name: str, timeout: float = 300,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    with _ports(RECIPES[name]):
        return subprocess.run(["bash", "-c", RECIPES[name]], cwd=project, capture_output=True, text=True,
                              timeout=timeout, env=env)


def test_the_readme_has_the_three_jobs_in_its_first_screenful_and_no_recipe_is_said_twice() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_screen = "\n".join(readme.splitlines()[:60])
    assert [name for name, page in FOUND if page.name == "README.md"] == ["validate-mock", "live-ci", "sdk-upgrade"]
    for name in ("validate-mock", "live-ci", "sdk-upgrade"):
        assert RECIPES[name].strip().splitlines()[-1] in first_screen, name  # complete, on the first screen
    assert len(FOUND) == len(RECIPES), FOUND  # each recipe on one page only
    assert set(RECIPES) == {"validate-mock", "live-ci", "sdk-upgrade", "validate-prism", "re-record", "ci-pipx",
                            "diff-release", "diff-mock", "diff-refresh"}
    assert len(readme.splitlines()) <= 200


def test_validate_a_mock_server(project: Path) -> None:
    result = _run(project, "validate-mock")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "fc-contract-report.md").read_text().startswith("# fc-contract report: passed")


@contextmanager
def _live(service: str, function: str) -> Iterator[dict[str, str]]:
    """The reference server as the live service: signed requests only (both schemes), on a port of its own."""
    server = Server(FakeFC(seed_store(45, service, function), verifier=Verifier({"LTAI-ci": "ci-secret"}))).start()
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FC_CONTRACT_", "PYTEST_"))}
        yield {**env, "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI-ci", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "ci-secret",
               "FC_ENDPOINT": server.url, "CI": "1"}
    finally:
        server.stop()


def test_a_release_of_the_live_service_in_ci(project: Path) -> None:
    with _live("my-service", "my-function") as env:
        result = _run(project, "live-ci", env=env)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert out.rstrip().splitlines()[-1].startswith("PASSED: "), out
    assert "fc_clause" in (project / "fc-contract.xml").read_text()
    assert (project / "fc-contract.md").read_text().startswith("# fc-contract report: passed")
    assert "<svg" in (project / "fc-contract.html").read_text()
    assert "--fc-allow-writes to put and delete configs" in out  # a live run sends GET only, and says so


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


def test_re_record_the_cassettes(project: Path) -> None:
    before = (project / "cassettes" / "errors.yaml").read_text()
    shipped = (ROOT / "cassettes" / "errors.yaml").read_text()
    result = _run(project, "re-record")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "cassettes" / "errors.yaml").read_text() != before  # new request ids, new recording time
    assert (ROOT / "cassettes" / "errors.yaml").read_text() == shipped
    assert "recorded from another OpenAPI description" not in result.stdout
    assert "changed since" not in result.stdout
    assert re.search(r"recorded \d+ interactions into 7 cassettes", result.stdout), result.stdout
    assert len(re.findall(r"^[a-z.-]+ +passed +\d+ +0 +\d+", result.stdout, re.MULTILINE)) == 12 + 8, result.stdout


def _pipx(tmp_path: Path) -> Path:
    """pipx from the registry, in a directory of its own; its launcher's directory."""
    tools = tmp_path / "pipx"
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--target", str(tools), "pipx"],
                               capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr
    launcher = tmp_path / "bin" / "pipx"
    launcher.parent.mkdir()
    launcher.write_text(f'#!/bin/sh\nPYTHONPATH={tools} exec {sys.executable} -m pipx "$@"\n')
    launcher.chmod(0o755)
    return launcher.parent


def test_the_ci_recipe_and_the_workflow_run_the_command_through_pipx_from_a_wheel(wheel: Path,
                                                                                  tmp_path: Path) -> None:
    """As a job of a project in another language would: pipx from the registry, fc-contract from the wheel; then
    the GitHub Actions workflow's run: steps, with its secrets and variables naming the stand-in service."""
    job = tmp_path / "job"
    job.mkdir()
    bin_dir = _pipx(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FC_CONTRACT_", "PYTEST_", "VIRTUAL_ENV"))}
    env.update(PATH=f"{bin_dir}:{env['PATH']}", FC_WHEEL=str(wheel), PIPX_HOME=str(tmp_path / "home"),
               PIPX_BIN_DIR=str(tmp_path / "home" / "bin"), CI="1")
    result = _run(job, "ci-pipx", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^limit\.bounds +passed", result.stdout, re.MULTILINE), result.stdout
    assert "fc_clause" in (job / "fc-contract.xml").read_text()

    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    (contract,) = workflow["jobs"].values()
    flow = tmp_path / "workflow"
    flow.mkdir()
    with _live("release-service", "release-function") as live:
        given = {"secrets.ALIBABA_CLOUD_ACCESS_KEY_ID": live["ALIBABA_CLOUD_ACCESS_KEY_ID"],
                 "secrets.ALIBABA_CLOUD_ACCESS_KEY_SECRET": live["ALIBABA_CLOUD_ACCESS_KEY_SECRET"],
                 "secrets.FC_ENDPOINT": live["FC_ENDPOINT"], "vars.FC_PACKAGE": str(wheel),
                 "vars.FC_SERVICE": "release-service", "vars.FC_FUNCTION": "release-function"}
        step_env = {name: re.sub(r"\$\{\{ *([a-zA-Z_.]+) *\}\}", lambda m: given[m[1]], str(value))
                    for name, value in contract["env"].items()}
        runs = [step["run"] for step in contract["steps"] if "run" in step]
        assert runs, "the workflow runs nothing"
        for script in runs:
            ran = subprocess.run(["bash", "-e", "-c", script], cwd=flow, capture_output=True, text=True, timeout=300,
                                 env={**env, **step_env})
            assert ran.returncode == 0, ran.stdout + ran.stderr
    published = [step["with"] for step in contract["steps"] if "uses" in step and "with" in step]
    paths = [p for inputs in published for key in ("report_paths", "path") for p in str(inputs.get(key, "")).split()]
    assert paths, published
    for path in paths:  # what the workflow publishes and keeps, the run wrote
        assert (flow / path).is_file(), path
    assert (flow / "fc-contract.md").read_text().startswith("# fc-contract report: passed")


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
    assert re.search(r"^sdk\.parsing +passed", out, re.MULTILINE), out  # the version in use passes offline
    assert "SDK alibabacloud-fc-open20210406 2.0.12: " in out, out
    assert "SDK diff against sdk-in-use.json: " in out, out
    assert (project / "sdk-in-use.json").is_file()
    assert "SDK alibabacloud-fc-open20210406 2.0.11: " in out, out  # the candidate was the one replayed
    differences = out.split("SDK diff against sdk-in-use.json: ")[1].split()[0]
    assert result.returncode == (0 if differences == "no" else 1), out
    if differences != "no":
        assert "alibabacloud-fc-open20210406 2.0.12 → 2.0.11: " in out, out
