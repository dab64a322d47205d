"""Untrusted text made safe where it is shown: terminals, JUnit, logs and Markdown.

A server or a cassette chooses error codes, messages, field names and bodies: none of it may move a
terminal's cursor, disguise a link, close a report's code block or inject HTML. What is shown is
also redacted (fc_contract.http.redact), so no secret or account id reaches any output.
"""

from __future__ import annotations

import re

from fc_contract.http.redact import environment_redactor

# What changes what a reader sees without being seen, or cannot be encoded: bidi embeddings, overrides, isolates
# and marks, zero-width and invisible characters, the byte-order mark, lone UTF-16 surrogates.
UNSEEN = "\u00ad\u061c\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff\ud800-\udfff"
CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{UNSEEN}]")
CONTROL_AND_NEWLINES = re.compile(f"[\x00-\x1f\x7f-\x9f{UNSEEN}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape(text: str) -> str:
    """One line: every control character (newlines too) made visible, as \\x1b."""
    return CONTROL_AND_NEWLINES.sub(_escape, text)


def visible(text: str) -> str:
    """Redacted, with every control character but the newline made visible: for terminals, JUnit, logs."""
    return CONTROL.sub(_escape, environment_redactor().text(text))


def fence(text: str, info: str = "") -> list[str]:
    """A Markdown code block that the content cannot close: longer than any run of backticks in it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    mark = "`" * max(3, longest + 1)
    return [mark + info, visible(text), mark]


def span(text: str) -> str:
    """Inline Markdown code (no HTML, no links) for a table cell or a line: one line, pipes escaped."""
    body = visible(escape(text) if "\n" in text else text).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    mark = "`" * (longest + 1)
    pad = " " if body[:1] in ("`", " ") or body[-1:] in ("`", " ") else ""  # CommonMark strips one space each side
    return f"{mark}{pad}{body}{pad}{mark}"
