"""Hostile input, one regression test each: what a server or a cassette sends never crashes, hangs or leaks."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from fc_contract import cassettes
from fc_contract.cassettes import writer as cassette_writer
from fc_contract.cassettes.format import CassetteError
from fc_contract.http import deadline as deadlines
from fc_contract.http.client import HISTORY_BODY, Client, Limits
from fc_contract.http.exchange import Exchange
from fc_contract.http.redact import Redactor
from fc_contract.http.shown import fence, span, visible
from fc_contract.http.stops import StillThrottled
from fc_contract.judging.clause import Clause, ContractFailure
from fc_contract.judging.expect import expect_page
from fc_contract.judging.spec import MAX_EXPLAINED, Spec
from fc_contract.plugin.options import FLAGS, OPTIONS
from fc_contract.run.targets import open_target
from fc_contract.settings import Settings, is_fc_endpoint, is_loopback
from harness import Verdict
from rawserver import http, raw_server

JSON = [("Content-Type", "application/json"), ("X-Fc-Request-Id", "r")]
FAST = Limits(connect_timeout=1, read_timeout=1, total_timeout=2, retries=1, backoff=0, max_waiting=1)


def _client(url: str) -> Client:
    client = Client(url, limits=FAST, inspect=Spec().inspect)
    client.sleep = lambda _: None
    return client


def test_a_body_nested_too_deep_is_a_verdict_not_a_recursion_error() -> None:
    with raw_server([http(headers=JSON, body=b"[" * 5000 + b"]" * 5000)]) as url:
        page = _client(url).list("s", "f")
    assert page.json() is None
    assert page.shape is not None
    assert page.shape.problems
    with pytest.raises(ContractFailure, match=r"^\[x\] first page: expected 200 with a configs list"):
        expect_page(Clause("x"), page, "first page")


@pytest.mark.parametrize("retry_after", ["nan", "inf", "-inf", "1e999", "Wed, 21 Oct 99999 07:28:00 GMT", "\x1b[2J"])
def test_any_retry_after_is_a_delay(retry_after: str) -> None:
    throttled = http("429 Too Many Requests", [*JSON, ("Retry-After", retry_after)],
                     b'{"ErrorCode": "T", "ErrorMessage": ""}')
    with raw_server([throttled]) as url:
        client = _client(url)
        with pytest.raises(StillThrottled, match="stayed throttled after its retries"):
            client.list("s", "f")
    assert 0 <= client.waited <= FAST.max_waiting


def test_the_proxies_of_the_environment_and_the_session_are_used_as_requests_would(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Looked up once per host, not once a request: a proxy set in the environment, then NO_PROXY, still apply."""
    with raw_server([http(headers=JSON, body=b'{"configs": []}')]) as proxy:
        for name in ("HTTP_PROXY", "http_proxy"):  # the lower-case one wins where both are set
            monkeypatch.setenv(name, proxy)
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        client = _client("http://fc-contract-target.invalid")
        assert [client.list("s", "f").status for _ in range(2)] == [200, 200]  # .invalid resolves nowhere: proxied
        monkeypatch.setenv("NO_PROXY", "fc-contract-target.invalid")
        bypassed = _client("http://fc-contract-target.invalid").list("s", "f")
        assert bypassed.status is None, bypassed.describe()
        assert bypassed.error is not None
        assert bypassed.error.startswith("connection failed")
        for name in ("HTTP_PROXY", "http_proxy", "NO_PROXY"):
            monkeypatch.delenv(name)
        session = _client("http://fc-contract-target.invalid").session
        session.proxies = {"http": proxy}
        assert Client("http://fc-contract-target.invalid", session, FAST).list("s", "f").status == 200


@pytest.mark.parametrize("value", [" leading", "trailing\n", "é€ not latin-1", "a\rb"])
def test_a_header_value_no_client_can_send_is_not_sent_not_raised(value: str) -> None:
    with raw_server([http(headers=JSON, body=b'{"configs": []}')]) as url:
        exchange = _client(url).list("s", "f", headers={"X-Fc-Trace-Id": value})
    assert exchange.error is None or exchange.error.startswith(("not sent", "connection failed", "broken"))


@pytest.mark.parametrize("chunks", [
    [b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n", *([0.5, b" "] * 40)],
    [b"HTTP/1.1 200 OK\r\n", *([0.5, b"X-Drip: 1\r\n"] * 40)],
], ids=["drip-fed-body", "drip-fed-headers"])
def test_a_drip_feeding_server_cannot_stretch_the_deadline(chunks: list[bytes | float]) -> None:
    with raw_server(chunks) as url:
        started = time.monotonic()
        exchange = _client(url).list("s", "f")
        elapsed = time.monotonic() - started
    assert exchange.error is not None
    assert "no complete response within 2s" in exchange.error
    assert elapsed < FAST.total_timeout + 1.5


def test_a_deadline_armed_after_a_longer_one_still_fires_on_time() -> None:
    """The watchdog sleeps until its earliest deadline and is woken only for an earlier one."""
    with deadlines.deadline(30) as long_cut, deadlines.deadline(0.05) as short_cut:
        time.sleep(0.5)
        assert short_cut()
        assert not long_cut()


def test_cancelled_deadlines_do_not_pile_up() -> None:
    """Requests far quicker than their deadline leave no trail of cancelled ones behind them."""
    for _ in range(5000):
        with deadlines.deadline(60):
            pass
    assert len(deadlines._WATCHDOG._due) < 200


def test_explaining_a_hostile_page_is_bounded() -> None:
    body = b'{"configs": [' + b",".join([b'{"qualifier": 1, "service": [], "function": {}}'] * 50_000) + b"]}"
    report = Spec().validate(200, dict(JSON), body)
    assert 0 < len(report.problems) <= MAX_EXPLAINED + 1


def test_untrusted_text_is_made_visible_and_fenced() -> None:
    hostile = "\x1b[2J\x1b]8;;http://evil\x07click\x1b]8;;\x07 ```\n<script>x</script> | [a](http://evil)"
    assert "\x1b" not in visible(hostile)
    assert "\\x1b[2J" in visible(hostile)
    block = fence(hostile)
    assert block[0] == block[-1] == "````"
    assert "\n" not in span(hostile)
    assert "\\|" in span(hostile)


def test_one_redaction_covers_every_form(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", "CAIS/token+value==\n")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCOUNT_ID", "188077086902")
    redactor = Redactor.from_environment()
    leaks = ["CAIS/token+value==", "CAIS\\/token+value==", "CAIS%2Ftoken%2Bvalue%3D%3D", "CAIS/token+value==\n",
             "https://188077086902.CN-HANGZHOU.FC.ALIYUNCS.COM/x", "acs%3Afc%3Acn-hangzhou%3A188077086902%3Aservices",
             "acs:mns:cn-hangzhou:188077086902:/queues/q"]
    for leak in leaks:
        assert "188077086902" not in redactor.text(leak)
        assert "token+value" not in redactor.text(leak)
        assert "token%2Bvalue" not in redactor.text(leak)


def test_the_curl_line_keeps_no_account_id() -> None:
    exchange = Exchange("GET", "http://127.0.0.1/x", {"X-Fc-Account-Id": "188077086902", "X-Fc-Trace-Id": "t"})
    assert "188077086902" not in exchange.curl()
    assert "X-Fc-Trace-Id: t" in exchange.curl()


def test_a_body_not_received_whole_is_recorded_as_the_error_and_bytes_stay_exact(tmp_path: Path) -> None:
    cut = Exchange("GET", "http://h/p?limit=1", {}, status=200, body=b"", error="connection failed: reset",
                   clause="c")
    binary = Exchange("GET", "http://h/p?limit=2", {}, status=200, body=b"\xff\xfe{\x00\x1b", clause="c")
    cassette_writer.save(tmp_path, [cut, binary], {"suite_version": "t"}, Redactor())
    loaded = cassettes.load(tmp_path / "c.yaml").interactions
    assert loaded[0].error == "connection failed: reset"
    assert loaded[1].body == b"\xff\xfe{\x00\x1b"
    assert loaded[1].error is None


@pytest.mark.parametrize(("text", "problem"), [
    (b"interactions: []\nversion: 1\nx: \xff\n", "not UTF-8 text"),
    (b"a: " + b"[" * 200 + b"]" * 200 + b"\n", "nested deeper than 32 levels"),
    (b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b]\n",
     "an alias"),
    (b"interactions:\n- request: {method: GET, uri: 'http://h/p', headers: {}}\n  response:\n"
     b"    status: {code: 200}\n    body: {string: 100000000000000}\nversion: 1\n", "response.body.string is int"),
    (b"interactions:\n- request: {method: GET, uri: 'http://h/p'}\n  response:\n"
     b"    status: {code: 99999}\n    body: {string: ''}\nversion: 1\n", "is not an HTTP status"),
])
def test_a_hostile_cassette_is_one_line_naming_file_and_problem(tmp_path: Path, text: bytes, problem: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(text)
    with pytest.raises(CassetteError, match=problem) as caught:
        cassettes.load(path)
    assert str(caught.value).startswith(str(path))
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("url", ["https://188077086902.cn-hangzhou.fc.aliyuncs.com",
                                 "https://188077086902.CN-HANGZHOU.FC.ALIYUNCS.COM.",
                                 "http://188077086902.cn-hangzhou-internal.fc.aliyuncs.com:80/"])
def test_a_url_naming_the_service_is_a_live_target(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tSafetyByUrl00001")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "secret")
    settings = _settings(target=url, allow_insecure=True)
    assert is_fc_endpoint(url)
    assert settings.signing_scheme == "acs3"
    target = open_target(settings, Spec())
    try:
        assert target.kind == "live"  # read-only: the fc fixture refuses anything but GET
    finally:
        target.close()


def test_signing_over_plain_http_to_another_host_is_refused(run_contracts: Callable[..., Verdict],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tSafetyByUrl00001")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "secret")
    verdict = run_contracts("--fc-target=http://fc-contract.invalid:9000", "--fc-signing=fc")
    assert verdict.exit_code == 4
    assert "refusing to send signed requests over plain http to another host" in verdict.output
    assert "--fc-allow-insecure" in verdict.output
    assert not is_loopback("http://fc-contract.invalid:9000")
    for loopback in ("http://127.0.0.2:9", "http://localhost:1", "http://[::1]:1"):
        assert is_loopback(loopback)


def _settings(**changes: object) -> Settings:
    base = {name: default for name, (default, _) in OPTIONS.items()}
    numbers = {"max_requests": 2000, "max_pages": 100, "timeout": 10.0, "max_seconds": 600.0}
    flags = {name: False for name in FLAGS}
    return Settings(**{**base, **numbers, **flags, **changes})  # type: ignore[arg-type]


def test_the_history_keeps_excerpts_not_whole_bodies() -> None:
    big = http(headers=JSON, body=b'{"configs": [], "pad": "' + b"x" * 200_000 + b'"}')
    with raw_server([big]) as url:
        client = _client(url)
        exchange = client.list("s", "f")
    assert len(exchange.body) > 200_000  # the caller gets the whole body
    assert len(client.history[-1].body) == HISTORY_BODY  # the run's history an excerpt
