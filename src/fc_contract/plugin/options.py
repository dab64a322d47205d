"""The fc-contract options: one named group; each also settable by environment or ini."""

from __future__ import annotations

import os
from typing import Any

import pytest

from fc_contract.settings import OPTION_DEFAULT_QUALIFIERS, Settings

# Priority, highest first: the command line, then FC_CONTRACT_<NAME> in the environment, then the
# fc_<name> key of the pytest ini section (pyproject.toml), then the default below.
OPTIONS: dict[str, tuple[str, str]] = {
    "target": ("replay", "what to test: replay (the cassettes), fake (the built-in reference server), "
                         "an http(s):// URL, or live"),
    "service": ("demo-service", "the service of the function under test"),
    "function": ("helloworld", "the function under test"),
    "profile": ("ci", "hypothesis profile: dev (fast), ci (derandomised, bounded) or thorough"),
    "invalid_input": ("reject", "what an out-of-range limit or a malformed nextToken must get: reject "
                                "(400 InvalidArgument, as documented) or lenient (any 4xx; limit may be clamped)"),
    "max_requests": ("2000", "stop the run with a verdict after this many requests"),
    "max_pages": ("100", "hard cap on the pages of one walk: a runaway nextToken becomes a verdict"),
    "timeout": ("10", "connect and read timeout of each request, in seconds"),
    "max_seconds": ("600", "wall-clock budget of the whole run, in seconds, from its first request: when spent, "
                           "the run stops with one [budget] verdict (retry waits may take a fifth of it)"),
    "signing": ("auto", "how to sign requests: acs3 (ACS3-HMAC-SHA256, the current SDK), fc (the FC scheme of "
                        "aliyun-fc2), none; auto is acs3 for live and none otherwise"),
    "cassettes": ("", "cassette directory (default: the cassettes/ beside contracts/)"),
    "request_log": ("", "write every request the run sent (clause, method, URL) to this file"),
    "json": ("", "write the run's results (every test's outcome and verdict, the clause table, the ending) to this "
                 "file as one JSON document"),
    "report": ("", "write the conformance report (clauses, each failure's request and response) as Markdown"),
    "baseline": ("", "a cassette directory recorded from a trusted server: also send its requests to the target "
                     "and report every difference in behaviour (the clause behaviour.diff)"),
    "baseline_compare": ("values", "what --fc-baseline compares: values (the same function and data, as release "
                                   "against release) or shape (all but config values and their order)"),
    "write_qualifiers": (OPTION_DEFAULT_QUALIFIERS,
                         "qualifiers (versions or aliases) the write clauses may put configs on; only those without "
                         "a config when the run begins are used, and what the run created is deleted at its end"),
    "tokens_under_writes": ("stable", "what pagination.under-writes asks of a walk with writes between its pages: "
                                      "stable (each untouched config once; a contract choice) or any (it ends)"),
    "sdk_snapshot": ("", "write what the installed SDKs made of the cassettes (sent and returned) to this JSON file"),
    "sdk_baseline": ("", "compare what the installed SDKs make of the cassettes with this --fc-sdk-snapshot file "
                         "(the clause sdk.baseline)"),
    "baseline_allow": ("", "changed: accept changed differences too (still listed); breaking always fails, "
                           "additive never does (comma-separated classes)"),
}
# On/off switches, in the same priority; the environment and ini take 1/true/yes/on for on.
FLAGS: dict[str, str] = {
    "record": "(re)write the cassettes from the target",
    "strict_cassettes": "fail, not warn, when a cassette was recorded from another description",
    "allow_insecure": "allow signed requests over plain http:// to a host that is not this machine",
    "sdk_baseline_allow": "list the differences from --fc-sdk-baseline without failing",
    "allow_writes": "let the write clauses (state.writes, pagination.under-writes) put and delete configs on a live "
                    "service; without it a live run sends GET only",
}
TRUE = ("1", "true", "yes", "on")
CHOICES = {"profile": ("dev", "ci", "thorough"), "invalid_input": ("reject", "lenient"),
           "signing": ("auto", "acs3", "fc", "none"), "baseline_compare": ("values", "shape"),
           "tokens_under_writes": ("stable", "any")}


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("fc-contract", "fc-contract: the ListFunctionAsyncInvokeConfigs contract")
    for name, (default, text) in OPTIONS.items():
        option_name = "--fc-" + name.replace("_", "-")
        group.addoption(option_name, dest=f"fc_{name}", default=None, help=f"{text} [default {default or 'none'}; "
                        f"env FC_CONTRACT_{name.upper()}; ini fc_{name}]")
        parser.addini(f"fc_{name}", text, default=None)
    for name, text in FLAGS.items():
        group.addoption("--fc-" + name.replace("_", "-"), dest=f"fc_{name}", action="store_true", default=None,
                        help=f"{text} [env FC_CONTRACT_{name.upper()}=1; ini fc_{name}]")
        parser.addini(f"fc_{name}", text, default=None)


def option(config: pytest.Config, name: str) -> str:
    """One option's value by the priority above."""
    value: Any = config.getoption(f"fc_{name}")
    if value is None:
        value = os.environ.get(f"FC_CONTRACT_{name.upper()}") or config.getini(f"fc_{name}") or OPTIONS[name][0]
    return str(value)


def _flag(config: pytest.Config, name: str) -> bool:
    """One switch by the priority above."""
    if config.getoption(f"fc_{name}"):
        return True
    value = os.environ.get(f"FC_CONTRACT_{name.upper()}") or config.getini(f"fc_{name}") or ""
    return str(value).strip().lower() in TRUE


def settings_from_config(config: pytest.Config) -> Settings:
    """The options resolved by the priority above; a one-line usage error for a bad value."""
    raw = {name: option(config, name) for name in OPTIONS}
    for name, allowed in CHOICES.items():
        if raw[name] not in allowed:
            raise pytest.UsageError(f"--fc-{name.replace('_', '-')}={raw[name]!r} is not one of "
                                    f"{', '.join(allowed)}")
    try:
        numbers: dict[str, int | float] = {"max_requests": int(raw["max_requests"]),
                                           "max_pages": int(raw["max_pages"]), "timeout": float(raw["timeout"]),
                                           "max_seconds": float(raw["max_seconds"])}
    except ValueError as exc:
        raise pytest.UsageError(f"fc-contract: a numeric option is not a number ({exc}); "
                                "fix --fc-max-requests, --fc-max-pages, --fc-timeout or --fc-max-seconds") from None
    flags = {name: _flag(config, name) for name in FLAGS}
    if flags["record"] and raw["target"] == "replay":
        raise pytest.UsageError("--fc-record needs a target to record from: --fc-target=fake, a URL or live")
    accepted = {c.strip() for c in raw["baseline_allow"].split(",") if c.strip()}
    if not accepted <= {"changed", "additive"}:
        raise pytest.UsageError(f"--fc-baseline-allow={raw['baseline_allow']!r}: name changed and/or additive "
                                "(breaking differences always fail)")
    if not all(0 < n < float("inf") for n in numbers.values()):
        raise pytest.UsageError("fc-contract: --fc-max-requests, --fc-max-pages, --fc-timeout and --fc-max-seconds "
                                "must be positive and finite")
    return Settings(**{**raw, **numbers, **flags})  # type: ignore[arg-type]
