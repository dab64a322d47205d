"""Request signing: ACS3-HMAC-SHA256 (alibabacloud-fc-open20210406) and the FC scheme (aliyun-fc2).

Both are requests auth objects, so the same signing serves the live service and any URL target.
The canonical forms below follow the SDKs' own code (alibabacloud_tea_openapi/utils.py and
fc2/auth.py); tests/test_signing.py checks them against that code.
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import hmac
import os
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import requests

ACS3 = "ACS3-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
UNSIGNED = ("authorization", "connection", "content-length")  # hop-by-hop, or the signature itself
CREDENTIAL_VARIABLES = ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET")


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _nonce() -> str:
    return uuid.uuid4().hex


class MissingCredentials(ValueError):
    """The standard credential variables are not set."""


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    access_key_secret: str
    security_token: str = ""

    @classmethod
    def from_environment(cls) -> Credentials:
        missing = [name for name in CREDENTIAL_VARIABLES if not os.environ.get(name)]
        if missing:
            raise MissingCredentials(f"set {' and '.join(missing)} (and ALIBABA_CLOUD_SECURITY_TOKEN for STS) "
                                     "to sign requests")
        return cls(os.environ["ALIBABA_CLOUD_ACCESS_KEY_ID"].strip(),
                   os.environ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"].strip(),
                   os.environ.get("ALIBABA_CLOUD_SECURITY_TOKEN", "").strip())


def acs3_canonical_query(query: str) -> str:
    """Sorted pairs, each key=value percent-encoded with only ~ kept (repeated keys kept, sorted)."""
    pairs = sorted(parse_qsl(query, keep_blank_values=True))
    return "&".join(f"{key}={quote(value, safe='~')}" for key, value in pairs)


def acs3_signature(method: str, path: str, query: str, headers: Mapping[str, str], signed: list[str],
                   payload_hash: str, secret: str) -> str:
    """The hex signature of ACS3-HMAC-SHA256 over the given (already chosen) signed headers."""
    lower = {k.lower(): str(v).strip() for k, v in headers.items()}
    canonical_headers = "".join(f"{name}:{lower.get(name, '')}\n" for name in signed)
    canonical = "\n".join([method.upper(), path or "/", acs3_canonical_query(query), canonical_headers,
                           ";".join(signed), payload_hash])
    to_sign = f"{ACS3}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    return hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()


def fc_string_to_sign(method: str, path: str, headers: Mapping[str, str]) -> str:
    """METHOD, Content-MD5, Content-Type, Date, the x-fc-* headers, then the unescaped path."""
    lower = {k.lower(): str(v) for k, v in headers.items()}
    fc_headers = "".join(f"{k}:{v}\n" for k, v in sorted(lower.items()) if k.startswith("x-fc-"))
    return "\n".join([method.upper(), lower.get("content-md5", ""), lower.get("content-type", ""),
                      lower.get("date", ""), fc_headers + unquote(path)])


def fc_signature(method: str, path: str, headers: Mapping[str, str], secret: str) -> str:
    digest = hmac.new(secret.encode(), fc_string_to_sign(method, path, headers).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class Acs3Signer(requests.auth.AuthBase):
    """Signs as alibabacloud-fc-open20210406 does: x-acs-* headers, then Authorization."""

    def __init__(self, credentials: Credentials, action: str = "ListFunctionAsyncInvokeConfigs",
                 version: str = "2021-04-06", clock: Callable[[], datetime] = _utcnow,
                 nonce: Callable[[], str] = _nonce) -> None:
        self.credentials, self.action, self.version = credentials, action, version
        self.clock, self.nonce = clock, nonce

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        parts = urlsplit(str(request.url))
        body = request.body.encode() if isinstance(request.body, str) else (request.body or b"")
        headers = request.headers
        streamed = not isinstance(body, bytes)  # a chunked body: its sender states its hash, as the Node SDK does
        if streamed and not headers.get("x-acs-content-sha256"):
            raise ValueError("a streamed (chunked) body needs its x-acs-content-sha256 header: it cannot be read twice")
        headers["host"] = parts.netloc
        headers["x-acs-version"] = self.version
        headers["x-acs-action"] = self.action
        headers["x-acs-date"] = self.clock().strftime("%Y-%m-%dT%H:%M:%SZ")
        headers["x-acs-signature-nonce"] = self.nonce()
        if not streamed:
            headers["x-acs-content-sha256"] = hashlib.sha256(body).hexdigest()
        if self.credentials.security_token:
            headers["x-acs-accesskey-id"] = self.credentials.access_key_id
            headers["x-acs-security-token"] = self.credentials.security_token
        signed = sorted(k.lower() for k in headers if k.lower() not in UNSIGNED)
        signature = acs3_signature(str(request.method), parts.path, parts.query, headers, signed,
                                   headers["x-acs-content-sha256"], self.credentials.access_key_secret)
        headers["Authorization"] = (f"{ACS3} Credential={self.credentials.access_key_id},"
                                    f"SignedHeaders={';'.join(signed)},Signature={signature}")
        return request


class FcSigner(requests.auth.AuthBase):
    """Signs as aliyun-fc2 does: `Authorization: FC <AccessKeyId>:<signature>` over Date and x-fc-* headers."""

    def __init__(self, credentials: Credentials, clock: Callable[[], datetime] = _utcnow) -> None:
        self.credentials, self.clock = credentials, clock

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        headers = request.headers
        headers["Date"] = email.utils.format_datetime(self.clock(), usegmt=True)
        if self.credentials.security_token:
            headers["x-fc-security-token"] = self.credentials.security_token
        path = urlsplit(str(request.url)).path
        signature = fc_signature(str(request.method), path, headers, self.credentials.access_key_secret)
        headers["Authorization"] = f"FC {self.credentials.access_key_id}:{signature}"
        return request


SIGNERS = {"acs3": Acs3Signer, "fc": FcSigner}
