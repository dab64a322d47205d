"""An installed copy carries the plugin, the contracts and the cassettes: pytest --pyargs runs them anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path


def test_the_wheel_holds_the_plugin_the_contracts_and_the_cassettes(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for expected in ("fc_contract/plugin/__init__.py", "fc_contract/contracts/openapi.yaml",
                     "fc_contract/contracts/test_limit_bounds.py", "fc_contract/contracts/sdk/test_sdk_parsing.py",
                     "fc_contract/cassettes/limit.bounds.yaml", "fc_contract/cassettes/documentation/sample.yaml"):
        assert expected in names
    assert not [name for name in names if name.startswith("tests/")]
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "[pytest11]\nfc_contract.plugin = fc_contract.plugin" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_pyargs_runs_the_packaged_contracts_from_another_repository(installed: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "mock-server-repo"
    elsewhere.mkdir()
    command = [sys.executable, "-m", "pytest", "--pyargs", "fc_contract.contracts", "-p", "no:cacheprovider", "-q",
               "--fc-request-log=requests.txt"]
    result = subprocess.run(command, cwd=elsewhere, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PYTHONPATH": str(installed)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "43 passed, 5 deselected, 3 xfailed" in result.stdout, result.stdout
    assert "warning" not in result.stdout
    site = installed.resolve() / "fc_contract"
    assert f"judged by {site / 'contracts' / 'openapi.yaml'}; cassettes {site / 'cassettes'} (replayed)" \
        in result.stdout, result.stdout  # the installed copy's own, not this clone's
    assert (elsewhere / "requests.txt").read_text().count("https://fc-contract.invalid/") > 200


def test_pyargs_runs_the_contracts_under_the_editable_install_too(tmp_path: Path) -> None:
    """`pip install -e .` (the README's) keeps the clauses in the repository's contracts/: still importable so."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FC_CONTRACT_", "PYTEST_"))}
    result = subprocess.run([sys.executable, "-m", "pytest", "--pyargs", "fc_contract.contracts", "-p",
                             "no:cacheprovider", "--fc-clause=errors", "-q"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "fc-contract: PASSED: 1 clauses" in result.stdout, result.stdout
