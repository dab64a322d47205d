"""Targets: where the requests go (the built-in fake, a URL, the cassettes, live).

No pytest here: a target that cannot work raises TargetError, a one-line message the plugin (or any
other front end) shows as a usage error.
"""

from __future__ import annotations

import functools
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

from fc_contract import cassettes
from fc_contract.cassettes.format import REPLAY_BASE, Cassette, CassetteError
from fc_contract.cassettes.replay import Replayer
from fc_contract.fake import FakeFC, seed_store
from fc_contract.fake.server import Server
from fc_contract.http.signing import SIGNERS, Credentials, MissingCredentials
from fc_contract.judging.spec import Spec, spec_hash
from fc_contract.settings import Settings, flag, given, is_fc_endpoint, is_loopback


class TargetError(Exception):
    """A target that cannot work: the message names the problem and the fix."""


@dataclass
class Target:
    """A base URL, the session that reaches it, and how to let it go."""

    kind: str
    base_url: str
    session: requests.Session = field(default_factory=requests.Session)
    closers: list[Callable[[], None]] = field(default_factory=list)
    replayer: Replayer | None = None
    description: str = ""
    warnings: list[str] = field(default_factory=list)  # what makes its verdicts doubtful (stale cassettes)

    def close(self) -> None:
        for closer in reversed(self.closers):
            closer()
        self.session.close()


def _check_url(url: str) -> None:
    """A one-line usage error unless `url` is an http(s) URL with a host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetError(f"{given('target', repr(url))} is not replay, fake, live or an http(s)://HOST[:PORT] URL")
    try:
        _ = parts.port
    except ValueError:
        raise TargetError(f"{given('target', repr(url))} has an invalid port") from None


def _check_reachable(url: str, timeout: float) -> None:
    """A one-line usage error when nothing accepts connections at `url`."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=min(timeout, 5.0)):
            pass
    except OSError as exc:
        raise TargetError(f"cannot reach the target {url} ({exc.strerror or exc}); "
                                f"start the server or fix {flag('target')}") from None


def _fake_target(configs: int = 45) -> Target:
    """The reference server, seeded with `configs` configs, on a free loopback port.

    Deterministic (token key, request ids), so that re-recording unchanged behaviour rewrites the same bytes.
    """
    server = Server(FakeFC(seed_store(configs), seed="fc-contract reference")).start()
    return Target("fake", server.url, closers=[server.stop],
                  description=f"the reference server (fc_contract.fake, {configs} configs)")


@functools.cache
def load_cassettes(directory: Path) -> list[Cassette]:
    """The cassettes of `directory`, read once a run; a one-line usage error if any is unusable."""
    try:
        return cassettes.load_all(directory)
    except CassetteError as exc:
        raise TargetError(str(exc)) from None


def _description_warnings(description: Path, loaded: list[Cassette]) -> list[str]:
    """Cassettes recorded from another description than the one responses are judged by (the fc_spec fixture's)."""
    current = spec_hash(description)
    stale = [c.path.name for c in loaded if c.metadata.get("spec_sha256") != current]
    return [f"{', '.join(stale)} recorded from another OpenAPI description than {description}; re-record with "
            f"{flag('record')}"] if stale else []


def _cassette_warnings(settings: Settings, loaded: list[Cassette]) -> list[str]:
    """What else makes replay doubtful: another function or hypothesis profile. (A clause that now sends other
    requests than its cassette holds is named at the end of the run: fc_contract.run.engine.)"""
    problems = []
    for key in ("service", "function", "profile"):
        recorded = {str(c.metadata.get(key)) for c in loaded if c.metadata.get(key) is not None}
        wanted = getattr(settings, key)
        if recorded and recorded != {wanted}:
            problems.append(f"the cassettes were recorded with {key} {', '.join(sorted(recorded))}, "
                            f"this run uses {wanted}: expect replay misses")
    return problems


def _live_endpoint() -> str:
    """FC_ENDPOINT, or https://{ALIBABA_CLOUD_ACCOUNT_ID}.{ALIBABA_CLOUD_REGION}.fc.aliyuncs.com."""
    if os.environ.get("FC_ENDPOINT"):
        endpoint = os.environ["FC_ENDPOINT"].strip().rstrip("/")
        return endpoint if "://" in endpoint else f"https://{endpoint}"
    account, region = os.environ.get("ALIBABA_CLOUD_ACCOUNT_ID"), os.environ.get("ALIBABA_CLOUD_REGION")
    if not account or not region:
        raise TargetError(f"{given('target', 'live')} needs FC_ENDPOINT, or ALIBABA_CLOUD_ACCOUNT_ID and "
                                "ALIBABA_CLOUD_REGION")
    return f"https://{account}.{region}.fc.aliyuncs.com"


def credentials(settings: Settings) -> Credentials | None:
    """The credentials to sign with, or None when the run does not sign; a usage error when missing."""
    if settings.signing_scheme == "none":
        return None
    try:
        return Credentials.from_environment()
    except MissingCredentials as exc:
        raise TargetError(f"{given('target', settings.target)} with {given('signing', settings.signing_scheme)}: "
                                f"{exc}") from None


def _writable(name: str, path: Path, directory: bool) -> None:
    """A one-line usage error, before any request, for an output the run could not write at its end."""
    if path.exists() and path.is_dir() != directory:
        raise TargetError(f"{given(name, path)}: {'a file' if directory else 'a directory'} is there; name "
                          f"{'a directory' if directory else 'a file'} the run may write")
    existing = next((p for p in (path, *path.parents) if p.exists()), Path("."))
    if existing == path and not directory:  # a file from an earlier run: replaced, if it may be written
        if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK | os.X_OK):
            raise TargetError(f"{given(name, path)}: it cannot be replaced (read-only, or no permission); name a "
                              "place the run may write")
        return
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise TargetError(f"{given(name, path)}: {existing} cannot be written (read-only, or no permission); name a "
                          "place the run may write")


def check_outputs(settings: Settings) -> None:
    """Every output the run writes at its end, checked before its first request: a full run is not spent for
    a report, a recording or a log that cannot be written."""
    if settings.record:
        _writable("cassettes", settings.cassette_dir, directory=True)
    for name in ("report", "json", "html", "request_log"):
        if getattr(settings, name):
            _writable(name, Path(getattr(settings, name)), directory=False)


def check_sdks(settings: Settings) -> None:
    """An SDK snapshot or baseline was asked for: every official SDK it reads must load, before any request."""
    option = "--fc-sdk-snapshot" if settings.sdk_snapshot else "--fc-sdk-baseline" if settings.sdk_baseline else ""
    if option:
        from fc_contract.sdk import adapters

        missing = [reason for reason in map(adapters.load, sorted(adapters.FACTORIES)) if isinstance(reason, str)]
        if missing:
            raise TargetError(f"{option} reads the official SDKs, and {'; '.join(missing)}")


def preflight(settings: Settings) -> list[str]:
    """Before any test: a one-line usage error for a target or an output that cannot work; returns warnings."""
    check_outputs(settings)
    check_sdks(settings)
    name = settings.target
    if settings.baseline:
        load_cassettes(Path(settings.baseline))  # an unreadable baseline stops the run before any test
    if name != "replay":
        credentials(settings)
    if name == "live":
        _check_url(_live_endpoint())
        _check_insecure(settings, _live_endpoint())
        return []
    if name == "replay":
        problems = _cassette_warnings(settings, load_cassettes(settings.cassette_dir))
        if problems and settings.strict_cassettes:
            raise TargetError(f"{flag('strict_cassettes')}: {problems[0]}")
        return problems
    if name != "fake":
        _check_url(name)
        _check_insecure(settings, name)
        _check_reachable(name, settings.timeout)
    return []


def _check_insecure(settings: Settings, url: str) -> None:
    """Signed requests over plain http go only to this machine, unless --fc-allow-insecure."""
    if (settings.signing_scheme != "none" and urlsplit(url).scheme == "http" and not is_loopback(url)
            and not settings.allow_insecure):
        raise TargetError(f"{given('target', url)}: refusing to send signed requests over plain http to another "
                                f"host (anyone on the way reads them); use https, or {flag('allow_insecure')}")


def _replay_target(settings: Settings, spec: Spec) -> Target:
    """The cassettes, served offline through `responses`, judged fresh against `spec` (preflight did the rest)."""
    loaded = load_cassettes(settings.cassette_dir)
    problems = _description_warnings(spec.path, loaded)
    if problems and settings.strict_cassettes:
        raise TargetError(f"{flag('strict_cassettes')}: {problems[0]}")
    replayer = Replayer(loaded, REPLAY_BASE)  # started only while a test of the contract runs (the plugin)
    target = Target("replay", REPLAY_BASE, closers=[replayer.stop], replayer=replayer,
                    description=f"replay of {settings.cassette_dir}", warnings=problems)
    target.session.trust_env = False  # no proxy or .netrc applies offline: reading them was a tenth of a replay
    return target


def open_target(settings: Settings, spec: Spec) -> Target:
    """The target the options name (preflight has vouched for it), signing as the options say."""
    if settings.target == "replay":
        return _replay_target(settings, spec)
    if settings.target == "fake":
        target = _fake_target()
    elif settings.target == "live":
        endpoint = _live_endpoint()
        target = Target("live", endpoint, description=f"{endpoint} (live)")
    else:  # a URL naming the service itself is live: read-only, signed
        kind = "live" if is_fc_endpoint(settings.target) else "url"
        target = Target(kind, settings.target.rstrip("/"), description=settings.target)
    signing = credentials(settings)
    if signing is not None:
        target.session.auth = SIGNERS[settings.signing_scheme](signing)
    return target
