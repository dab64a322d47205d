"""Whole runs against hostile servers: no control character, markup or secret reaches any output, and a
recording replays to the verdicts it was recorded with, whatever fault the server had."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fc_contract.fake import FakeFC, FCError, seed_store
from fc_contract.fake.faults import HTTP_FAULTS, TOKEN_FAULTS, Fault, Faulty, build
from fc_contract.fake.server import Server
from fc_contract.fake.store import AsyncConfig
from harness import CONTRACTS, Verdict
from variants import MUTANTS

Run = Callable[..., Verdict]
ACCOUNT = "188077086902"  # the reference server's ARNs carry it
HOSTILE = f"\x1b[2J\x1b]8;;http://evil\x07click\x1b]8;;\x07 ```\n<script>alert(1)</script> [x](http://evil) {ACCOUNT}"


class HostileErrors(FakeFC):
    """Errors and a field whose text tries to take over a terminal and a report."""

    def find(self, service: str, function: str) -> list[AsyncConfig]:
        try:
            return super().find(service, function)
        except FCError as err:
            raise FCError(404, HOSTILE[:40], HOSTILE) from err

    def render_config(self, config: AsyncConfig) -> dict[str, object]:
        return {**super().render_config(config), HOSTILE: 1, "createdTime": HOSTILE}


@pytest.fixture
def released(server: Server) -> Iterator[Server]:
    yield server
    if isinstance(server.app, Faulty):
        server.app.released.set()


def test_hostile_text_reaches_no_output_raw(server: Server, run_contracts: Run, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCOUNT_ID", ACCOUNT)
    server.app = HostileErrors(seed_store(45))
    report, junit, log = tmp_path / "r.md", tmp_path / "j.xml", tmp_path / "requests.txt"
    verdict = run_contracts(f"--fc-target={server.url}", f"--fc-report={report}", f"--junitxml={junit}",
                            f"--fc-request-log={log}")
    assert verdict.exit_code == 1
    assert {"errors", "response.shape"} <= verdict.failed_clauses
    for name, text in [("terminal", verdict.output), ("report", report.read_text()), ("junit", junit.read_text()),
                       ("request log", log.read_text())]:
        assert "\x1b" not in text, name
        assert "\x07" not in text, name
        assert ACCOUNT not in text, name
    markdown = report.read_text()
    assert "<script>" in markdown  # the hostile text is shown...
    assert _inside_code(markdown, "<script>")  # ...but only as code, never as markup
    assert "\\x1b[2J" in verdict.output


UNSEEN = "\u202e\u2066\u2069\u200b\ufeff\ud800\udfff\udbff"


class UnseenErrors(FakeFC):
    """Errors whose text reorders or hides what a reader sees (bidi, zero-width, BOM) or cannot be encoded."""

    def find(self, service: str, function: str) -> list[AsyncConfig]:
        try:
            return super().find(service, function)
        except FCError as err:
            raise FCError(404, "\u202eNotFound", f"\u2066{UNSEEN}\u2069 {err.message}") from err


def test_unseen_and_unencodable_text_is_escaped_in_every_output(server: Server, run_contracts: Run,
                                                                 tmp_path: Path) -> None:
    server.app = UnseenErrors(seed_store(45))
    report, junit, log = tmp_path / "r.md", tmp_path / "j.xml", tmp_path / "requests.txt"
    verdict = run_contracts(f"--fc-target={server.url}", f"--fc-report={report}", f"--junitxml={junit}",
                            f"--fc-request-log={log}")
    assert verdict.exit_code == 1, verdict.output
    assert "Traceback" not in verdict.output
    assert "errors" in verdict.failed_clauses
    for name, text in [("terminal", verdict.output), ("report", report.read_text(encoding="utf-8")),
                       ("junit", junit.read_text(encoding="utf-8")), ("request log", log.read_text())]:
        assert not [c for c in UNSEEN if c in text], name
    assert "\\u202e" in verdict.output  # shown, as an escape


def _inside_code(markdown: str, needle: str) -> bool:
    """Every occurrence of `needle` is inside a fenced block or an inline code span (CommonMark's rules)."""
    inside, fence = False, ""
    for line in markdown.splitlines():
        match = re.match(r"^(`{3,})", line)
        if match and (not inside or match[1] == fence):
            inside, fence = not inside, match[1]
            continue
        if not inside and needle in _outside_spans(line):
            return False
    return not inside


def _outside_spans(line: str) -> str:
    """The text of a line outside its inline code spans: a run of n backticks closes at the next run of n."""
    runs = list(re.finditer(r"`+", line))
    outside, at, index = [], 0, 0
    while index < len(runs):
        opening = runs[index]
        closing = next((j for j in range(index + 1, len(runs)) if len(runs[j][0]) == len(opening[0])), None)
        if closing is None:
            index += 1
            continue
        outside.append(line[at:opening.start()])
        at, index = runs[closing].end(), closing + 1
    return "".join(outside) + line[at:]


def test_a_partial_recording_keeps_the_previous_cassettes(server: Server, run_contracts: Run, tmp_path: Path) -> None:
    directory = tmp_path / "cassettes"
    first = run_contracts(f"--fc-target={server.url}", "--fc-record", f"--fc-cassettes={directory}")
    assert first.exit_code == 0, first.output
    before = {p.name: p.read_bytes() for p in directory.glob("*.yaml")}
    server.app = MUTANTS["drops-field"].build()
    for args in (["-x"], ["--maxfail=1"], ["-k", "not tampered"]):
        partial = run_contracts(f"--fc-target={server.url}", "--fc-record", f"--fc-cassettes={directory}", *args)
        assert "cassettes NOT written, the previous ones are kept" in partial.output, args
        assert {p.name: p.read_bytes() for p in directory.glob("*.yaml")} == before, args
    assert not list(directory.glob(".*.tmp"))


# Each fault kind in a recording: those an app shows together in one, each socket fault and each token fault (a
# whole listing's behaviour) alone. (The socket faults together once replayed to another under-writes verdict than
# they recorded: a lead not yet followed.)
FAULTS = {"latency": ("latency:0.01@7",), "hang": ("hang:30@97",), "reset": ("reset@13",),
          "truncated": ("truncated@17",), "app": ("html-500@11", "big:6@53", "not-json@23", "throttle:0@29"),
          "endless-tokens": ("endless-tokens",), "cyclic-tokens": ("cyclic-tokens",)}


def test_every_fault_kind_is_tried() -> None:
    kinds = [Fault.parse(text).kind for texts in FAULTS.values() for text in texts]
    assert sorted(kinds) == sorted(HTTP_FAULTS + TOKEN_FAULTS)


@pytest.mark.parametrize("kind", sorted(FAULTS))
def test_a_recording_replays_to_the_verdicts_it_recorded(released: Server, run_contracts: Run, tmp_path: Path,
                                                         kind: str) -> None:
    released.app = build(seed_store(45), [Fault.parse(text) for text in FAULTS[kind]])
    recorded = run_contracts(f"--fc-target={released.url}", "--fc-record", f"--fc-cassettes={tmp_path}",
                             "--fc-timeout=1", "--fc-max-requests=5000")
    assert "Traceback" not in recorded.output
    if "cassettes NOT written" in recorded.output:
        pytest.fail(f"the {kind} run did not complete, so nothing was recorded: {recorded.output[-600:]}")
    replayed = run_contracts(str(CONTRACTS), f"--fc-cassettes={tmp_path}", "--fc-timeout=1",
                             "--deselect", str(CONTRACTS / "sdk"))
    assert "Traceback" not in replayed.output
    assert replayed.failed_clauses == recorded.failed_clauses, (recorded.output[-1500:], replayed.output[-1500:])
    assert replayed.exit_code == recorded.exit_code
