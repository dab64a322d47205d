"""The SDK version matrix: which versions a run means, a row for a version that cannot run, the nox session."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fc_contract.sdk import matrix, snapshot
from harness import ROOT


def test_versions_are_read_as_written() -> None:
    assert matrix.wanted(["alibabacloud-fc-open20210406==2.0.11", "2.0.12", "aliyun-fc2==2.5.1"]) == [
        ("alibabacloud-fc-open20210406", "2.0.11"), ("alibabacloud-fc-open20210406", "2.0.12"),
        ("aliyun-fc2", "2.5.1")]
    with pytest.raises(ValueError, match="not a version"):
        matrix.wanted(["aliyun-fc2>=>2"])


def test_a_version_that_cannot_run_is_a_row_that_says_why(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(matrix, "prepare", lambda package, version, root: (
        None, "cannot import on Python 3.11: SyntaxError: invalid syntax"))
    assert matrix.main(["alibabacloud-fc-open20210406==1.0.0"], tmp_path) == 1
    out = capsys.readouterr().out
    assert "alibabacloud-fc-open20210406  1.0.0  cannot import on Python 3.11: SyntaxError" in out


def _snapshot(path: Path, version: str, stateful: object) -> Path:
    entry = {"request": "GET /p?limit=1 (200)", "mode": "sync", "sent": {"method": "GET", "path": "/p",
             "query": [["limit", "1"]], "signed_headers": ["date"]},
             "result": {"model": {"configs": [{"qualifier": "a", "statefulInvocation": stateful}]}}}
    path.write_text(json.dumps({"format": 1, "sdks": {"aliyun-fc2": {"version": version, "entries": [entry] * 3}}}))
    return path


def test_consecutive_versions_are_diffed(tmp_path: Path) -> None:
    rows = [matrix.Row("aliyun-fc2", "2.5.1", {"sdk.parsing": "passed"}, _snapshot(tmp_path / "a", "2.5.1", True)),
            matrix.Row("aliyun-fc2", "2.5.2", {"sdk.parsing": "passed"}, _snapshot(tmp_path / "b", "2.5.2", None))]
    assert matrix.changes(rows) == [
        "aliyun-fc2 2.5.1 → 2.5.2: configs[*].statefulInvocation now None (was a boolean), 3 responses"]
    assert matrix.table(rows)[1].split() == ["aliyun-fc2", "2.5.1", "passed"]
    assert snapshot.compare(snapshot.load(tmp_path / "a"), snapshot.load(tmp_path / "a")) == []


def test_a_snapshot_is_written_one_response_a_line_and_reads_back_as_it_was(tmp_path: Path) -> None:
    data = json.loads(_snapshot(tmp_path / "a", "2.5.1", True).read_text())
    data["sdks"]["alibabacloud-fc-open20210406"] = {"version": "2.0.12", "entries": []}
    snapshot.write(tmp_path / "b", data)
    assert snapshot.load(tmp_path / "b") == data
    lines = (tmp_path / "b").read_text().splitlines()
    assert [line for line in lines if '"request": ' in line] == [
        "  " + json.dumps(entry, sort_keys=True) + "," * (n < 2) for n, entry in
        enumerate(data["sdks"]["aliyun-fc2"]["entries"])]


def test_the_nox_session_runs_offline_on_the_installed_versions(tmp_path: Path) -> None:
    nox = Path(sys.executable).with_name("nox")
    if not nox.exists():
        pytest.skip("nox is not installed here: pip install -e '.[test]'")
    done = subprocess.run([str(nox), "-f", str(ROOT / "noxfile.py"), "--envdir", str(tmp_path / ".nox"), "-s", "sdk",
                           "--", "installed"], cwd=tmp_path, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PIP_NO_INDEX": "1"})
    assert done.returncode == 0, done.stdout + done.stderr
    rows = {line.split()[0]: line.split()[1:] for line in done.stdout.splitlines()
            if line.startswith(("alibabacloud-fc-open20210406 ", "aliyun-fc2 "))}
    assert rows["alibabacloud-fc-open20210406"] == ["2.0.12", "known", "defect", "present", "passed", "passed",
                                                    "passed"], done.stdout
    assert rows["aliyun-fc2"][:1] == ["2.5.2"], done.stdout
    assert (tmp_path / ".nox-sdk" / "installed" / "snapshot.json").is_file()
