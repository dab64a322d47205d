"""Known-answer tests: both signers agree with the SDKs' own signing code, and with the fake's verifier."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from fc_contract.fake import FakeFC, seed_store
from fc_contract.fake.auth import Verifier
from fc_contract.fake.server import Server
from fc_contract.http.signing import EMPTY_SHA256, Acs3Signer, Credentials, FcSigner

KEY = Credentials("LTAI5tKnownAnswerKey0001", "known-answer-secret")
STS = Credentials("STS.NTestKnownAnswer0001", "sts-secret", "CAIS-security-token/+=")
PATH = "/2021-04-06/services/demo-service/functions/helloworld/async-invoke-configs"
QUERIES = [{"limit": "10"}, {"limit": "7", "nextToken": "a b/c+d~e*é=&%x"}, {}]
FC_HEADERS = {"X-Fc-Log-Type": "Tail", "X-Fc-Trace-Id": "trace/1 2", "X-Fc-Account-Id": "1234567890"}
WHEN = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)


def _prepare(signer: requests.auth.AuthBase, query: dict[str, str], headers: dict[str, str]) -> Any:
    request = requests.Request("GET", "https://1234567890.cn-hangzhou.fc.aliyuncs.com" + PATH, params=query,
                               headers=headers, auth=signer)
    return requests.Session().prepare_request(request)


@pytest.mark.parametrize("credentials", [KEY, STS], ids=["access-key", "sts"])
@pytest.mark.parametrize("query", QUERIES, ids=["limit", "reserved-characters", "no-query"])
def test_acs3_matches_the_official_sdk(credentials: Credentials, query: dict[str, str]) -> None:
    from alibabacloud_tea_openapi.utils import Utils
    from darabonba.request import DaraRequest

    prepared = _prepare(Acs3Signer(credentials, clock=lambda: WHEN, nonce=lambda: "nonce-1"), query, FC_HEADERS)
    ours = prepared.headers["Authorization"]
    sdk_request = DaraRequest()
    sdk_request.method, sdk_request.pathname, sdk_request.query = "GET", PATH, dict(query)
    sdk_request.headers = {k: v for k, v in prepared.headers.items()
                           if k.lower() not in ("authorization", "connection", "content-length")}
    expected = Utils.get_authorization(sdk_request, "ACS3-HMAC-SHA256", EMPTY_SHA256, credentials.access_key_id,
                                       credentials.access_key_secret)
    assert ours == expected
    assert prepared.headers["x-acs-date"] == "2024-05-06T07:08:09Z"
    if credentials.security_token:
        assert prepared.headers["x-acs-security-token"] == credentials.security_token
        assert "x-acs-security-token" in ours.split("SignedHeaders=")[1]


@pytest.mark.parametrize("credentials", [KEY, STS], ids=["access-key", "sts"])
@pytest.mark.parametrize("query", QUERIES, ids=["limit", "reserved-characters", "no-query"])
def test_fc_scheme_matches_aliyun_fc2(credentials: Credentials, query: dict[str, str]) -> None:
    from fc2.auth import Auth

    prepared = _prepare(FcSigner(credentials, clock=lambda: WHEN), query, FC_HEADERS)
    assert prepared.headers["Date"] == "Mon, 06 May 2024 07:08:09 GMT"
    headers = {k.lower(): v for k, v in prepared.headers.items() if k.lower() != "authorization"}
    expected = Auth(credentials.access_key_id, credentials.access_key_secret,
                    credentials.security_token).sign_request("GET", PATH, headers)
    assert prepared.headers["Authorization"] == expected
    if credentials.security_token:
        assert prepared.headers["x-fc-security-token"] == credentials.security_token


@pytest.fixture
def signed_server(server: Server) -> Server:
    server.app = FakeFC(seed_store(5), verifier=Verifier({KEY.access_key_id: KEY.access_key_secret}))
    return server


def test_the_current_sdk_gets_through_the_verifying_fake(signed_server: Server) -> None:
    from alibabacloud_fc_open20210406 import models
    from alibabacloud_fc_open20210406.client import Client
    from alibabacloud_tea_openapi.models import Config
    from alibabacloud_tea_util.models import RuntimeOptions

    client = Client(Config(access_key_id=KEY.access_key_id, access_key_secret=KEY.access_key_secret,
                           endpoint=signed_server.url.removeprefix("http://"), protocol="http"))
    response = client.list_function_async_invoke_configs_with_options(
        "demo-service", "helloworld", models.ListFunctionAsyncInvokeConfigsRequest(limit=2, next_token=None),
        models.ListFunctionAsyncInvokeConfigsHeaders(x_fc_log_type="Tail"), RuntimeOptions(autoretry=False))
    assert response.status_code == 200
    assert len(response.body.configs) == 2


def test_aliyun_fc2_gets_through_the_verifying_fake(signed_server: Server) -> None:
    import fc2

    client = fc2.Client(endpoint=signed_server.url, accessKeyID=KEY.access_key_id,
                        accessKeySecret=KEY.access_key_secret)
    client.api_version = "2021-04-06"  # the constructor has no such argument; the default is 2016-08-15
    response = client.list_function_async_invoke_configs("demo-service", "helloworld", limit=2)
    assert len(response.data["configs"]) == 2


@pytest.mark.parametrize(("signer", "code"), [
    (Acs3Signer(Credentials(KEY.access_key_id, "wrong")), "SignatureNotMatch"),
    (FcSigner(Credentials(KEY.access_key_id, "wrong")), "SignatureNotMatch"),
    (FcSigner(Credentials("LTAI5tUnknownKey00000001", "x")), "InvalidAccessKeyID"),
    (FcSigner(KEY, clock=lambda: datetime.now(UTC) - timedelta(minutes=16)), "RequestTimeTooSkewed"),
    (Acs3Signer(KEY, clock=lambda: datetime.now(UTC) + timedelta(minutes=16)), "RequestTimeTooSkewed"),
    (None, "AccessDenied"),
])
def test_the_fake_refuses_bad_signatures(signed_server: Server, signer: Any, code: str) -> None:
    reply = requests.get(signed_server.url + PATH, auth=signer, timeout=5)
    assert reply.status_code == 403
    assert reply.json()["ErrorCode"] == code
    assert reply.headers["X-Fc-Request-Id"]


@pytest.mark.parametrize("signer", [Acs3Signer(KEY), FcSigner(KEY), FcSigner(STS := Credentials(
    KEY.access_key_id, KEY.access_key_secret, "token"))], ids=["acs3", "fc", "fc-sts"])
def test_the_fake_accepts_good_signatures(signed_server: Server, signer: Any) -> None:
    reply = requests.get(signed_server.url + PATH, params={"limit": "3", "nextToken": ""}, auth=signer, timeout=5)
    assert reply.status_code == 200, reply.text


def test_aliyun_fc2_as_shipped_lists_puts_gets_and_deletes(signed_server: Server) -> None:
    """Its default API version (2016-08-15) and the qualifier in the path (services/{service}.{qualifier}/...)."""
    import fc2

    client = fc2.Client(endpoint=signed_server.url, accessKeyID=KEY.access_key_id,
                        accessKeySecret=KEY.access_key_secret)
    assert client.api_version == "2016-08-15"
    first = client.list_function_async_invoke_configs("demo-service", "helloworld", limit=2)
    assert len(first.data["configs"]) == 2
    config = {"maxAsyncRetryAttempts": 2, "statefulInvocation": True}
    put = client.put_function_async_invoke_config("demo-service", "q-shipped", "helloworld", config)
    assert (put.data["qualifier"], put.data["maxAsyncRetryAttempts"]) == ("q-shipped", 2)
    got = client.get_function_async_invoke_config("demo-service", "q-shipped", "helloworld")
    assert got.data["statefulInvocation"] is True
    client.delete_function_async_invoke_config("demo-service", "q-shipped", "helloworld")
    with pytest.raises(fc2.fc_exceptions.FcError):
        client.get_function_async_invoke_config("demo-service", "q-shipped", "helloworld")


@pytest.mark.parametrize("signer", [Acs3Signer(KEY), None], ids=["acs3", "unsigned"])
def test_a_chunked_put_body_is_read_whole(server: Server, signer: Any) -> None:
    """As @alicloud/fc-open20210406 sends every Put: Transfer-Encoding: chunked, no Content-Length."""
    verifier = Verifier({KEY.access_key_id: KEY.access_key_secret}) if signer is not None else None
    server.app = FakeFC(seed_store(5), verifier=verifier)
    target = server
    body = json.dumps({"maxAsyncRetryAttempts": 3}).encode()
    pieces = iter([body[:5], body[5:]])  # a generator body: requests frames it chunked
    url = target.url + "/2021-04-06/services/demo-service/functions/helloworld/async-invoke-config"
    reply = requests.put(url, params={"qualifier": "q-chunked"}, data=pieces, auth=signer, timeout=5,
                         headers={"Content-Type": "application/json",
                                  **({"x-acs-content-sha256": hashlib.sha256(body).hexdigest()} if signer else {})})
    assert reply.status_code == 200, reply.text
    assert reply.json()["maxAsyncRetryAttempts"] == 3
    assert reply.request.headers.get("Transfer-Encoding") == "chunked"


def test_alibabacloud_fc_open20210406_as_shipped_puts_gets_and_deletes(signed_server: Server) -> None:
    from alibabacloud_fc_open20210406 import models
    from alibabacloud_fc_open20210406.client import Client
    from alibabacloud_tea_openapi.models import Config
    from Tea.exceptions import TeaException

    client = Client(Config(access_key_id=KEY.access_key_id, access_key_secret=KEY.access_key_secret,
                           endpoint=signed_server.url.removeprefix("http://"), protocol="http"))
    put = client.put_function_async_invoke_config(
        "demo-service", "helloworld",
        models.PutFunctionAsyncInvokeConfigRequest(qualifier="q-tea", max_async_retry_attempts=4,
                                                   stateful_invocation=False))
    assert (put.body.qualifier, put.body.max_async_retry_attempts) == ("q-tea", 4)
    got = client.get_function_async_invoke_config("demo-service", "helloworld",
                                                  models.GetFunctionAsyncInvokeConfigRequest(qualifier="q-tea"))
    assert got.body.max_async_retry_attempts == 4
    client.delete_function_async_invoke_config("demo-service", "helloworld",
                                               models.DeleteFunctionAsyncInvokeConfigRequest(qualifier="q-tea"))
    with pytest.raises(TeaException):
        client.get_function_async_invoke_config("demo-service", "helloworld",
                                                models.GetFunctionAsyncInvokeConfigRequest(qualifier="q-tea"))
