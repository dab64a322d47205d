"""Adapters that drive the official SDKs through one call shape, for the SDK clauses (contracts/sdk)."""

from __future__ import annotations

import importlib.metadata
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version
from requests.structures import CaseInsensitiveDict

ENDPOINT_HOST = "fc-contract.invalid"  # the replay base; responses answers for it, nothing resolves it
KEY_ID, KEY_SECRET = "replay-access-key-id", "replay-access-key-secret"
FC_HEADER_FIELDS = {"X-Fc-Account-Id": "x_fc_account_id", "X-Fc-Code-Checksum": "x_fc_code_checksum",
                    "X-Fc-Date": "x_fc_date", "X-Fc-Invocation-Type": "x_fc_invocation_type",
                    "X-Fc-Log-Type": "x_fc_log_type", "X-Fc-Trace-Id": "x_fc_trace_id"}


class Sent:
    """What an SDK sent: method, URL and headers (looked up in any case), whichever HTTP library sent it."""

    def __init__(self, method: str, url: str, headers: Any) -> None:
        self.method, self.url = method, url
        self.headers: CaseInsensitiveDict[str] = CaseInsensitiveDict(
            {str(k): str(v) for k, v in dict(headers or {}).items()})


@dataclass
class Outcome:
    """What one SDK call gave back: a page (as the SDK's model maps it) or an error."""

    body: dict[str, Any] | None = None
    next_token: str | None = None
    status: int | None = None
    error_code: str | None = None
    request_id: str | None = None
    error: str | None = None


class Unsupported(Exception):
    """This version of an SDK lacks the call the adapter makes: the SDK clauses skip it, saying so."""


@dataclass(frozen=True)
class Defect:
    """A known defect of an SDK: what it does, and the versions it was seen in (a PEP 440 specifier set)."""

    text: str
    seen: str = ">=0"

    def covers(self, version: str) -> bool:
        """True when `version` is among those the defect was seen in (so the clause expects it)."""
        try:
            return Version(version) in SpecifierSet(self.seen)
        except InvalidVersion:
            return True

    @property
    def where(self) -> str:
        return f"seen in {self.seen.replace(',', ' and ')}"


def _version(distribution: str) -> str:
    return importlib.metadata.version(distribution)


def _installed(distribution: str) -> bool:
    try:
        _version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


# The versions each defect was seen in, by `nox -s sdk` over every published version on 2026-11-27 (README,
# "Every SDK version, side by side"): a version outside the range is expected to be free of it. Of
# alibabacloud-fc-open20210406, 1.0.0 to 1.0.4 lack the call the adapter makes, 1.0.5 to 1.0.10 and 2.0.12 have
# the defect, and 1.1.0 to 2.0.11 cannot make a call as pip installs them today (tea-openapi 0.3.14 beside
# credentials 0.3.6: 'CredentialModel' object has no attribute 'provider_name'); aliyun-fc2 has the call from
# 2.5.0 on, always with the defect.
OPEN_API_ERRORS = ">=1.0.5"
FC2_FALSY = ">=2.5.0"


@dataclass
class OpenApiSdk:
    """alibabacloud-fc-open20210406: list_function_async_invoke_configs_with_options, ACS3-signed."""

    name: str = "alibabacloud-fc-open20210406"
    version: str = field(default_factory=lambda: _version("alibabacloud-fc-open20210406"))
    defects: dict[str, Defect] = field(default_factory=lambda: {
        "sdk.errors": Defect("alibabacloud-fc-open20210406 reads Code/Message/RequestId from the error body, not "
                             "FC's ErrorCode/ErrorMessage and the X-Fc-Request-Id header: its exception's code and "
                             "request id are 'None' (the code is only in e.data['ErrorCode'])", OPEN_API_ERRORS),
    })
    required_headers: dict[str, str] = field(default_factory=lambda: {
        "Authorization": "ACS3-HMAC-SHA256 Credential=", "x-acs-action": "ListFunctionAsyncInvokeConfigs",
        "x-acs-version": "2021-04-06", "x-acs-date": "20", "x-acs-content-sha256": ""})

    modes: tuple[str, ...] = ("sync", "async")  # list_function_async_invoke_configs_with_options[_async]

    def __post_init__(self) -> None:
        from alibabacloud_fc_open20210406 import models
        from alibabacloud_fc_open20210406.client import Client
        from alibabacloud_tea_openapi.models import Config

        if not hasattr(models, "ListFunctionAsyncInvokeConfigsHeaders") or not hasattr(
                Client, "list_function_async_invoke_configs_with_options"):
            raise Unsupported(f"{self.name} {self.version} has no list_function_async_invoke_configs_with_options "
                              "taking ListFunctionAsyncInvokeConfigsHeaders: the adapter cannot call it")
        self._client = Client(Config(access_key_id=KEY_ID, access_key_secret=KEY_SECRET, endpoint=ENDPOINT_HOST,
                                     protocol="https"))
        if not hasattr(Client, "list_function_async_invoke_configs_with_options_async"):
            self.modes = ("sync",)

    def drops(self, limit: int | None, next_token: str | None) -> bool:
        return False

    def parse(self, headers: dict[str, str], body: bytes) -> Outcome:
        """A 200 list body as the SDK reads one: darabonba's Stream.read_as_json, then the response body model."""
        import io

        from alibabacloud_fc_open20210406 import models
        from darabonba.utils.stream import Stream

        try:
            text = Stream.read_as_string(io.BytesIO(body))
        except Exception as exc:  # noqa: BLE001 - every SDK failure is an outcome to judge
            return _failure(exc)
        try:  # Stream.read_as_json's own parse, whose RuntimeError quotes the whole body: its cause says why
            data = json.loads(text)
        except ValueError as exc:
            return Outcome(error=f"RuntimeError: Failed to parse the value as json format ({exc})")
        try:
            model = models.ListFunctionAsyncInvokeConfigsResponseBody().from_map(data)
        except Exception as exc:  # noqa: BLE001 - every SDK failure is an outcome to judge
            return _failure(exc)
        return _page(type("Response", (), {"body": model, "status_code": 200, "headers": headers})())

    def _arguments(self, service: str, function: str, limit: int | None, next_token: str | None,
                   headers: dict[str, str]) -> tuple[Any, ...]:
        from alibabacloud_fc_open20210406 import models
        from alibabacloud_tea_util.models import RuntimeOptions

        fc_headers = models.ListFunctionAsyncInvokeConfigsHeaders(
            **{FC_HEADER_FIELDS[k]: v for k, v in headers.items() if k in FC_HEADER_FIELDS})
        return (service, function, models.ListFunctionAsyncInvokeConfigsRequest(limit=limit, next_token=next_token),
                fc_headers, RuntimeOptions(autoretry=False))

    def call(self, service: str, function: str, limit: int | None, next_token: str | None,
             headers: dict[str, str]) -> Outcome:
        try:
            response = self._client.list_function_async_invoke_configs_with_options(
                *self._arguments(service, function, limit, next_token, headers))
        except Exception as exc:  # noqa: BLE001 - every SDK failure is an outcome to judge
            return _failure(exc)
        return _page(response)

    async def call_async(self, service: str, function: str, limit: int | None, next_token: str | None,
                         headers: dict[str, str]) -> Outcome:
        """The same call through the SDK's aiohttp path."""
        try:
            response = await self._client.list_function_async_invoke_configs_with_options_async(
                *self._arguments(service, function, limit, next_token, headers))
        except Exception as exc:  # noqa: BLE001 - every SDK failure is an outcome to judge
            return _failure(exc)
        return _page(response)


def _failure(exc: Exception) -> Outcome:
    return Outcome(status=getattr(exc, "status_code", None), error_code=str(getattr(exc, "code", None)),
                   request_id=str(getattr(exc, "request_id", None)), error=f"{type(exc).__name__}: {exc}")


def _page(response: Any) -> Outcome:
    """The page a response holds; an SDK whose response lacks a part gives None for it (older versions)."""
    body = getattr(response, "body", None)
    try:
        mapped = body.to_map() if body is not None else None
    except Exception as exc:  # noqa: BLE001 - a model that cannot map itself is an outcome to judge
        return _failure(exc)
    return Outcome(body=mapped, next_token=getattr(body, "next_token", None),
                   status=getattr(response, "status_code", 200), request_id=(getattr(response, "headers", None) or {}
                                                                             ).get("x-fc-request-id"))


@dataclass
class Fc2Sdk:
    """aliyun-fc2: list_function_async_invoke_configs as shipped (API version 2016-08-15), FC-signed."""

    name: str = "aliyun-fc2"
    version: str = field(default_factory=lambda: _version("aliyun-fc2"))
    defects: dict[str, Defect] = field(default_factory=lambda: {
        "sdk.request.falsy": Defect("aliyun-fc2 drops falsy query values: limit=0 and an empty nextToken are not "
                                    "sent (params = {k: v for k, v in ... if v})", FC2_FALSY),
    })
    required_headers: dict[str, str] = field(default_factory=lambda: {"Authorization": "FC ", "Date": ""})
    modes: tuple[str, ...] = ("sync",)  # it has no async methods

    def __post_init__(self) -> None:
        import fc2

        if not hasattr(fc2.Client, "list_function_async_invoke_configs"):
            raise Unsupported(f"{self.name} {self.version} has no list_function_async_invoke_configs")
        # As its users have it: the default API version (2016-08-15), which the service serves as it does 2021-04-06
        self._client = fc2.Client(endpoint=f"https://{ENDPOINT_HOST}", accessKeyID=KEY_ID, accessKeySecret=KEY_SECRET)

    def drops(self, limit: int | None, next_token: str | None) -> bool:
        return limit == 0 or next_token == ""

    def parse(self, headers: dict[str, str], body: bytes) -> Outcome:
        """A 200 list body as the SDK reads one: requests' Response.json(), the encoding from the headers."""
        import requests
        from requests.structures import CaseInsensitiveDict
        from requests.utils import get_encoding_from_headers

        response = requests.Response()
        response._content, response.status_code = body, 200
        response.headers = CaseInsensitiveDict(headers)
        response.encoding = get_encoding_from_headers(response.headers)
        try:
            data = response.json()
        except Exception as exc:  # noqa: BLE001 - every SDK failure is an outcome to judge
            return Outcome(error=f"{type(exc).__name__}: {exc}")
        return Outcome(body=data, next_token=data.get("nextToken") if isinstance(data, dict) else None, status=200)

    async def call_async(self, service: str, function: str, limit: int | None, next_token: str | None,
                         headers: dict[str, str]) -> Outcome:
        raise NotImplementedError("aliyun-fc2 has no async methods")

    def call(self, service: str, function: str, limit: int | None, next_token: str | None,
             headers: dict[str, str]) -> Outcome:
        from fc2.fc_exceptions import FcError

        logging.disable(logging.ERROR)  # aliyun-fc2 logs every 4xx at ERROR on the root logger
        try:
            response = self._client.list_function_async_invoke_configs(service, function, limit=limit,
                                                                        nextToken=next_token, headers=dict(headers))
        except FcError as exc:
            return Outcome(status=exc.status_code, error_code=exc.err_code, request_id=exc.request_id,
                           error=f"FcError: {exc.err_code}")
        except Exception as exc:  # noqa: BLE001 - every SDK failure is an outcome to judge
            return Outcome(error=f"{type(exc).__name__}: {exc}")
        finally:
            logging.disable(logging.NOTSET)
        data = response.data
        return Outcome(body=data, next_token=data.get("nextToken") if isinstance(data, dict) else None, status=200,
                       request_id=response.headers.get("X-Fc-Request-Id"))


Sdk = OpenApiSdk | Fc2Sdk
FACTORIES: dict[str, type[OpenApiSdk] | type[Fc2Sdk]] = {"alibabacloud-fc-open20210406": OpenApiSdk,
                                                         "aliyun-fc2": Fc2Sdk}


def load(name: str) -> Sdk | str:
    """The adapter, or why it cannot be had (the SDK is not installed, or this version lacks the call)."""
    try:
        return FACTORIES[name]()
    except Unsupported as exc:
        return str(exc)
    except ImportError as exc:
        if _installed(name):  # the SDK is there, one of its imports is not (a dependency too old or missing)
            return f"{name} {_version(name)} cannot be imported: {exc}"
        return f"{name} is not installed ({exc.name}); pip install '{name}' or the test extra"
    except importlib.metadata.PackageNotFoundError:
        return f"{name} is not installed; pip install '{name}' or the test extra"


def without_nulls(value: Any) -> Any:
    """null and absent say the same; drop nulls so that a model that omits them compares equal."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value
