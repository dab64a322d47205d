"""What the project's tests read from a run of the contract suite: its exit code, output and JUnit XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from fc_contract.judging.clause import VERDICT_ID
from fc_contract.plugin.conformance import CLAUSE

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = ROOT / "contracts"


@dataclass
class Verdict:
    """What a run of the contract suite said."""

    exit_code: int
    output: str
    junit: Path | None = None

    def failures(self) -> list[tuple[str, str]]:
        """(fc_clause property, failure report) of each failed or erroring test case, from the JUnit XML."""
        if self.junit is None or not self.junit.is_file():
            return []
        found: list[tuple[str, str]] = []
        for case in ET.parse(self.junit).getroot().iter("testcase"):
            problem = case.find("failure")
            if problem is None:
                problem = case.find("error")
            if problem is None:
                continue
            clause = next((p.get("value") or "" for p in case.iter("property") if p.get("name") == CLAUSE), "")
            found.append((clause, problem.text or problem.get("message") or ""))  # the text is the whole report
        return found

    @property
    def failed_clauses(self) -> set[str]:
        """The verdict id each failure names ("[id] ..."), else its test's fc_clause property."""
        ids = set()
        for clause, message in self.failures():
            named = VERDICT_ID.search(message)
            ids.add(named.group(1) if named else clause)
        return ids
