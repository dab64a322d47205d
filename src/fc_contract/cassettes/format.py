"""Cassettes: VCR.py-compatible YAML, one per clause; read here as untrusted input (writer.py writes them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from fc_contract.http.exchange import parse_json
from fc_contract.settings import flag

KEPT_REQUEST_HEADERS = ("authorization", "x-fc-", "x-acs-", "date", "content-type")
KEPT_RESPONSE_HEADERS = ("content-type", "x-fc-request-id", "retry-after", "allow")
REPLAY_BASE = "https://fc-contract.invalid"
MAX_BYTES = 64 * 1024 * 1024  # one cassette file
MAX_DEPTH = 32  # YAML nesting (a cassette needs 6)
MAX_URI = 64 * 1024


class CassetteError(Exception):
    """A cassette that cannot be used: the message names the file (and line) and the remedy."""


def remedy() -> str:
    """What to do about a cassette that is broken or lacks a request."""
    return f"re-record it with {flag('record')} against a target, or restore it from git"


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
    error: str | None = None  # the recorded run got no whole response: replay gives this failure

    def json(self) -> Any:
        """The recorded body parsed, or None when it is empty or not JSON."""
        return parse_json(self.body)


@dataclass
class Cassette:
    path: Path
    metadata: dict[str, Any]
    interactions: list[Interaction] = field(default_factory=list)


def cassette_path(directory: Path, clause: str) -> Path:
    return directory / f"{clause}.yaml"


def _problem(path: Path, text: str) -> CassetteError:
    return CassetteError(f"{path}: {' '.join(text.split())[:300]}; {remedy()}")


class _BoundedLoader(yaml.SafeLoader):
    """YAML's safe loader without aliases (no expansion bombs) and with a nesting limit (no deep recursion)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, "an alias (*name): cassettes may not use them",
                                              self.peek_event().start_mark)  # type: ignore[no-untyped-call]
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(None, None, f"nested deeper than {MAX_DEPTH} levels",
                                                  self.peek_event().start_mark)  # type: ignore[no-untyped-call]
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


_FAST = getattr(yaml, "CSafeLoader", None)  # libyaml, where PyYAML was built with it: replay's YAML ten times faster


def _parse(text: str) -> Any:
    """The YAML document, within the bounds _BoundedLoader keeps; with libyaml, the same bounds over its events."""
    if _FAST is None:
        return yaml.load(text, Loader=_BoundedLoader)
    open_ = 0  # collections open around the next node: a node inside MAX_DEPTH of them is too deep, as above
    for event in yaml.parse(text, Loader=_FAST):
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, "an alias (*name): cassettes may not use them",
                                              event.start_mark)  # type: ignore[arg-type]
        if isinstance(event, yaml.NodeEvent) and open_ >= MAX_DEPTH:
            raise yaml.composer.ComposerError(None, None, f"nested deeper than {MAX_DEPTH} levels",
                                              event.start_mark)  # type: ignore[arg-type]
        if isinstance(event, yaml.CollectionStartEvent):
            open_ += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            open_ -= 1
    return yaml.load(text, Loader=_FAST)


def _read(path: Path) -> Any:
    """The parsed YAML of a cassette, within the bounds above; CassetteError otherwise."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _problem(path, f"{size} bytes, more than the {MAX_BYTES // (1024 * 1024)} MiB a cassette may hold")
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise _problem(path, f"cannot read it ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise _problem(path, f"not UTF-8 text (byte {exc.start})") from None
    try:
        return _parse(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = " ".join(str(getattr(exc, "problem", None) or exc).split())[:200]  # one line, whatever YAML says
        raise CassetteError(f"{where}: malformed YAML ({problem}); {remedy()}") from None


def _of(value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool):
        raise TypeError(f"{what} is {type(value).__name__}")
    return value


def _interaction(entry: Any, clause: str) -> Interaction:
    request = _of(_of(entry, dict, "the interaction")["request"], dict, "request")
    response = _of(entry["response"], dict, "response")
    uri = _of(request["uri"], str, "request.uri")
    if len(uri) > MAX_URI:
        raise ValueError(f"request.uri is longer than {MAX_URI} characters")
    status = _of(_of(response["status"], dict, "response.status")["code"], int, "response.status.code")
    if status != 0 and not 100 <= status <= 599:
        raise ValueError(f"response.status.code {status} is not an HTTP status")
    body = _of(_of(response["body"], dict, "response.body")["string"], (str, bytes), "response.body.string")
    error = response.get("fc_error")
    parts = urlsplit(uri)
    headers = _of(response.get("headers") or {}, dict, "response.headers")
    sent = _of(request.get("headers") or {}, dict, "request.headers")
    return Interaction(
        method=_of(request["method"], str, "request.method").upper()[:16], path=parts.path, query=parts.query,
        status=status, body=body.encode("utf-8") if isinstance(body, str) else body, clause=clause,
        headers=[(str(k), str(_of(v, (str, int), f"response header {k}")))
                 for k, values in headers.items() for v in _of(values, list, f"response header {k}")],
        request_headers={str(k): str(v[0] if isinstance(v, list) and v else v) for k, v in sent.items()},
        error=None if error is None else str(_of(error, str, "response.fc_error")),
    )


def load(path: Path) -> Cassette:
    """Read one cassette, as untrusted input; CassetteError (path, line, remedy) for anything unusable."""
    data = _read(path)
    if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
        raise _problem(path, "not a cassette (no interactions list)")
    if data.get("version") != 1:
        raise _problem(path, f"cassette format version {str(data.get('version'))[:20]!r}, expected 1")
    metadata: dict[str, Any] = data["metadata"] if isinstance(data.get("metadata"), dict) else {}
    cassette = Cassette(path, metadata)
    clause = str(metadata.get("clause", path.stem))
    for number, entry in enumerate(data["interactions"], start=1):
        try:
            cassette.interactions.append(_interaction(entry, clause))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise _problem(path, f"interaction {number} is incomplete ({type(exc).__name__}: {exc})") from None
    return cassette


def load_all(directory: Path) -> list[Cassette]:
    """Every cassette in `directory` (not its subdirectories)."""
    if not directory.is_dir():
        raise CassetteError(f"{directory}: no cassette directory; record one with {flag('record')}, "
                            f"or name another with {flag('cassettes')}")
    cassettes = [load(path) for path in sorted(directory.glob("*.yaml"))]
    if not cassettes:
        raise CassetteError(f"{directory}: no cassettes (*.yaml); record them with {flag('record')}")
    return cassettes
