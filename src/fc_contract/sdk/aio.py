"""Recorded interactions served to an SDK's async calls (aiohttp) through aioresponses, offline."""

from __future__ import annotations

import inspect
import re
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any
from unittest.mock import patch

import aiohttp
from aioresponses import aioresponses

from fc_contract.cassettes.format import Interaction
from fc_contract.cassettes.replay import MISSED
from fc_contract.sdk.adapters import Sent

_NEEDS_WRITER = "stream_writer" in inspect.signature(aiohttp.ClientResponse.__init__).parameters


class _QuietLoop:
    """The stand-in loop aioresponses gives each response, out of debug mode: aiohttp extracts the whole call stack
    for a response made on a loop in debug mode, and aioresponses's Mock loop says it is (a third of an async call)."""

    def __init__(self, loop: Any) -> None:
        self._loop = loop

    def get_debug(self) -> bool:
        return False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loop, name)


class _Response(aiohttp.ClientResponse):
    """aiohttp 3.14 requires `stream_writer`, which aioresponses 0.7.9 does not pass (aioresponses#289)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if _NEEDS_WRITER:
            kwargs.setdefault("stream_writer", SimpleNamespace(output_size=0))
        if "loop" in kwargs:
            kwargs["loop"] = _QuietLoop(kwargs["loop"])
        super().__init__(*args, **kwargs)


class _LoadedOnce(ssl.SSLContext):
    """An SSL context that loads each CA file once, however often it is asked to."""

    loaded: set[Any]

    def load_verify_locations(self, cafile: Any = None, capath: Any = None, cadata: Any = None) -> None:
        if (cafile, capath, cadata) not in self.loaded:
            super().load_verify_locations(cafile, capath, cadata)
            self.loaded.add((cafile, capath, cadata))


_CONTEXTS: dict[Any, _LoadedOnce] = {}
_DEFAULT = ssl.create_default_context


def _built_once(purpose: ssl.Purpose = ssl.Purpose.SERVER_AUTH, **kwargs: Any) -> ssl.SSLContext:
    """The SDK's async path builds an SSL context and loads the CA files on every call: 90% of its replay time.

    No connection is made in replay, so the context is built and loaded once and handed out again.
    """
    if kwargs:  # a context for CA files of the caller's: built as asked
        return _DEFAULT(purpose, **kwargs)
    if purpose not in _CONTEXTS:
        context = _LoadedOnce(ssl.PROTOCOL_TLS_CLIENT)
        context.loaded = set()
        context.load_default_certs(purpose)
        _CONTEXTS[purpose] = context
    return _CONTEXTS[purpose]


class Stand:
    """aiohttp patched once for many calls (patching costs more than a replayed call); each `serve` answers
    with the interactions it is given, once each in recorded order, and any other request fails as a replay miss."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.mock = aioresponses()

    def __enter__(self) -> Stand:
        self._ssl = patch.object(ssl, "create_default_context", _built_once)
        self._ssl.start()
        self.mock.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.mock.stop()
        self._ssl.stop()

    def serve(self, interactions: list[Interaction]) -> list[Sent]:
        """Answer with `interactions` only, from now on; the list of requests sent, filled as they go out."""
        sent: list[Sent] = []
        self.mock.clear()
        for item in interactions:
            url = self.base_url + item.path + (f"?{item.query}" if item.query else "")
            headers = dict(item.headers)
            content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
            self.mock.add(url, item.method, status=item.status, body=item.body, headers=headers,
                          content_type=content_type, response_class=_Response, callback=_keeping(sent, item.method))
        self.mock.add(re.compile(".*"), "GET", repeat=True,
                      exception=aiohttp.ClientConnectionError(f"{MISSED} this request among the recorded ones"),
                      callback=_keeping(sent, "GET"))
        return sent


@contextmanager
def serving(interactions: list[Interaction], base_url: str) -> Iterator[list[Sent]]:
    """`interactions` served to aiohttp (Stand.serve) while the context lasts; yields the requests sent."""
    with Stand(base_url) as stand:
        yield stand.serve(interactions)


def _keeping(sent: list[Sent], method: str) -> Any:
    """An aioresponses callback that adds each request it matches to `sent`."""
    def callback(url: Any, **kwargs: Any) -> None:
        sent.append(Sent(method, str(url), kwargs.get("headers")))
    return callback
