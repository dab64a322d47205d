"""Redaction before any output: credentials and account ids become stable placeholders.

One Redactor serves every output (cassettes, the report, JUnit, the summary, the request log, curl
lines). Each secret is replaced in every form it can take there: as set and stripped of white space
(a secret mounted from a file often ends in a newline), JSON-escaped and percent-encoded.
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass, field
from urllib.parse import quote

SECRET_VARIABLES = ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                    "ALIBABA_CLOUD_SECURITY_TOKEN", "ALIBABA_CLOUD_ACCOUNT_ID")
# Request headers that carry credentials, a signature or the account: their whole value is replaced.
SECRET_HEADERS = re.compile(r"^(authorization|x-fc-security-token|x-acs-.*|x-fc-account-id)$", re.IGNORECASE)
ACCOUNT_IN_ARN = re.compile(r"(acs(?::|%3A)[a-z0-9-]+(?::|%3A)[a-z0-9-]*(?::|%3A))(\d{6,})((?::|%3A))", re.IGNORECASE)
ACCOUNT_IN_HOST = re.compile(r"(?<![\w.-])(\d{6,})(\.[a-z0-9-]+\.fc\.aliyuncs\.com)", re.IGNORECASE)
ACCESS_KEY_ID = re.compile(r"\bLTAI[0-9A-Za-z]{8,30}\b|\bSTS\.[0-9A-Za-z]{10,}\b")


def forms(secret: str) -> set[str]:
    """Every form a secret may take in an output: as set, stripped, JSON-escaped, percent-encoded."""
    out = set()
    for value in {secret, secret.strip()}:
        out |= {value, json.dumps(value)[1:-1], value.replace("/", "\\/"), quote(value, safe=""), quote(value)}
    return {value for value in out if len(value) >= 4}


@dataclass
class Redactor:
    """Replaces known secrets, credential headers, access key ids and account ids."""

    secrets: dict[str, str] = field(default_factory=dict)  # value -> placeholder

    @classmethod
    def from_environment(cls, extra: dict[str, str] | None = None) -> Redactor:
        """The secrets named by the standard ALIBABA_CLOUD_* variables, where set, in all their forms."""
        secrets = {form: f"<{name}>" for name in SECRET_VARIABLES for form in forms(os.environ.get(name, ""))}
        secrets.update(extra or {})
        return cls(secrets)

    def text(self, value: str) -> str:
        for secret, placeholder in sorted(self.secrets.items(), key=lambda item: -len(item[0])):
            value = value.replace(secret, placeholder)
        # Each pattern only where its fixed part occurs (a page of configs took 2 ms to scan with all three): in ASCII
        # text, lower() is exactly the patterns' ignored case; any other text is scanned by every pattern.
        if _may_hold(value, "acs:", "acs%3a"):
            value = ACCOUNT_IN_ARN.sub(r"\1<ACCOUNT_ID>\3", value)
        if _may_hold(value, ".fc.aliyuncs.com"):
            value = ACCOUNT_IN_HOST.sub(r"account-id\2", value)
        if "LTAI" in value or "STS." in value:
            value = ACCESS_KEY_ID.sub("<ACCESS_KEY_ID>", value)
        return value

    def header(self, name: str, value: str) -> str:
        return f"<REDACTED {name.upper()}>" if SECRET_HEADERS.match(name) else self.text(value)


def _may_hold(value: str, *lowered: str) -> bool:
    """Whether `value` may hold one of `lowered` in any case: surely not only for ASCII text without them."""
    if not value.isascii():
        return True
    folded = value.lower()
    return any(part in folded for part in lowered)


@functools.cache
def environment_redactor() -> Redactor:
    """The run's redactor: the environment's secrets, read once."""
    return Redactor.from_environment()
