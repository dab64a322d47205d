"""Targets: where the requests go (the built-in fake, a URL, the cassettes, live)."""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
import requests

from fc_contract.fake import FakeFC, seed_store
from fc_contract.fake.server import Server
from fc_contract.options import Settings


@dataclass
class Target:
    """A base URL, the session that reaches it, and how to let it go."""

    kind: str
    base_url: str
    session: requests.Session = field(default_factory=requests.Session)
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        for closer in reversed(self.closers):
            closer()
        self.session.close()


def check_url(url: str) -> None:
    """A one-line usage error unless `url` is an http(s) URL with a host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise pytest.UsageError(f"--fc-target={url!r} is not replay, fake, live or an http(s)://HOST[:PORT] URL")
    try:
        _ = parts.port
    except ValueError:
        raise pytest.UsageError(f"--fc-target={url!r} has an invalid port") from None


def check_reachable(url: str, timeout: float) -> None:
    """A one-line usage error when nothing accepts connections at `url`."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=min(timeout, 5.0)):
            pass
    except OSError as exc:
        raise pytest.UsageError(f"cannot reach the target {url} ({exc.strerror or exc}); "
                                "start the server or fix --fc-target") from None


def fake_target(configs: int = 45) -> Target:
    """The reference server, seeded with `configs` configs, on a free loopback port."""
    server = Server(FakeFC(seed_store(configs))).start()
    return Target("fake", server.url, closers=[server.stop])


def preflight(settings: Settings) -> None:
    """Before any test: a one-line usage error for a target that cannot work."""
    name = settings.target
    if name in ("replay", "live"):
        raise pytest.UsageError(f"--fc-target={name} is not available yet; use fake or an http(s) URL")
    if name != "fake":
        check_url(name)
        check_reachable(name, settings.timeout)


def open_target(settings: Settings) -> Target:
    """The target the options name (preflight has vouched for it)."""
    if settings.target == "fake":
        return fake_target()
    return Target("url", settings.target.rstrip("/"))
