"""fc-contract: a contract-test suite for Function Compute 2.0's ListFunctionAsyncInvokeConfigs.

The names below are the API for writing clauses of your own (docs/extending.md, "A clause of your own"): a clause
and its verdicts, the Contract a clause gets, the walks, and the types a fixture override returns
(Settings, Spec, Target, Client, Limits). Write clauses use `fc_contract.writes` besides. Every other
module is internal and may change. The names load on first use, so `python -m fc_contract.fake` does
not pay for the judging layer, and nothing here loads pytest's plugin.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# name -> the module that defines it
_PUBLIC = {
    # a clause and its verdicts
    "Clause": "fc_contract.judging.clause", "ContractFailure": "fc_contract.judging.clause",
    "Choice": "fc_contract.judging.verdict", "Verdict": "fc_contract.judging.verdict",
    "expect_page": "fc_contract.judging.expect", "expect_error": "fc_contract.judging.expect",
    "difference": "fc_contract.judging.expect",
    # what a clause judges with
    "Contract": "fc_contract.judging.contract", "Exchange": "fc_contract.http.exchange",
    "walk": "fc_contract.judging.walker", "Walk": "fc_contract.judging.walker", "End": "fc_contract.judging.walker",
    "request_bound": "fc_contract.judging.walker", "observed_total": "fc_contract.judging.walker",
    "TRUTH_LIMIT": "fc_contract.judging.contract", "Changes": "fc_contract.judging.verdict",
    "ABSENT_SERVICE": "fc_contract.judging.contract", "ABSENT_FUNCTION": "fc_contract.judging.contract",
    "LIMITS": "fc_contract.judging.plan", "spans": "fc_contract.judging.plan",
    # what the fixtures return (override them in a conftest.py)
    "Settings": "fc_contract.settings", "Spec": "fc_contract.judging.spec", "Target": "fc_contract.run.targets",
    "Client": "fc_contract.http.client", "Limits": "fc_contract.http.client",
    # the write helpers, also in fc_contract.writes
    "Writer": "fc_contract.judging.writes", "cleanup": "fc_contract.judging.writes",
    "put_values": "fc_contract.judging.writes", "PROBE": "fc_contract.judging.writes",
    "redacted": "fc_contract.judging.writes",
}
__all__ = [
    "ABSENT_FUNCTION", "ABSENT_SERVICE", "LIMITS", "PROBE", "TRUTH_LIMIT", "Changes", "Choice", "Clause", "Client",
    "Contract", "ContractFailure", "End", "Exchange", "Limits", "Settings", "Spec", "Target", "Verdict", "Walk",
    "Writer", "__version__", "cleanup", "difference", "expect_error", "expect_page", "observed_total", "put_values",
    "redacted", "request_bound", "spans", "walk",
]

if TYPE_CHECKING:
    from fc_contract.http.client import Client, Limits
    from fc_contract.http.exchange import Exchange
    from fc_contract.judging.clause import Clause, ContractFailure
    from fc_contract.judging.contract import ABSENT_FUNCTION, ABSENT_SERVICE, TRUTH_LIMIT, Contract
    from fc_contract.judging.expect import difference, expect_error, expect_page
    from fc_contract.judging.plan import LIMITS, spans
    from fc_contract.judging.spec import Spec
    from fc_contract.judging.verdict import Changes, Choice, Verdict
    from fc_contract.judging.walker import End, Walk, observed_total, request_bound, walk
    from fc_contract.judging.writes import PROBE, Writer, cleanup, put_values, redacted
    from fc_contract.run.targets import Target
    from fc_contract.settings import Settings


class _RepositoryContracts(importlib.abc.MetaPathFinder):
    """Under an editable install (pip install -e .) the clause modules are the repository's contracts/, not a
    folder of the package as in a wheel: this names them fc_contract.contracts too, so that
    `pytest --pyargs fc_contract.contracts` runs them from an editable install as from a wheel."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def find_spec(self, name: str, path: object = None, target: object = None) -> importlib.machinery.ModuleSpec | None:
        if name != "fc_contract.contracts":
            return None
        return importlib.util.spec_from_file_location(name, self.folder / "__init__.py",
                                                      submodule_search_locations=[str(self.folder)])


_HERE = Path(__file__).resolve().parent
if not (_HERE / "contracts").is_dir() and (_HERE.parents[1] / "contracts" / "__init__.py").is_file():
    sys.meta_path.append(_RepositoryContracts(_HERE.parents[1] / "contracts"))


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'fc_contract' has no attribute {name!r}")
    return getattr(importlib.import_module(_PUBLIC[name]), name)
