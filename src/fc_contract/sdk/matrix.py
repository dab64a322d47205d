"""The SDK clauses across SDK versions: one virtualenv per version, a version x clause table, snapshot diffs.

The nox session `sdk` (noxfile.py) drives it; `python -m fc_contract.sdk.matrix installed` runs it without nox.
A version that cannot be installed or imported on this Python is a row that says why, never a crash.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from fc_contract.sdk import snapshot
from fc_contract.sdk.adapters import FACTORIES
from fc_contract.settings import SPEC_PATH

MODULES = {"alibabacloud-fc-open20210406": "alibabacloud_fc_open20210406", "aliyun-fc2": "fc2"}
DEFAULT = "alibabacloud-fc-open20210406"
CONTRACTS = SPEC_PATH.parent / "sdk"
REQUIREMENT = re.compile(r"^([A-Za-z0-9_.-]+?)\s*((?:==|>=|<=|~=|!=|<|>).*)?$")


@dataclass
class Row:
    """One SDK version: each clause's outcome, its snapshot, or why it could not be run."""

    package: str
    version: str
    outcomes: dict[str, str] = field(default_factory=dict)  # clause -> passed, failed, skipped, defect present/gone
    snapshot: Path | None = None
    problem: str = ""  # why it could not run: the row says only that
    note: str = ""  # why every clause skipped or failed: printed after the outcomes


def published(package: str) -> list[str]:
    """Every version of `package` on the package index, oldest first (`pip index versions`: needs the network)."""
    done = subprocess.run([sys.executable, "-m", "pip", "index", "versions", package], capture_output=True,
                          text=True, timeout=120)
    found = re.search(r"Available versions: (.*)", done.stdout)
    if done.returncode != 0 or found is None:
        raise ValueError(f"cannot list the versions of {package}: {(done.stderr or done.stdout).strip()[-200:]}")
    return sorted((v.strip() for v in found[1].split(",")), key=_order)


def _order(version: str) -> tuple[int, Version | str]:
    try:
        return (1, Version(version))
    except InvalidVersion:
        return (0, version)


def wanted(arguments: list[str]) -> list[tuple[str, str]]:
    """(package, version) for each argument: PKG==V, PKG with a range (>=A,<=B: every published one), or V."""
    pairs: list[tuple[str, str]] = []
    for argument in arguments:
        match = REQUIREMENT.match(argument.strip())
        if match is None or (match[1] not in MODULES and match[2] is None):
            package, spec = DEFAULT, f"=={argument.strip()}"
        else:
            package, spec = (match[1], match[2] or "") if match[1] in MODULES else (DEFAULT, argument)
        if spec.startswith("==") and "*" not in spec and "," not in spec:
            pairs.append((package, spec[2:].strip()))
            continue
        try:
            accepted = SpecifierSet(spec)
        except InvalidSpecifier:
            raise ValueError(f"{argument!r}: not a version, PKG==VERSION or PKG>=A,<=B; packages: "
                             f"{', '.join(MODULES)}") from None
        pairs += [(package, v) for v in published(package) if _order(v)[0] and accepted.contains(v, prereleases=False)]
    return pairs


def _python_of(venv: Path) -> Path:
    return venv / "bin" / "python"


def prepare(package: str, version: str, root: Path) -> tuple[Path | None, str]:
    """A virtualenv with `package`==`version` (everything else from this environment); or why there is none."""
    venv = root / f"{package}-{version}"
    python = _python_of(venv)
    if not python.exists():
        made = subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], capture_output=True,
                              text=True)
        if made.returncode != 0:
            return None, f"cannot make a virtualenv: {made.stderr.strip()[-200:]}"
        purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                      capture_output=True, text=True).stdout.strip())
        # This environment's packages (pytest, fc_contract, the other SDK) come after the venv's own: the SDK
        # version installed here shadows the one installed there.
        (purelib / "zz_fc_contract_parent.pth").write_text(
            f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n", encoding="utf-8")
        # --ignore-installed: the SDK and its whole dependency tree as a fresh install resolves them, not mixed
        # with the versions this environment holds.
        installed = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                                    "--disable-pip-version-check", "--ignore-installed", f"{package}=={version}"],
                                   capture_output=True, text=True, timeout=600)
        if installed.returncode != 0:
            shutil.rmtree(venv, ignore_errors=True)
            return None, f"cannot install: {_last_line(installed.stderr or installed.stdout)}"
    probe = subprocess.run([str(python), "-c", f"import {MODULES[package]}; import importlib.metadata as m; "
                            f"print(m.version({package!r}))"], capture_output=True, text=True, timeout=120)
    if probe.returncode != 0:
        return None, f"cannot import on Python {sys.version_info.major}.{sys.version_info.minor}: " \
                     f"{_last_line(probe.stderr)}"
    if probe.stdout.strip() != version:
        return None, f"the virtualenv imports {package} {probe.stdout.strip()}, not {version}"
    return python, ""


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return (lines[-1] if lines else "no output")[:200]


def run(python: Path, out: Path, cassettes: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The SDK clauses under `python`, with the run's JSON results and a snapshot in `out`."""
    out.mkdir(parents=True, exist_ok=True)
    command = [str(python), "-m", "pytest", str(CONTRACTS), "-p", "no:cacheprovider", "-q", "-p", "no:randomly",
               f"--fc-json={out / 'results.json'}", f"--fc-sdk-snapshot={out / 'snapshot.json'}"]
    if cassettes is not None:
        command.append(f"--fc-cassettes={cassettes}")
    return subprocess.run(command, capture_output=True, text=True, timeout=1800)


GONE = "known defect gone: remove the xfail"  # the outcome of a clause whose known defect this version lacks


def outcomes(results: Path, package: str) -> tuple[dict[str, str], str]:
    """Clause -> outcome of `package`'s tests in a run's JSON results (a clause's worst test wins), and a note on
    why when every clause skipped or failed (the first reason given)."""
    rank = ["skipped", "passed", "known defect present", GONE, "failed"]
    found: dict[str, str] = {}
    reasons: dict[str, str] = {}
    for test in json.loads(results.read_text(encoding="utf-8"))["tests"]:
        clause, failure = test["clause"], test["failure"]
        if clause == "sdk.baseline" or f"[{package}" not in test["nodeid"]:
            continue
        if test["outcome"] == "skipped":  # what was observed: the cause, not the request it was observed on
            reasons.setdefault("skipped", test["reason"][:160])
        elif test["outcome"] in ("failed", "xpassed"):
            reasons.setdefault("failed", str((failure or {}).get("observed") or test["reason"])[:160])
        outcome = {"passed": "passed", "skipped": "skipped", "xfailed": rank[2]}.get(test["outcome"], "failed")
        if failure is not None and failure.get("defect"):
            outcome = rank[3]
        if rank.index(outcome) > rank.index(found.get(clause, "skipped")) or clause not in found:
            found[clause] = outcome
    kinds = set(found.values())
    return found, (reasons.get(kinds.pop(), "") if len(kinds) == 1 and kinds <= {"skipped", "failed"} else "")


def table(rows: list[Row]) -> list[str]:
    """The version x clause table, one row per version (a version that could not run says why)."""
    clauses = sorted({c for row in rows for c in row.outcomes})
    head = ["package", "version", *clauses]
    lines = [[row.package, row.version, *(row.outcomes.get(c, "-") for c in clauses)] for row in rows]
    widths = [max(len(line[i]) for line in [head, *lines]) for i in range(len(head))]

    def shown(cells: list[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=False)).rstrip()

    return [shown(head), *(shown(line[:2]) + "  " + row.problem if row.problem
                           else shown(line) + (f"  ({row.note})" if row.note else "")
                           for row, line in zip(rows, lines, strict=True))]


def changes(rows: list[Row]) -> list[str]:
    """What each version's SDK made of the cassettes differently from the version before it (same package)."""
    lines = []
    previous: dict[str, Row] = {}
    for row in rows:
        before = previous.get(row.package)
        if row.snapshot is None or not row.snapshot.is_file():
            continue
        if before is not None and before.snapshot is not None:
            old, new = _only(snapshot.load(before.snapshot), row.package), _only(snapshot.load(row.snapshot),
                                                                                   row.package)
            if not (old["sdks"] and new["sdks"]):  # one of them made no call: nothing to compare
                lines.append(f"{row.package} {before.version} → {row.version}: not compared, "
                             f"{before.version if not old['sdks'] else row.version} made no call")
            else:
                lines += snapshot.compare(old, new) or [f"{row.package} {before.version} → {row.version}: "
                                                         "no differences"]
        previous[row.package] = row
    return lines


def _only(data: dict[str, Any], package: str) -> dict[str, Any]:
    return {**data, "sdks": {k: v for k, v in data["sdks"].items() if k == package}}


def matrix(arguments: list[str], root: Path, cassettes: Path | None = None) -> list[Row]:
    """Run the SDK clauses for each wanted version ("installed": the versions installed here, in place)."""
    rows: list[Row] = []
    if arguments == ["installed"] or not arguments:
        out = root / "installed"
        run(Path(sys.executable), out, cassettes)
        for package in sorted(FACTORIES):
            try:
                version = importlib.metadata.version(package)
            except importlib.metadata.PackageNotFoundError:
                rows.append(Row(package, "-", problem=f"{package} is not installed here"))
                continue
            rows.append(Row(package, version, *_read(out, package)))
        return rows
    for package, version in wanted(arguments):
        python, problem = prepare(package, version, root / "venvs")
        if python is None:
            rows.append(Row(package, version, problem=problem))
            continue
        out = root / "runs" / f"{package}-{version}"
        done = run(python, out, cassettes)
        if not (out / "results.json").is_file():
            rows.append(Row(package, version, problem=f"the SDK clauses did not run: {_last_line(done.stdout)}"))
            continue
        rows.append(Row(package, version, *_read(out, package)))
    return rows


def _read(out: Path, package: str) -> tuple[dict[str, str], Path, str, str]:
    """A run's outcomes for the row: outcomes, snapshot, problem (none: it ran), note."""
    found, note = outcomes(out / "results.json", package)
    return found, out / "snapshot.json", "", note


def main(arguments: list[str], root: Path = Path(".nox-sdk")) -> int:
    """Print the table and the differences; 1 when a clause failed or a version could not be run."""
    try:
        rows = matrix(arguments, root)
    except ValueError as exc:
        print(f"fc-contract sdk matrix: {exc}", file=sys.stderr)
        return 4
    for line in [*table(rows), "", "snapshot differences between consecutive versions:", *(
            f"  {line}" for line in changes(rows))]:
        print(line)
    bad = any(row.problem or "failed" in row.outcomes.values() or any(
        o == GONE for o in row.outcomes.values()) for row in rows)
    return 1 if bad else 0


def _cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m fc_contract.sdk.matrix", description=__doc__)
    parser.add_argument("--root", type=Path, default=Path(".nox-sdk"), help="where the virtualenvs and runs go")
    parser.add_argument("versions", nargs="*", help="installed, PKG==VERSION, VERSION or PKG>=A,<=B")
    options = parser.parse_args(argv)
    return main(options.versions or ["installed"], options.root)


if __name__ == "__main__":
    sys.exit(_cli(sys.argv[1:]))
