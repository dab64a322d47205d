"""The run's resolved options: a plain record every layer may read (the plugin resolves it from pytest)."""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

_HERE = Path(__file__).resolve().parent
# Priority: a copy packaged beside the library (installed wheels), then the repository's own.
SPEC_PATH = next((p for p in (_HERE / "contracts" / "openapi.yaml", _HERE.parents[1] / "contracts" / "openapi.yaml")
                  if p.is_file()), _HERE.parents[1] / "contracts" / "openapi.yaml")
# The packaged cassettes share fc_contract/cassettes with the code that reads them: a directory counts when it
# holds a cassette, so that a clone's src/fc_contract/cassettes (code only) is passed over.
CASSETTE_DIR = next((p for p in (_HERE / "cassettes", _HERE.parents[1] / "cassettes") if any(p.glob("*.yaml"))),
                    _HERE.parents[1] / "cassettes")
OPTION_DEFAULT_QUALIFIERS = "fc-contract-a,fc-contract-b,fc-contract-c"
_SPELLING: list[Mapping[str, str]] = [{}]  # option name -> how this run's user writes it; pytest's flags if absent


def flag(name: str) -> str:
    """How the user names option `name` in this run: --fc-max-requests under pytest, --max-requests in the CLI."""
    return _SPELLING[-1].get(name) or "--fc-" + name.replace("_", "-")


def given(name: str, value: object) -> str:
    """Option `name` with a value, as the user writes it: --fc-target=X under pytest, URL X in the CLI."""
    spelt = flag(name)
    return f"{spelt}={value}" if spelt.startswith("-") else f"{spelt} {value}"


@contextlib.contextmanager
def spelled(spelling: Mapping[str, str]) -> Iterator[None]:
    """Messages name the options as `spelling` does while the context lasts (the fc-contract command's run)."""
    _SPELLING.append(spelling)
    try:
        yield
    finally:
        _SPELLING.pop()


def is_fc_endpoint(url: str) -> bool:
    """A Function Compute (Alibaba Cloud) endpoint, however it is spelled: a live service."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host == "aliyuncs.com" or host.endswith(".aliyuncs.com")


def is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Settings:
    """The resolved options (fc_contract.plugin.options lists them)."""

    target: str
    service: str
    function: str
    profile: str
    invalid_input: str
    max_requests: int
    max_pages: int
    timeout: float
    max_seconds: float
    cassettes: str
    request_log: str
    report: str
    baseline: str
    baseline_compare: str
    baseline_allow: str
    signing: str
    record: bool
    strict_cassettes: bool
    allow_insecure: bool
    write_qualifiers: str = OPTION_DEFAULT_QUALIFIERS
    tokens_under_writes: str = "stable"
    sdk_snapshot: str = ""
    sdk_baseline: str = ""
    sdk_baseline_allow: bool = False
    allow_writes: bool = False
    json: str = ""
    html: str = ""
    clause: str = ""  # the clauses to run, comma-separated (empty: all)
    skip_clause: str = ""
    contracts: str = ""  # the directory of the clause modules being run: set once they are collected

    @property
    def qualifiers(self) -> list[str]:
        """--fc-write-qualifiers, in order, each once."""
        return list(dict.fromkeys(q.strip() for q in self.write_qualifiers.split(",") if q.strip()))

    @property
    def signing_scheme(self) -> str:
        """acs3, fc or none, with auto resolved."""
        if self.signing == "auto":
            return "acs3" if self.target == "live" or is_fc_endpoint(self.target) else "none"
        return self.signing

    # Priority: the option, then what lies beside the contracts being run (a clone's own, or the
    # installed copy's when run with --pyargs), then the copy beside the library. A directory of
    # clauses of one's own, with no description beside it, keeps its cassettes in its cassettes/.
    @property
    def spec_path(self) -> Path:
        """The OpenAPI description the run judges by."""
        beside = Path(self.contracts) / "openapi.yaml" if self.contracts else None
        return beside if beside is not None and beside.is_file() else SPEC_PATH

    @property
    def contracts_dir(self) -> Path:
        """The clause modules' directory: what the cassettes' contracts hash covers."""
        return Path(self.contracts) if self.contracts else SPEC_PATH.parent

    @property
    def cassette_dir(self) -> Path:
        if self.cassettes:
            return Path(self.cassettes)
        if not self.contracts:
            return CASSETTE_DIR
        if not (Path(self.contracts) / "openapi.yaml").is_file():
            return Path(self.contracts) / "cassettes"
        beside = Path(self.contracts).parent / "cassettes"
        return beside if beside.is_dir() else CASSETTE_DIR
