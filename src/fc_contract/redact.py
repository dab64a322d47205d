"""Redaction on record: credentials and account ids become stable placeholders before any write."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

SECRET_VARIABLES = ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                    "ALIBABA_CLOUD_SECURITY_TOKEN", "ALIBABA_CLOUD_ACCOUNT_ID")
# Request headers that carry credentials or a signature: their whole value is replaced.
SECRET_HEADERS = re.compile(r"^(authorization|x-fc-security-token|x-acs-.*|x-fc-account-id)$", re.IGNORECASE)
ACCOUNT_IN_ARN = re.compile(r"(acs:[a-z0-9-]+:[a-z0-9-]*:)(\d{6,})(:)")
ACCOUNT_IN_HOST = re.compile(r"(?<![\w.-])(\d{6,})(\.[a-z0-9-]+\.fc\.aliyuncs\.com)")
ACCESS_KEY_ID = re.compile(r"\bLTAI[0-9A-Za-z]{8,30}\b|\bSTS\.[0-9A-Za-z]{10,}\b")


@dataclass
class Redactor:
    """Replaces known secrets, credential headers, access key ids and account ids."""

    secrets: dict[str, str] = field(default_factory=dict)  # value -> placeholder

    @classmethod
    def from_environment(cls, extra: dict[str, str] | None = None) -> Redactor:
        """The secrets named by the standard ALIBABA_CLOUD_* variables, where set."""
        secrets = {os.environ[name]: f"<{name}>" for name in SECRET_VARIABLES if len(os.environ.get(name, "")) >= 4}
        secrets.update(extra or {})
        return cls(secrets)

    def text(self, value: str) -> str:
        for secret, placeholder in sorted(self.secrets.items(), key=lambda item: -len(item[0])):
            value = value.replace(secret, placeholder)
        value = ACCOUNT_IN_ARN.sub(r"\1<ACCOUNT_ID>\3", value)
        value = ACCOUNT_IN_HOST.sub(r"account-id\2", value)
        return ACCESS_KEY_ID.sub("<ACCESS_KEY_ID>", value)

    def header(self, name: str, value: str) -> str:
        return f"<REDACTED {name.upper()}>" if SECRET_HEADERS.match(name) else self.text(value)
