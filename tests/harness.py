"""What the project's tests read from a run of the contract suite."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = ROOT / "contracts"
CLAUSE_ID = re.compile(r"^\[([a-z]+(?:\.[a-z]+)?)\] ", re.MULTILINE)


@dataclass
class Verdict:
    """What a run of the contract suite said."""

    exit_code: int
    output: str

    @property
    def failed_clauses(self) -> set[str]:
        return set(CLAUSE_ID.findall(self.output))
