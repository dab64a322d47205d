"""The Node client session's judge (clients/node/run.py) names every way an SDK's results differ from the server."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from harness import ROOT

_SPEC = importlib.util.spec_from_file_location("node_clients", ROOT / "clients" / "node" / "run.py")
assert _SPEC is not None
assert _SPEC.loader is not None
node_clients = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(node_clients)


def _good(listing: list[str]) -> dict[str, Any]:
    answer = {"qualifier": node_clients.QUALIFIER, **node_clients.PUT}
    return {"walks": {str(limit): list(listing) for limit in node_clients.LIMITS}, "put": dict(answer),
            "get": dict(answer), "afterDelete": {"code": "AsyncConfigNotFound"}}


def test_an_sdk_that_got_what_the_server_holds_has_no_difference() -> None:
    assert node_clients.differences("sdk", _good(["1", "2"]), ["1", "2"]) == []


def test_each_way_an_sdk_can_differ_is_named() -> None:
    listing = ["1", "2", "3"]
    short, wrong_put, kept = _good(listing), _good(listing), _good(listing)
    short["walks"]["7"] = ["1", "2"]
    wrong_put["put"]["maxAsyncRetryAttempts"] = 1
    kept["afterDelete"] = None
    assert node_clients.differences("a", short, listing) == [
        "a: limit=7: listed 2 configs, ['1', '2']..., the server holds 3"]
    assert node_clients.differences("b", wrong_put, listing) == ["b: put answered {'maxAsyncRetryAttempts': (1, 2)}"]
    assert node_clients.differences("c", kept, listing) == ["c: a get after the delete did not fail"]
    assert node_clients.differences("d", {"error": "TypeError: x"}, listing) == ["d: TypeError: x"]


def test_the_session_pins_the_versions_it_was_proven_with() -> None:
    noxfile = (Path(ROOT) / "noxfile.py").read_text()
    assert '"@alicloud/fc-open20210406@2.0.13", "@alicloud/fc2@2.6.6"' in noxfile
