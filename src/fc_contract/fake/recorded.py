"""A store holding the configs a recording's pages list: the reference server, seeded from cassettes."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from fc_contract.cassettes.format import load_all
from fc_contract.fake.store import AsyncConfig, Store
from fc_contract.http.api import LIST_PATH, WRITE_CLAUSES


def store_from_cassettes(directory: Path) -> Store:
    """Every config a recorded 200 list page holds, by its service and function (as recorded, redacted)."""
    store = Store()
    for interaction in (i for c in load_all(directory) for i in c.interactions):
        match = LIST_PATH.match(interaction.path)
        if (interaction.method != "GET" or interaction.status != 200 or match is None
                or interaction.clause in WRITE_CLAUSES):
            continue
        body = interaction.json()
        if not isinstance(body, dict):
            continue
        configs = body.get("configs")
        service, function = unquote(match[1]), unquote(match[2])
        store.add_function(service, function)
        for item in configs if isinstance(configs, list) else []:
            try:
                store.put(AsyncConfig.from_wire({**item, "service": service, "function": function}))
            except (KeyError, TypeError, ValueError) as exc:
                raise ValueError(f"{directory}: a recorded config is not one the reference server can hold "
                                 f"({type(exc).__name__}: {exc})") from None
    if not store.functions:
        raise ValueError(f"{directory}: no recorded 200 list page to take configs from")
    return store
