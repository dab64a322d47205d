"""A pytest plugin for the project's tests: what aiohttp receives (the async path only) lacks `qualifier`."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fc_contract.cassettes.format import Interaction
from fc_contract.sdk import aio

_original = aio.serving


def _without_qualifier(item: Interaction) -> Interaction:
    body = item.json()
    if not isinstance(body, dict) or not isinstance(body.get("configs"), list):
        return item
    configs = [{k: v for k, v in c.items() if k != "qualifier"} if isinstance(c, dict) else c for c in body["configs"]]
    return dataclasses.replace(item, body=json.dumps({**body, "configs": configs}).encode())


@contextmanager
def _lossy(interactions: list[Interaction], base_url: str) -> Iterator[Any]:
    with _original([_without_qualifier(i) for i in interactions], base_url) as sent:
        yield sent


aio.serving = _lossy
