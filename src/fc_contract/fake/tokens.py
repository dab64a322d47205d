"""Opaque page tokens the fake issues and verifies: base64url(JSON) + "." + HMAC tag."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass


class BadToken(ValueError):
    """A token this server did not issue, or one that was tampered with."""


@dataclass(frozen=True)
class TokenCodec:
    """Keyset tokens bound to one function: they name the last qualifier served."""

    key: bytes = b""

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", secrets.token_bytes(32))

    def _tag(self, payload: bytes) -> str:
        return base64.urlsafe_b64encode(hmac.new(self.key, payload, hashlib.sha256).digest()[:12]).decode()

    def encode(self, service: str, function: str, after: str) -> str:
        payload = json.dumps({"s": service, "f": function, "a": after}, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(payload).decode().rstrip("=") + "." + self._tag(payload)

    def decode(self, token: str, service: str, function: str) -> str:
        """The qualifier the page after `token` starts behind; BadToken if it is not ours."""
        body, _, tag = token.partition(".")
        try:
            payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except (binascii.Error, ValueError) as exc:
            raise BadToken("nextToken is not a token this server issued") from exc
        if not tag or not hmac.compare_digest(tag.encode("utf-8", "replace"), self._tag(payload).encode()):
            raise BadToken("nextToken is not a token this server issued")
        data = json.loads(payload)
        if not isinstance(data, dict) or "a" not in data:
            raise BadToken("nextToken is not a token this server issued")
        if data.get("s") != service or data.get("f") != function:
            raise BadToken("nextToken belongs to another function")
        return str(data["a"])
