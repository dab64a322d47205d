"""The options: their names, defaults and spellings, the config file, and how a value is chosen (no pytest here).

Priority, highest first: the command line; FC_CONTRACT_<NAME> in the environment; the config file (the nearest
fc-contract.toml, else the nearest pyproject.toml with a [tool.fc-contract] table, from the directory the run
starts in upwards); the fc_<name> key of pytest's own ini (pytest runs only); the default below.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from fc_contract.settings import OPTION_DEFAULT_QUALIFIERS, Settings, flag, given

OPTIONS: dict[str, tuple[str, str]] = {
    "target": ("replay", "what to test: replay (the cassettes), fake (the built-in reference server), "
                         "an http(s):// URL, or live"),
    "service": ("demo-service", "the service of the function under test"),
    "function": ("helloworld", "the function under test"),
    "clause": ("", "run only these clauses, comma-separated (fc-contract clauses lists them; a group such as "
                   "pagination names each of its clauses)"),
    "skip_clause": ("", "run every clause but these, comma-separated"),
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
    "json": ("", "write the run's results (target, ending, every clause's verdict and first failure, coverage, "
                 "requests per clause, differences, notes) to this file as one versioned JSON document"),
    "html": ("", "write the run's report as one self-contained HTML file (the clause table, each failure's "
                 "evidence and curl, what each clause covered)"),
    "report": ("", "write the conformance report (clauses, each failure's request and response) as Markdown"),
    "baseline": ("", "a cassette directory recorded from a trusted server: also send its requests to the target "
                     "and report every difference in behaviour (the clause behaviour.diff)"),
    "baseline_compare": ("values", "what the baseline comparison compares: values (the same function and data, as "
                                   "release against release) or shape (all but config values and their order)"),
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
    "allow_writes": "let the write clauses (state.writes, pagination.under-writes) put and delete configs on a host "
                    "that is neither this machine nor the reference server; without it such a run sends GET only",
}
TRUE = ("1", "true", "yes", "on")
CHOICES = {"profile": ("dev", "ci", "thorough"), "invalid_input": ("reject", "lenient"),
           "signing": ("auto", "acs3", "fc", "none"), "baseline_compare": ("values", "shape"),
           "tokens_under_writes": ("stable", "any")}
NUMBERS: dict[str, type[int] | type[float]] = {"max_requests": int, "max_pages": int, "timeout": float,
                                               "max_seconds": float}
FILE_NAME = "fc-contract.toml"


# How the fc-contract command names the options it has names of its own for (the rest it passes on as --fc-*).
CLI_SPELLING: dict[str, str] = {
    "target": "URL", "record": "fc-contract record", "cassettes": "DIR", "service": "--service",
    "function": "--function", "signing": "--signing", "report": "--report", "profile": "--profile",
    "max_requests": "--max-requests", "invalid_input": "--invalid-input", "max_seconds": "--max-seconds",
    "timeout": "--timeout", "json": "--json", "html": "--html", "clause": "--clause", "skip_clause": "--skip-clause",
    "baseline": "--baseline", "baseline_compare": "--compare", "baseline_allow": "--allow",
}


class ConfigError(ValueError):
    """An option's value, or the config file, is unusable: one line that names it and the fix."""


class Source(Enum):
    """Where an option's value came from."""

    COMMAND_LINE = "command line"
    ENVIRONMENT = "environment"
    FILE = "config file"
    INI = "pytest ini"
    DEFAULT = "default"


@dataclass(frozen=True)
class Resolved:
    """An option's value and where it came from."""

    value: str | bool
    source: Source
    where: str = ""  # the environment variable or the file's path


@dataclass(frozen=True)
class ConfigFile:
    """The options a config file sets, by option name."""

    path: Path
    values: dict[str, str | bool]


def find_file(start: Path) -> ConfigFile | None:
    """The nearest fc-contract.toml, or pyproject.toml with [tool.fc-contract], from `start` upwards."""
    for directory in (start, *start.parents):
        own = directory / FILE_NAME
        if own.is_file():
            return ConfigFile(own, _values(own, _toml(own)))
        project = directory / "pyproject.toml"
        if project.is_file():
            table = _toml(project).get("tool", {}).get("fc-contract")
            if isinstance(table, dict):
                return ConfigFile(project, _values(project, table, "[tool.fc-contract] "))
    return None


def _toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not readable TOML ({exc}); fix or remove the file") from None


def _values(path: Path, table: Mapping[str, Any], where: str = "") -> dict[str, str | bool]:
    """The table's keys (max_requests, max-requests or the ini's fc_max_requests) as option names."""
    known = (*OPTIONS, *FLAGS)
    out: dict[str, str | bool] = {}
    for key, value in table.items():
        name = key.removeprefix("fc_").replace("-", "_")
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            raise ConfigError(f"{path}: {where}unknown key {key!r}" + (f"; did you mean {close[0]!r}?" if close else
                              f"; the keys are {', '.join(known)}"))
        if name in FLAGS:
            if not isinstance(value, bool):
                raise ConfigError(f"{path}: {where}{key} is a switch: write true or false, not {value!r}")
            out[name] = value
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            out[name] = ",".join(value)
        elif isinstance(value, str | int | float) and not isinstance(value, bool):
            out[name] = str(value)
        else:
            raise ConfigError(f"{path}: {where}{key} = {value!r} is not a string, number or list of strings")
    return out


def resolve(command_line: Mapping[str, object], environ: Mapping[str, str], file: ConfigFile | None,
            ini: Callable[[str], object] = lambda _: None) -> dict[str, Resolved]:
    """Every option's value by the priority above; `command_line` and `ini` give None where they set nothing."""
    out: dict[str, Resolved] = {}
    for name in (*OPTIONS, *FLAGS):
        variable = f"FC_CONTRACT_{name.upper()}"
        typed, environment, in_ini = command_line.get(name), environ.get(variable), ini(name)
        if typed is not None:
            out[name] = Resolved(typed if isinstance(typed, bool) else str(typed), Source.COMMAND_LINE)
        elif environment:
            out[name] = Resolved(_switch(environment) if name in FLAGS else environment, Source.ENVIRONMENT, variable)
        elif file is not None and name in file.values:
            out[name] = Resolved(file.values[name], Source.FILE, str(file.path))
        elif in_ini:
            out[name] = Resolved(_switch(str(in_ini)) if name in FLAGS else str(in_ini), Source.INI)
        else:
            out[name] = Resolved(False if name in FLAGS else OPTIONS[name][0], Source.DEFAULT)
    return out


def _switch(text: str) -> bool:
    return text.strip().lower() in TRUE


def settings_of(resolved: Mapping[str, Resolved]) -> Settings:
    """The Settings the resolved options make; ConfigError naming the one option at fault otherwise."""
    raw = {name: str(resolved[name].value) for name in OPTIONS}
    for name, allowed in CHOICES.items():
        if raw[name] not in allowed:
            raise ConfigError(f"{given(name, repr(raw[name]))}{_from(resolved[name])} is not one of "
                              f"{', '.join(allowed)}")
    numbers: dict[str, int | float] = {}
    for name, kind in NUMBERS.items():
        try:
            numbers[name] = kind(raw[name])
        except ValueError:
            numbers[name] = float("nan")
        if not 0 < numbers[name] < float("inf"):
            raise ConfigError(f"{given(name, raw[name])}{_from(resolved[name])}: give a positive "
                              f"{'whole number' if kind is int else 'number'}")
    flags = {name: bool(resolved[name].value) for name in FLAGS}
    if flags["record"] and raw["target"] == "replay":
        raise ConfigError(f"{flag('record')} needs a target to record from: {given('target', 'fake')}, a URL or live")
    if flags["record"] and (raw["clause"].strip() or raw["skip_clause"].strip()):
        raise ConfigError(f"{flag('record')} records the whole suite (its cassettes are replaced together): drop "
                          f"{flag('clause' if raw['clause'].strip() else 'skip_clause')}")
    accepted = {c.strip() for c in raw["baseline_allow"].split(",") if c.strip()}
    if not accepted <= {"changed", "additive"}:
        raise ConfigError(f"{given('baseline_allow', repr(raw['baseline_allow']))}: name changed and/or additive "
                          "(breaking differences always fail)")
    return Settings(**{**raw, **numbers, **flags})  # type: ignore[arg-type]


def _from(resolved: Resolved) -> str:
    """Where a bad value came from, unless it was typed."""
    return f" (from {resolved.where})" if resolved.where else " (from pytest's ini)" if resolved.source is \
        Source.INI else ""
