"""Fuzzers: generated raw HTTP responses and generated cassettes never crash, hang or escape the client."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fc_contract import cassettes
from fc_contract.cassettes.format import REPLAY_BASE, CassetteError
from fc_contract.cassettes.replay import Replayer
from fc_contract.fake import FakeFC, seed_store
from fc_contract.http.client import Client, Limits
from fc_contract.http.shown import visible
from fc_contract.http.stops import AuthenticationFailed, StillThrottled
from fc_contract.judging.clause import Clause, ContractFailure
from fc_contract.judging.expect import expect_error, expect_page
from fc_contract.judging.spec import Spec
from fc_contract.judging.walker import walk
from fc_contract.run.results import Evidence
from harness import ROOT, Verdict
from rawserver import raw_server, rotating

LIMITS = Limits(connect_timeout=0.5, read_timeout=0.3, total_timeout=0.4, retries=1, backoff=0, max_waiting=0.2)
PAGE = FakeFC(seed_store(3)).list_body(seed_store(3).configs("demo-service", "helloworld"), "t")
SERVED: list[bytes | float] = []
TRIED = [0]

STATUS_LINES = st.one_of(
    st.builds(lambda code, reason: f"HTTP/1.1 {code} {reason}\r\n".encode(), st.integers(100, 999),
              st.sampled_from(["OK", "", "Too Many Requests", "\x1b[2J"])),
    st.binary(max_size=30).map(lambda b: b + b"\r\n"),
    st.just(b"HTTP/1.0 200 OK\r\n"),
)
HEADER_NAMES = st.sampled_from(["Content-Type", "Content-Length", "Transfer-Encoding", "X-Fc-Request-Id",
                                "Retry-After", "Content-Encoding", "Connection", "Location"])
HEADER_VALUES = st.one_of(st.sampled_from(["application/json", "text/html", "chunked", "gzip", "close", "nan",
                                           "-1", "99999999999", "0", "1"]),
                          st.integers(-5, 10**12).map(str), st.binary(max_size=20).map(lambda b: b.decode("latin-1")))
BODIES = st.one_of(
    st.just(repr(PAGE).encode()), st.binary(max_size=2000),
    st.integers(1, 3000).map(lambda n: b"[" * n + b"]" * n),
    st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                 lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
                 max_leaves=20).map(lambda v: yaml.safe_dump(v).encode()),
    st.just(b'{"configs": [], "nextToken": "\x1b]8;;http://evil\x07"}'),
    st.just(b'{"ErrorCode": "\xff\xfe", "ErrorMessage": "```<script>"}'),
    st.just(b'{"ErrorCode": "\\u202eX", "ErrorMessage": "\\u2066a\\u200b\\ufeff\\ud800\\udfff\\udbff"}'),
)
UNSEEN = "\u202e\u2066\u200b\ufeff\ud800\udfff\udbff"  # what reorders or hides text, or cannot be encoded


@st.composite
def responses(draw: st.DrawFn) -> list[bytes | float]:
    """A raw response: status line, headers, body; maybe truncated; sent in paced chunks."""
    head = draw(STATUS_LINES)
    for name, value in draw(st.lists(st.tuples(HEADER_NAMES, HEADER_VALUES), max_size=6)):
        head += f"{name}: {value}\r\n".encode("latin-1", "replace")
    raw = head + b"\r\n" + draw(BODIES)
    if draw(st.booleans()):
        raw = raw[: draw(st.integers(0, len(raw)))]
    cuts = sorted(draw(st.lists(st.integers(0, len(raw)), max_size=3)))
    pieces = [raw[a:b] for a, b in zip([0, *cuts], [*cuts, len(raw)], strict=True)]
    out: list[bytes | float] = []
    for piece in pieces:
        out += [piece, draw(st.sampled_from([0.0, 0.0, 0.01, 0.05, 0.45]))]  # 0.45: past the 0.4 s deadline
    return out


@pytest.fixture(scope="module")
def hostile_url() -> object:
    with raw_server(SERVED) as url:
        yield url


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(response=responses())
def test_no_response_a_server_can_send_escapes_the_client(hostile_url: str, response: list[bytes | float]) -> None:
    SERVED[:] = response
    TRIED[0] += 1
    client = Client(hostile_url, limits=LIMITS, inspect=Spec().inspect)
    client.sleep = lambda _: None
    clause = Clause("fuzz")
    started = time.monotonic()
    try:
        exchange = client.list("demo-service", "helloworld", [("limit", "2")])
        walked = walk(client, "demo-service", "helloworld", 1, max_pages=2, total=3, allowance=4)
    except (StillThrottled, AuthenticationFailed):
        return  # documented outcomes of throttling and refusal
    elapsed = time.monotonic() - started
    assert elapsed < 6 * (LIMITS.total_timeout + 0.5)  # at most six requests, each within its deadline
    assert walked.end is not None
    for judge in (lambda: expect_page(clause, exchange, "page"), lambda: expect_error(clause, exchange, "e", 400, "X")):
        try:
            judge()
        except ContractFailure as failure:
            assert "\x1b" not in str(failure.msg)  # noqa: PT017 - any judge may fail; none may pass raw text
    shown = visible(exchange.describe() + exchange.curl() + str(Evidence.of(exchange)))
    assert "\x1b" not in shown
    assert not any(c in shown for c in UNSEEN)
    shown.encode("utf-8")  # never a lone surrogate


def test_a_whole_run_against_a_hostile_server_gives_a_verdict(run_contracts: object, tmp_path: Path) -> None:
    """The whole suite against a server that answers each request with the next of a few hostile responses."""
    sample = [b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n[[[[[", b"HTTP/1.1 429 X\r\nRetry-After: nan\r\n\r\n",
              b"\x00\xff garbage\r\n\r\n", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"]
    with raw_server(rotating([[response] for response in sample])) as url:
        verdict: Verdict = run_contracts(f"--fc-target={url}", "--fc-timeout=1", "--fc-max-seconds=60")  # type: ignore[operator]
    assert verdict.exit_code in (0, 1), verdict.output
    assert "Traceback" not in verdict.output
    assert "INTERNALERROR" not in verdict.output


VALID = (ROOT / "cassettes" / "errors.yaml").read_bytes()
KEYS = ["interactions", "version", "request", "response", "status", "code", "body", "string", "uri", "method",
        "headers", "fc_error", "metadata"]


@st.composite
def cassette_bytes(draw: st.DrawFn) -> bytes:
    """A shipped cassette with bytes flipped, cut or spliced, or YAML built from arbitrary values."""
    if draw(st.booleans()):
        data = bytearray(VALID)
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(0, len(data) - 1))
            data[at:at + draw(st.integers(0, 8))] = draw(st.binary(max_size=8))
        return bytes(data)
    value = draw(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8) | st.binary(max_size=8),
                              lambda inner: st.lists(inner, max_size=3)
                              | st.dictionaries(st.sampled_from(KEYS), inner, max_size=4),
                              max_leaves=25))
    return yaml.safe_dump({"interactions": [value], "version": 1}).encode()


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(raw=cassette_bytes())
def test_no_cassette_escapes_the_loader(tmp_path_factory: pytest.TempPathFactory, raw: bytes) -> None:
    path = tmp_path_factory.mktemp("c") / "fuzzed.yaml"
    path.write_bytes(raw)
    try:
        loaded = cassettes.load(path)
    except CassetteError as error:
        assert "\n" not in str(error)  # noqa: PT017 - a fuzzed cassette may load or not; its error is one line
        return
    Replayer([loaded], REPLAY_BASE)  # what replay builds from it must not fail either
