"""What the SDKs made of the cassettes, as data (--fc-sdk-snapshot), and the differences from another such snapshot.

A snapshot holds, for each SDK and way of calling it, each recorded response replayed: what the SDK sent
(method, path, sorted query, the names of the headers it signed) and what it returned (the model's
to_map(), or the exception's code, status, message and request id).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from fc_contract.sdk.adapters import Sent
from fc_contract.sdk.replay import Call

FORMAT = 1
SIGNED = re.compile(r"SignedHeaders=([^,\s]+)")
FC_SIGNED = ("content-md5", "content-type", "date")  # and every x-fc-* header (fc2/auth.py: Auth.sign_request)


def signed_headers(sent: Sent) -> list[str]:
    """The names of the headers the request's signature covers, as its scheme says."""
    authorization = sent.headers.get("Authorization", "")
    if match := SIGNED.search(authorization):
        return sorted(match[1].split(";"))
    if authorization.startswith("FC "):
        return sorted({*(h for h in FC_SIGNED if h in sent.headers),
                       *(h.lower() for h in sent.headers if h.lower().startswith("x-fc-"))})
    return []


def entry(call: Call, mode: str) -> dict[str, Any]:
    """One replayed response: what the SDK sent and what it returned."""
    sent: dict[str, Any] | None = None
    if call.sent is not None:
        parts = urlsplit(call.sent.url)
        sent = {"method": call.sent.method.upper(), "path": unquote(parts.path),
                "query": sorted(parse_qsl(parts.query, keep_blank_values=True)),
                "signed_headers": signed_headers(call.sent)}
    outcome = call.outcome
    result: dict[str, Any]
    if outcome is None:
        result = {"error": {"message": "not replayed"}}
    elif outcome.body is not None:
        result = {"model": outcome.body}
    else:
        result = {"error": {"code": outcome.error_code, "status": outcome.status,
                            "message": (outcome.error or "")[:300], "request_id": outcome.request_id}}
    return {"request": call.label, "mode": mode, "sent": sent, "result": result}


def snapshot(replayed: dict[tuple[str, str, str], list[Call]]) -> dict[str, Any]:
    """The snapshot of every (SDK name, version, mode) replay."""
    sdks: dict[str, Any] = {}
    for (name, version, mode), calls in sorted(replayed.items()):
        sdk = sdks.setdefault(name, {"version": version, "entries": []})
        sdk["entries"] += [entry(call, mode) for call in calls]
    data: dict[str, Any] = json.loads(json.dumps({"format": FORMAT, "sdks": sdks}))  # as read back: no tuples
    return data


def dumps(data: dict[str, Any]) -> str:
    """The snapshot as JSON, one entry a line: a diff of two files is a line per response that differs.

    Each line by json's C encoder: `indent=` takes the pure-Python one, 5 times slower on the megabytes of a
    snapshot (about 1 s of every --fc-sdk-snapshot run).
    """
    sdks = ",\n".join(f" {json.dumps(name)}: {{\"entries\": [\n"
                       + ",\n".join(f"  {json.dumps(entry, sort_keys=True)}" for entry in sdk["entries"])
                       + f"\n ], \"version\": {json.dumps(sdk['version'])}}}"
                       for name, sdk in sorted(data["sdks"].items()))
    return f"{{\"format\": {json.dumps(data['format'])}, \"sdks\": {{\n{sdks}\n}}}}\n"


def write(path: Path, data: dict[str, Any]) -> None:
    """Write the snapshot whole or not at all (a failed write keeps the old file)."""
    text = dumps(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load(path: Path) -> dict[str, Any]:
    """A snapshot written by --fc-sdk-snapshot; ValueError naming the file and the remedy otherwise."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: not a readable SDK snapshot ({type(exc).__name__}: {exc}); write one with "
                         "--fc-sdk-snapshot=FILE") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("sdks"), dict):
        raise ValueError(f"{path}: not an SDK snapshot of format {FORMAT}; write one with --fc-sdk-snapshot=FILE")
    return data


KINDS = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", type(None): "None"}


def _shape(value: Any) -> str:
    """What a value is, not which: None, a string, {destination}, ... (so that one change groups as one line)."""
    if value is ...:
        return "absent"
    if isinstance(value, dict):
        return "{" + ", ".join(sorted(map(str, value))) + "}"
    if isinstance(value, list):
        return "a list"
    return KINDS.get(type(value), type(value).__name__)


def _differences(old: Any, new: Any, where: str) -> list[tuple[str, Any, Any]]:
    """(field, then, now) wherever two values differ, lists by [*]; `...` stands for absent."""
    if isinstance(old, dict) and isinstance(new, dict):
        return [d for key in sorted(old.keys() | new.keys(), key=str)
                for d in _differences(old.get(key, ...), new.get(key, ...), f"{where}.{key}" if where else str(key))]
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [d for a, b in zip(old, new, strict=True) for d in _differences(a, b, f"{where}[*]")]
    return [] if old == new and type(old) is type(new) else [(where or "body", old, new)]


def _entry_differences(base: dict[str, Any], now: dict[str, Any]) -> dict[tuple[str, str, str], str]:
    """(field, shape then, shape now) -> an example, for one response replayed in both snapshots."""
    found: dict[tuple[str, str, str], str] = {}
    for path, was, got in _differences({"sent": base.get("sent"), **base["result"]},
                                       {"sent": now.get("sent"), **now["result"]}, ""):
        key = (path.removeprefix("model."), _shape(was), _shape(got))
        found.setdefault(key, f"{'absent' if was is ... else repr(was)[:40]} → "
                              f"{'absent' if got is ... else repr(got)[:40]}")
    return found


def _keyed(entries: list[dict[str, Any]]) -> dict[tuple[str, str, int], dict[str, Any]]:
    """Entries by mode, request and occurrence (a request recorded with several answers is replayed once each)."""
    seen: Counter[tuple[str, str]] = Counter()
    keyed = {}
    for item in entries:
        seen[(item["mode"], item["request"])] += 1
        keyed[(item["mode"], item["request"], seen[(item["mode"], item["request"])])] = item
    return keyed


def compare(baseline: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """One line per difference, grouped when it repeats: "NAME A → B: FIELD now X (was Y), N responses"."""
    lines = []
    for name in sorted(baseline["sdks"].keys() | current["sdks"].keys()):
        before, after = baseline["sdks"].get(name), current["sdks"].get(name)
        if before is None or after is None:
            lines.append(f"{name}: {'not in the baseline' if before is None else 'not installed now'}")
            continue
        head = f"{name} {before['version']} → {after['version']}"
        old, new = _keyed(before["entries"]), _keyed(after["entries"])
        grouped: Counter[tuple[str, str, str]] = Counter()
        examples: dict[tuple[str, str, str], str] = {}
        for key in sorted(old.keys() & new.keys()):
            found = _entry_differences(old[key], new[key])
            grouped.update(found.keys())
            for difference, example in found.items():
                examples.setdefault(difference, example)
        for (field, was, got), count in sorted(grouped.items(), key=lambda item: (-item[1], item[0])):
            change = f"now {got} (was {was})" if was != got else f"changed, e.g. {examples[(field, was, got)]}"
            lines.append(f"{head}: {field} {change}, {count} response{'s' * (count != 1)}")
        for label, keys in (("no longer replayed", old.keys() - new.keys()),
                            ("newly replayed", new.keys() - old.keys())):
            modes = Counter(mode for mode, _, _ in keys)
            lines += [f"{head}: {count} {mode} responses {label}" for mode, count in sorted(modes.items())]
    return lines
