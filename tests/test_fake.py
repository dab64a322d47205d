"""The reference server implements the operation faithfully and never crashes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from fc_contract.fake import FakeFC, seed_store
from fc_contract.fake.store import load_store
from fc_contract.judging.spec import Spec
from wsgi import call

LIST = "/2021-04-06/services/demo-service/functions/helloworld/async-invoke-configs"
ONE = "/2021-04-06/services/demo-service/functions/helloworld/async-invoke-config"


@pytest.fixture
def app() -> FakeFC:
    return FakeFC(seed_store(45))


def _walk(app: FakeFC, limit: int) -> tuple[list[str], list[int], object]:
    qualifiers, sizes, token = [], [], None
    while True:
        reply = call(app, "GET", LIST, [("limit", str(limit))] + ([("nextToken", token)] if token else []))
        assert reply.status == 200
        body = reply.json()
        qualifiers += [c["qualifier"] for c in body["configs"]]
        sizes.append(len(body["configs"]))
        token = body["nextToken"]
        if token == "":
            return qualifiers, sizes, token


def test_a_walk_returns_every_config_once_and_ends_with_an_empty_token(app: FakeFC) -> None:
    qualifiers, sizes, last = _walk(app, 20)
    assert len(qualifiers) == len(set(qualifiers)) == 45
    assert sizes == [20, 20, 5]
    assert last == ""
    assert qualifiers == sorted(qualifiers)


def test_seeded_configs_are_varied_and_conform(app: FakeFC) -> None:
    reply = call(app, "GET", LIST, [("limit", "100")])
    configs = reply.json()["configs"]
    assert Spec().validate(200, reply.headers, reply.body).problems == []
    assert "LATEST" in {c["qualifier"] for c in configs}
    assert "prod" in {c["qualifier"] for c in configs}
    assert any(c["destinationConfig"] is None for c in configs)
    assert any(c["destinationConfig"] and c["destinationConfig"]["onSuccess"] is None for c in configs)
    arns = json.dumps(configs)
    assert "acs:mns:" in arns
    assert "acs:fc:" in arns
    assert any(c["maxAsyncRetryAttempts"] is None for c in configs)


@pytest.mark.parametrize("limit", ["0", "-1", "101", "1.5", "abc", "", "1e2"])
def test_bad_limits_get_invalid_argument(app: FakeFC, limit: str) -> None:
    reply = call(app, "GET", LIST, [("limit", limit)])
    assert reply.status == 400
    assert reply.json()["ErrorCode"] == "InvalidArgument"
    assert reply.headers["X-Fc-Request-Id"]


def test_tokens_are_verified(app: FakeFC) -> None:
    token = call(app, "GET", LIST, [("limit", "5")]).json()["nextToken"]
    assert call(app, "GET", LIST, [("nextToken", token)]).status == 200
    for bad in (token + "x", token[:-2], "nope", token.replace(".", ".A")):
        reply = call(app, "GET", LIST, [("nextToken", bad)])
        assert (reply.status, reply.json()["ErrorCode"]) == (400, "InvalidArgument"), bad
    other = FakeFC(seed_store(45))  # another server's key
    assert call(other, "GET", LIST, [("nextToken", token)]).status == 400


def test_a_token_is_bound_to_its_function() -> None:
    store = seed_store(10)
    store.add_function("demo-service", "other")
    for config in seed_store(10, function="other").configs("demo-service", "other"):
        store.put(config)
    app = FakeFC(store)
    token = call(app, "GET", LIST, [("limit", "2")]).json()["nextToken"]
    reply = call(app, "GET", LIST.replace("helloworld", "other"), [("nextToken", token)])
    assert reply.status == 400


def test_not_found_errors_use_the_real_messages(app: FakeFC) -> None:
    reply = call(app, "GET", LIST.replace("demo-service", "nope"))
    assert (reply.status, reply.json()) == (404, {"ErrorCode": "ServiceNotFound",
                                                  "ErrorMessage": "service 'nope' does not exist"})
    reply = call(app, "GET", LIST.replace("helloworld", "nope"))
    assert reply.json()["ErrorMessage"] == "function 'nope' does not exist in service 'demo-service'"


def test_put_get_delete_set_up_a_scenario(app: FakeFC) -> None:
    body = {"maxAsyncRetryAttempts": 2, "destinationConfig": {"onSuccess": None,
                                                              "onFailure": {"destination": "acs:mns:x"}}}
    put = call(app, "PUT", ONE, [("qualifier", "zz-new")], json.dumps(body).encode())
    assert put.status == 200
    assert put.json()["maxAsyncRetryAttempts"] == 2
    assert call(app, "GET", ONE, [("qualifier", "zz-new")]).json()["qualifier"] == "zz-new"
    assert len(call(app, "GET", LIST, [("limit", "100")]).json()["configs"]) == 46
    assert call(app, "DELETE", ONE, [("qualifier", "zz-new")]).status == 204
    assert call(app, "GET", ONE, [("qualifier", "zz-new")]).status == 404
    bad = call(app, "PUT", ONE, [("qualifier", "x")], b'{"maxAsyncRetryAttempts": 9}')
    assert (bad.status, bad.json()["ErrorCode"]) == (400, "InvalidArgument")


@settings(max_examples=150, deadline=None, database=None, derandomize=True)
@given(method=st.sampled_from(["GET", "PUT", "DELETE", "POST", "HEAD", "PATCH", "X"]),
       path=st.one_of(st.just(LIST), st.just(ONE), st.text(max_size=40).map(lambda s: "/" + s)),
       query=st.text(max_size=40), body=st.binary(max_size=64))
def test_any_request_gets_a_well_formed_answer(method: str, path: str, query: str, body: bytes) -> None:
    app = FakeFC(seed_store(3))
    reply = call(app, method, path.encode("utf-8", "replace").decode("latin-1"), query, body)
    assert reply.headers["X-Fc-Request-Id"]
    if reply.status not in (200, 204):
        data = reply.json()
        assert set(data) == {"ErrorCode", "ErrorMessage"}, data
        assert reply.status < 500, data


def test_load_store_reports_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "configs.json"
    bad.write_text("{not json")
    with pytest.raises(ValueError, match=r"configs\.json: cannot load configs"):
        load_store(bad)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(seed_store(3).to_json()))
    assert len(load_store(good).configs("demo-service", "helloworld")) == 3


def test_the_command_line_serves_on_loopback() -> None:
    process = subprocess.Popen([sys.executable, "-m", "fc_contract.fake", "--port", "0", "--configs", "7"],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        url = line.rsplit(" ", 1)[1].strip()
        assert url.startswith("http://127.0.0.1:")
        reply = requests.get(url + LIST, params={"limit": 100}, timeout=5)
        assert len(reply.json()["configs"]) == 7
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_command_line_rejects_a_bad_data_file(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "fc_contract.fake", "--data", str(tmp_path / "missing.json")],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "missing.json" in result.stderr
