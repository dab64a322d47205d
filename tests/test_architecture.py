"""The layers ARCHITECTURE.md names hold: each module imports only the layers it may."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import fc_contract

PACKAGE = Path(fc_contract.__file__).resolve().parent
# Each layer and the layers it may import (its own always); ARCHITECTURE.md has the same table.
MAY_IMPORT = {
    "settings": set(),
    "http": {"settings"},
    "judging": {"http", "settings"},
    "cassettes": {"http", "judging", "settings"},
    "sdk": {"settings", "http", "cassettes"},
    "fake": {"http.signing", "http.api", "cassettes.format"},  # --from-cassettes reads a recording
    "plugin": {"settings", "http", "judging", "cassettes", "sdk", "fake"},
    "cli": {"settings", "http", "judging", "cassettes", "sdk", "fake", "plugin"},
}
PYTEST_ALLOWED = ("plugin", "cli", "judging.clause")


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        if name != "__init__":  # the public names load lazily from the layers
            found.append((name.removesuffix(".__init__"), path))
    return found


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
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
        "http", "judging", "cassettes", "sdk", "fake", "plugin", "cli"}
    assert set(MAY_IMPORT) == {p.stem for p in PACKAGE.iterdir() if p.name != "__init__.py"
                               and not p.name.startswith("__") and (p.is_dir() or p.suffix == ".py")}
