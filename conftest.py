"""Wires the fc-contract plugin (and pytester, for the project's own tests)."""

pytest_plugins = ["fc_contract.plugin", "pytester"]
