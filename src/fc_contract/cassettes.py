"""Cassettes: VCR.py-compatible YAML, one per clause, written atomically, read with clear errors."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from fc_contract.exchange import Exchange
from fc_contract.redact import Redactor

_HERE = Path(__file__).resolve().parent
# Priority: the cassettes packaged beside the library (installed wheels), then the repository's cassettes/.
CASSETTE_DIR = next((p for p in (_HERE / "cassettes", _HERE.parents[1] / "cassettes") if p.is_dir()),
                    _HERE.parents[1] / "cassettes")
KEPT_REQUEST_HEADERS = ("authorization", "x-fc-", "x-acs-", "date", "content-type")
KEPT_RESPONSE_HEADERS = ("content-type", "x-fc-request-id", "retry-after", "allow")
REPLAY_BASE = "https://fc-contract.invalid"
REMEDY = "re-record it with --fc-record against a target, or restore it from git"


class CassetteError(Exception):
    """A cassette that cannot be used: the message names the file (and line) and the remedy."""


@dataclass
class Interaction:
    """One recorded request and its response."""

    method: str
    path: str
    query: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    clause: str
    request_headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Cassette:
    path: Path
    metadata: dict[str, Any]
    interactions: list[Interaction] = field(default_factory=list)


def cassette_path(directory: Path, clause: str) -> Path:
    return directory / f"{clause}.yaml"


def _to_vcr(exchange: Exchange, redactor: Redactor) -> dict[str, Any]:
    parts = urlsplit(exchange.url)
    uri = REPLAY_BASE + redactor.text(parts.path) + (f"?{redactor.text(parts.query)}" if parts.query else "")
    request_headers = {k: [redactor.header(k, v)] for k, v in exchange.sent_headers.items()
                       if k.lower().startswith(KEPT_REQUEST_HEADERS)}
    response_headers = {k: [redactor.text(v)] for k, v in exchange.headers.items()
                        if k.lower() in KEPT_RESPONSE_HEADERS}
    return {
        "request": {"method": exchange.method, "uri": uri, "body": None, "headers": request_headers},
        "response": {"status": {"code": exchange.status, "message": _reason(exchange.status)},
                     "headers": response_headers,
                     "body": {"string": redactor.text(exchange.body.decode("utf-8", "replace"))}},
    }


def _reason(status: int | None) -> str:
    try:
        return HTTPStatus(status or 0).phrase
    except ValueError:
        return ""


def save(directory: Path, exchanges: list[Exchange], metadata: dict[str, Any], redactor: Redactor) -> list[Path]:
    """Write one cassette per clause; every file is complete or untouched (temp file, then rename)."""
    by_clause: dict[str, list[dict[str, Any]]] = {}
    for exchange in exchanges:
        if exchange.status is not None:
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
                yaml.safe_dump(document, stream, sort_keys=False, allow_unicode=True, width=120)
            os.chmod(temp, 0o644)
    except BaseException:
        for temp, _ in staged:
            os.unlink(temp)
        raise
    for temp, final in staged:
        os.replace(temp, final)
    written = [final for _, final in staged]
    for old in sorted(directory.glob("*.yaml")):  # the set is the run's: a clause that recorded nothing has none
        if old not in written and _is_recorded(old):
            old.unlink()
    return written


def _is_recorded(path: Path) -> bool:
    """True for a cassette this suite recorded (its metadata names a suite version), not a hand-made file."""
    try:
        return "suite_version" in load(path).metadata
    except CassetteError:
        return False


def _problem(path: Path, text: str) -> CassetteError:
    return CassetteError(f"{path}: {text}; {REMEDY}")


def load(path: Path) -> Cassette:
    """Read one cassette; CassetteError (path, line, remedy) for anything unusable."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise _problem(path, f"cannot read it ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise CassetteError(f"{where}: malformed YAML ({getattr(exc, 'problem', None) or exc}); {REMEDY}") from None
    if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
        raise _problem(path, "not a cassette (no interactions list)")
    if data.get("version") != 1:
        raise _problem(path, f"cassette format version {data.get('version')!r}, expected 1")
    metadata: dict[str, Any] = data["metadata"] if isinstance(data.get("metadata"), dict) else {}
    cassette = Cassette(path, metadata)
    for number, entry in enumerate(data["interactions"], start=1):
        try:
            request, response = entry["request"], entry["response"]
            parts = urlsplit(request["uri"])
            body = response["body"]["string"]
            cassette.interactions.append(Interaction(
                method=str(request["method"]).upper(), path=parts.path, query=parts.query,
                status=int(response["status"]["code"]),
                headers=[(k, str(v)) for k, values in (response.get("headers") or {}).items() for v in values],
                body=body.encode("utf-8") if isinstance(body, str) else bytes(body or b""),
                clause=str(metadata.get("clause", path.stem)),
                request_headers={k: str(v[0] if isinstance(v, list) else v)
                                 for k, v in (request.get("headers") or {}).items()},
            ))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise _problem(path, f"interaction {number} is incomplete ({type(exc).__name__}: {exc})") from None
    return cassette


def load_all(directory: Path) -> list[Cassette]:
    """Every cassette in `directory` (not its subdirectories)."""
    if not directory.is_dir():
        raise CassetteError(f"{directory}: no cassette directory; record one with --fc-record, "
                            "or name another with --fc-cassettes")
    cassettes = [load(path) for path in sorted(directory.glob("*.yaml"))]
    if not cassettes:
        raise CassetteError(f"{directory}: no cassettes (*.yaml); record them with --fc-record")
    return cassettes
