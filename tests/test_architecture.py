"""The layers ARCHITECTURE.md names hold: each module imports only the layers it may."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

import fc_contract

PACKAGE = Path(fc_contract.__file__).resolve().parent
# Each layer and the layers it may import (its own always); ARCHITECTURE.md has the same table.
MAY_IMPORT = {
    "settings": set(),
    "config": {"settings"},
    "http": {"settings"},
    "judging": {"http", "settings"},
    "cassettes": {"http", "judging", "settings"},
    "sdk": {"settings", "http", "judging", "cassettes"},
    "fake": {"http.signing", "http.api", "cassettes.format"},  # --from-cassettes reads a recording
    "run": {"settings", "http", "judging", "cassettes", "sdk", "fake"},
    "report": {"settings", "http", "judging", "run"},
    "plugin": {"settings", "config", "http", "judging", "cassettes", "sdk", "fake", "run", "report"},
    "cli": {"settings", "config", "http", "judging", "cassettes", "sdk", "fake", "run", "report", "plugin"},
    "writes": {"judging"},  # the write helpers' public module
    "__init__": {"settings", "http", "judging", "run"},  # the public names: nothing of the plugin or the CLI
}
PYTEST_ALLOWED = ("plugin", "cli", "judging.clause")


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        found.append((name if name == "__init__" else name.removesuffix(".__init__"), path))
    return found


def _imports(path: Path) -> set[str]:
    """What a module imports, and the modules a lazy-loading map of it names (the root __init__'s _PUBLIC)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "_PUBLIC" for t in node.targets):
            assert isinstance(node.value, ast.Dict)
            names |= {str(v.value) for v in node.value.values if isinstance(v, ast.Constant)}
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "fc_contract":
                names |= {f"fc_contract.{alias.name}" for alias in node.names}
            else:
                names.add(node.module)
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return names


@pytest.mark.parametrize(("module", "path"), _modules(), ids=[name for name, _ in _modules()])
def test_a_module_imports_only_the_layers_below_it(module: str, path: Path) -> None:
    layer = module.split(".")[0]
    allowed = MAY_IMPORT[layer] | {layer}
    for name in _imports(path):
        if name == "fc_contract.__version__" or not name.startswith("fc_contract."):
            continue
        target = name.removeprefix("fc_contract.")
        assert any(target == a or target.startswith(a + ".") for a in allowed), f"{module} imports {target}"


@pytest.mark.parametrize(("module", "path"), _modules(), ids=[name for name, _ in _modules()])
def test_only_the_plugin_and_verdicts_import_pytest(module: str, path: Path) -> None:
    if module.startswith(PYTEST_ALLOWED):
        return
    assert not {n for n in _imports(path) if n.split(".")[0] in ("pytest", "_pytest")}, module


def test_the_layers_are_the_folders() -> None:
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith("__")} >= {
        "http", "judging", "cassettes", "sdk", "fake", "run", "report", "plugin", "cli"}
    assert set(MAY_IMPORT) - {"__init__"} == {p.stem for p in PACKAGE.iterdir() if p.name != "__init__.py"
                                              and not p.name.startswith("__") and (p.is_dir() or p.suffix == ".py")}


def _loaded_by(code: str) -> list[str]:
    """The modules of pytest and of fc-contract's plugin and CLI that `code` loads, in a fresh interpreter."""
    code += ("\nimport sys\nprint(sorted({m.split('.')[0] if 'pytest' in m else m for m in sys.modules\n"
             "             if m.startswith(('fc_contract.plugin', 'fc_contract.cli', 'pytest', '_pytest'))}))")
    loaded = ast.literal_eval(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                             check=True).stdout)
    return [str(name) for name in loaded]


def test_the_public_names_load_neither_the_plugin_nor_pytest() -> None:
    """The types a fixture returns and the walks load no pytest; no public name loads the plugin or the CLI."""
    assert _loaded_by("import fc_contract\nfor name in ('Target', 'Settings', 'Spec', 'Client', 'Limits', 'Exchange', "
                      "'walk', 'Walk'):\n    getattr(fc_contract, name)") == []
    everything = "import fc_contract, fc_contract.writes\nfor name in fc_contract.__all__: getattr(fc_contract, name)"
    assert _loaded_by(everything) == ["_pytest", "pytest"]  # a verdict is a pytest failure: Clause loads pytest


def _reads_prose(tree: ast.AST) -> list[str]:
    """Where a module looks for words in text: `"some words" in x`, `x.startswith("some words")`, `x.split(": ")`."""
    def text(node: ast.expr) -> str:
        return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""

    def prose(node: ast.expr) -> bool:  # two words or more
        return re.search(r"\w\W* \W*\w", text(node)) is not None

    def separator(node: ast.expr) -> bool:  # ": ", "; ": what joins the parts of a message
        return " " in text(node) and bool(text(node).strip())

    found = []
    for node in ast.walk(tree):
        looks_in = isinstance(node, ast.Compare) and prose(node.left) and any(
            isinstance(o, ast.In | ast.NotIn) for o in node.ops)
        method = node.func.attr if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) else ""
        looks_at = isinstance(node, ast.Call) and (
            (method in ("startswith", "endswith") and any(map(prose, node.args)))
            or (method in ("split", "partition") and any(map(separator, node.args))))
        if looks_in or looks_at:
            found.append(ast.unparse(node))
    return found


@pytest.mark.parametrize(("module", "path"), _modules(), ids=[name for name, _ in _modules()])
def test_no_module_classifies_by_reading_message_text(module: str, path: Path) -> None:
    """Verdicts, differences and endings are typed: no module looks for the words another one wrote."""
    assert _reads_prose(ast.parse(path.read_text(encoding="utf-8"))) == [], module


def test_the_prose_check_finds_what_the_plugin_once_did() -> None:
    """It would have caught the ways verdicts were classified before the run layer."""
    before = ('if "(contract choice;" not in str(failure.msg): pass\n'
              'red = line.split(": ")[1].startswith("breaking")\n'
              'gone = "remove the xfail" in message\n')
    assert len(_reads_prose(ast.parse(before))) == 3
