"""Signature verification for the fake: both schemes, as the real service answers a bad one."""

from __future__ import annotations

import email.utils
import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote

from fc_contract.fake.wire import FCError, Request
from fc_contract.http.signing import ACS3, acs3_signature, fc_signature

MAX_SKEW_SECONDS = 15 * 60
ACS3_HEADER = re.compile(rf"^{ACS3} Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]+)$")
FC_HEADER = re.compile(r"^FC ([^:]+):(.+)$")


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Verifier:
    """Checks the Authorization of every request against known access keys."""

    keys: dict[str, str]  # access key id -> secret
    clock: Callable[[], datetime] = field(default=_now)

    def __call__(self, request: Request) -> None:
        authorization = request.headers.get("authorization", "")
        if not authorization:
            raise FCError(403, "AccessDenied", "the request is not signed: no Authorization header")
        if match := ACS3_HEADER.match(authorization):
            self._acs3(request, *match.groups())
        elif match := FC_HEADER.match(authorization):
            self._fc(request, *match.groups())
        else:
            raise FCError(403, "SignatureNotMatch", "the Authorization header is in no known scheme")

    def _secret(self, key_id: str) -> str:
        if key_id not in self.keys:
            raise FCError(403, "InvalidAccessKeyID", f"access key id '{key_id}' does not exist")
        return self.keys[key_id]

    def _skew(self, when: datetime | None, header: str) -> None:
        if when is None:
            raise FCError(403, "SignatureNotMatch", f"the {header} header is missing or malformed")
        skew = abs((self.clock() - when).total_seconds())
        if skew > MAX_SKEW_SECONDS:
            raise FCError(403, "RequestTimeTooSkewed", f"the request time {header} is {skew:.0f}s away from the "
                                                       f"server's; at most {MAX_SKEW_SECONDS}s is allowed")

    def _path(self, request: Request) -> str:
        return quote(request.path, safe="/~")

    def _acs3(self, request: Request, key_id: str, signed: str, signature: str) -> None:
        secret = self._secret(key_id)
        try:
            when: datetime | None = datetime.strptime(request.headers.get("x-acs-date", ""), "%Y-%m-%dT%H:%M:%SZ")
            when = when.replace(tzinfo=UTC) if when else None
        except ValueError:
            when = None
        self._skew(when, "x-acs-date")
        payload = request.headers.get("x-acs-content-sha256", "")
        if payload != hashlib.sha256(request.body).hexdigest():
            raise FCError(403, "SignatureNotMatch", "x-acs-content-sha256 is not the sha256 of the body")
        expected = acs3_signature(request.method, self._path(request), request.query_string, request.headers,
                                  signed.split(";"), payload, secret)
        if not hmac.compare_digest(expected, signature):
            raise FCError(403, "SignatureNotMatch", "the ACS3-HMAC-SHA256 signature does not match")

    def _fc(self, request: Request, key_id: str, signature: str) -> None:
        secret = self._secret(key_id)
        try:
            parsed: datetime | None = email.utils.parsedate_to_datetime(request.headers.get("date", ""))
        except (TypeError, ValueError):
            parsed = None
        self._skew(parsed, "Date")
        expected = fc_signature(request.method, self._path(request), request.headers, secret)
        if not hmac.compare_digest(expected.encode(), signature.encode()):
            raise FCError(403, "SignatureNotMatch", "the FC signature does not match")
