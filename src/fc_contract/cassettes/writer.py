"""Writing cassettes: redacted, byte-exact, the whole set or nothing, each file through a temporary one."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from fc_contract.cassettes.format import (
    KEPT_REQUEST_HEADERS,
    KEPT_RESPONSE_HEADERS,
    REPLAY_BASE,
    CassetteError,
    cassette_path,
    load,
)
from fc_contract.http.exchange import Exchange
from fc_contract.http.redact import Redactor

# libyaml's emitter, where PyYAML was built with it (as format.py reads with libyaml): a recording's YAML in a
# twentieth of the time. Its text may fold long or unusual strings otherwise than the pure-Python emitter, but
# it loads back to the same values (tests/test_cassettes.py checks hostile text both ways).
_DUMPER: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _to_vcr(exchange: Exchange, redactor: Redactor) -> dict[str, Any]:
    parts = urlsplit(exchange.url)
    uri = REPLAY_BASE + redactor.text(parts.path) + (f"?{redactor.text(parts.query)}" if parts.query else "")
    request_headers = {k: [redactor.header(k, v)] for k, v in exchange.sent_headers.items()
                       if k.lower().startswith(KEPT_REQUEST_HEADERS)}
    response_headers = {k: [redactor.text(v)] for k, v in exchange.headers.items()
                        if k.lower() in KEPT_RESPONSE_HEADERS}
    response: dict[str, Any] = {"status": {"code": exchange.status or 0, "message": _reason(exchange.status)},
                                "headers": response_headers, "body": {"string": _body(exchange.body, redactor)}}
    if exchange.error is not None:  # not received whole: recorded as the failure it was, never as a clean answer
        response["fc_error"] = redactor.text(exchange.error)
    sent = _body(exchange.sent_body, redactor) if exchange.sent_body else None
    return {"request": {"method": exchange.method, "uri": uri, "body": sent, "headers": request_headers},
            "response": response}


def _body(body: bytes, redactor: Redactor) -> str | bytes:
    """The body byte for byte, redacted: text when it is UTF-8, else bytes (YAML !!binary, as VCR.py keeps them)."""
    redacted = redactor.text(body.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape")
    try:
        return redacted.decode("utf-8")
    except UnicodeDecodeError:
        return redacted


def _reason(status: int | None) -> str:
    try:
        return HTTPStatus(status or 0).phrase
    except ValueError:
        return ""


def save(directory: Path, exchanges: list[Exchange], metadata: dict[str, Any], redactor: Redactor) -> list[Path]:
    """Write one cassette per clause; every file is complete or untouched (temp file, then rename)."""
    by_clause: dict[str, list[dict[str, Any]]] = {}
    for exchange in exchanges:
        if exchange.sent:
            by_clause.setdefault(exchange.clause or "setup", []).append(_to_vcr(exchange, redactor))
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    staged: list[tuple[str, Path]] = []
    try:
        for clause, interactions in sorted(by_clause.items()):
            document = {"interactions": interactions, "version": 1,
                        "metadata": {**metadata, "clause": clause, "recorded_at": stamp}}
            handle, temp = tempfile.mkstemp(dir=directory, prefix=f".{clause}.", suffix=".tmp")
            staged.append((temp, cassette_path(directory, clause)))
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                yaml.dump(document, stream, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=120)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temp, 0o644)
    except BaseException:
        for temp, _ in staged:
            os.unlink(temp)
        raise
    for temp, final in staged:  # every file is on disk before the first replaces its old version
        os.replace(temp, final)
    written = [final for _, final in staged]
    for old in sorted(directory.glob("*.yaml")):  # the set is the run's: a clause that recorded nothing has none
        if old not in written and _is_recorded(old):
            old.unlink()
    _sync(directory)
    return written


def _sync(directory: Path) -> None:
    """Make the renames durable (where the platform lets a directory be opened)."""
    try:
        handle = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _is_recorded(path: Path) -> bool:
    """True for a cassette this suite recorded (its metadata names a suite version), not a hand-made file."""
    try:
        return "suite_version" in load(path).metadata
    except CassetteError:
        return False
