"""The clauses a contracts directory holds, read from its modules (nothing is imported), and a choice of them."""

from __future__ import annotations

import ast
import difflib
from dataclasses import dataclass
from pathlib import Path

from fc_contract.settings import flag


@dataclass(frozen=True)
class ClauseInfo:
    """A clause: its id, its one-line purpose (its module docstring's first line) and the module."""

    id: str
    purpose: str
    module: Path


class UnknownClause(ValueError):
    """A clause named in a selection is not in the catalogue: the message lists the right names."""


def catalogue(directory: Path) -> list[ClauseInfo]:
    """Every `Clause("id")` of the test modules under `directory`, by id."""
    found: dict[str, ClauseInfo] = {}
    for path in sorted(directory.rglob("test_*.py")):
        tree = _parsed(path)
        if tree is None:
            continue  # pytest reports a module it cannot import; the catalogue only lists
        doc = (ast.get_docstring(tree) or "").strip().splitlines()
        for clause in (c for c in _clause_ids(tree) if c is not None):
            purpose = doc[0].removeprefix(f"{clause}:").strip() if doc else ""
            found.setdefault(clause, ClauseInfo(clause, purpose, path))
    return sorted(found.values(), key=lambda c: c.id)


def module_clauses(path: Path) -> set[str] | None:
    """The ids of a module's `Clause(...)` calls, read and not imported; None when one is no literal, or unreadable."""
    tree = _parsed(path)
    if tree is None:
        return None
    ids = _clause_ids(tree)
    return None if None in ids else {c for c in ids if c is not None}


def _parsed(path: Path) -> ast.Module | None:
    try:
        return ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None


def _clause_ids(tree: ast.Module) -> list[str | None]:
    """The id of each `Clause(...)` call in `tree`, in order; None for one whose id is no string literal."""
    return [node.args[0].value if node.args and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str) else None
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Clause"]


def chosen(known: list[str], clause: str, skip_clause: str) -> set[str]:
    """The clauses `--clause` and `--skip-clause` leave of `known`; a group (pagination) names each of its own.

    UnknownClause for a name that is neither a clause nor a group of `known`.
    """
    def expand(option: str, text: str) -> set[str]:
        out: set[str] = set()
        for name in (n.strip() for n in text.split(",") if n.strip()):
            matched = {k for k in known if k == name or k.startswith(name + ".")}
            if not matched:
                close = difflib.get_close_matches(name, known, n=1)
                raise UnknownClause(f"{flag(option)}: no clause {name!r}" + (f" (did you mean {close[0]}?)" if close
                                    else "") + f"; the clauses are {', '.join(known)}")
            out |= matched
        return out

    selected = expand("clause", clause) if clause.strip() else set(known)
    return selected - expand("skip_clause", skip_clause)
