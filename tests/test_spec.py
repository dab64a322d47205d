"""The OpenAPI description is valid, loads in schemathesis, and matches the official SDK's models."""

from __future__ import annotations

import inspect
import json
import typing
from typing import Any

import pytest
import schemathesis
from hypothesis import given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate

from fc_contract.fake import FakeFC, seed_store
from fc_contract.http.api import CONFIG_OPERATION, LIST_OPERATION
from fc_contract.judging.spec import Spec
from fc_contract.settings import SPEC_PATH

JSON_TYPES = {str: "string", int: "integer", bool: "boolean", float: "number"}


def test_the_description_is_valid_openapi_3_0() -> None:
    spec = Spec()
    validate(spec.document)
    assert spec.document["openapi"] == "3.0.3"


def test_schemathesis_loads_the_one_operation() -> None:
    schema = schemathesis.openapi.from_path(SPEC_PATH)
    operation = schema[LIST_OPERATION]["GET"]
    assert operation.definition.raw["operationId"] == "ListFunctionAsyncInvokeConfigs"


def test_limit_and_the_headers_are_described_as_documented() -> None:
    params = {p.get("name"): p for p in Spec().operation["parameters"] if "name" in p}
    assert params["limit"]["schema"] == {"type": "integer", "format": "int32", "minimum": 1, "maximum": 100,
                                         "default": 20}
    assert params["X-Fc-Log-Type"]["schema"]["enum"] == ["Tail", "None"]
    assert params["X-Fc-Invocation-Type"]["schema"]["enum"] == ["Sync", "Async"]
    assert {"X-Fc-Account-Id", "X-Fc-Code-Checksum", "X-Fc-Date", "X-Fc-Trace-Id"} <= set(params)


def test_the_documented_example_conforms_to_the_schema() -> None:
    spec = Spec()
    example = spec.operation["responses"]["200"]["content"]["application/json"]["example"]
    report = spec.validate(200, {"Content-Type": "application/json", "X-Fc-Request-Id": "r"},
                           json.dumps(example).encode())
    assert report.problems == []


# --- the SDK is the oracle of the response fields ----------------------------------------------
models = pytest.importorskip("alibabacloud_fc_open20210406.models")


def _sample(annotation: Any) -> Any:
    """A value of the annotated type, so that to_map() emits the field."""
    if annotation in JSON_TYPES:
        return annotation(1) if annotation is not str else "x"
    if typing.get_origin(annotation) in (list, typing.List):  # noqa: UP006 - the SDK's own annotation
        return []
    return annotation()


def _sdk_fields(model: type) -> dict[str, str]:
    """Wire name -> JSON type of every field of an SDK model, read from its __init__ and to_map()."""
    params = [p for p in inspect.signature(model).parameters.values()]
    instance = model(**{p.name: _sample(p.annotation) for p in params})
    wire = instance.to_map()
    types: dict[str, str] = {}
    for param in params:
        keys = [k for k in wire if k.replace("_", "").lower() == param.name.replace("_", "").lower()]
        assert len(keys) == 1, f"SDK field {param.name} has no single wire name in {sorted(wire)}"
        annotation = param.annotation
        if annotation in JSON_TYPES:
            types[keys[0]] = JSON_TYPES[annotation]
        elif typing.get_origin(annotation) in (list, typing.List):  # noqa: UP006
            types[keys[0]] = "array"
        else:
            types[keys[0]] = "object"
    return types


def _spec_fields(spec: Spec, name: str) -> dict[str, str]:
    fields = {}
    for key, prop in spec.schema(name)["properties"].items():
        if "$ref" in prop:
            prop = spec.schema(prop["$ref"].rsplit("/", 1)[1])
        fields[key] = prop["type"]
    return fields


@pytest.mark.parametrize(("sdk_model", "schema_name"), [
    ("ListFunctionAsyncInvokeConfigsResponseBody", "ListFunctionAsyncInvokeConfigsResponseBody"),
    ("ListFunctionAsyncInvokeConfigsResponseBodyConfigs", "AsyncConfig"),
    ("DestinationConfig", "DestinationConfig"),
    ("Destination", "Destination"),
    ("PutFunctionAsyncInvokeConfigResponseBody", "AsyncConfig"),
    ("GetFunctionAsyncInvokeConfigResponseBody", "AsyncConfig"),
])
def test_response_fields_match_the_sdk_model(sdk_model: str, schema_name: str) -> None:
    sdk = _sdk_fields(getattr(models, sdk_model))
    described = _spec_fields(Spec(), schema_name)
    for name in sorted(set(sdk) | set(described)):
        assert name in described, f"{sdk_model}.{name} is in the SDK but not in the description"
        assert name in sdk, f"{schema_name}.{name} is in the description but not in the SDK's {sdk_model}"
        assert sdk[name] == described[name], f"{name}: the SDK says {sdk[name]}, the description {described[name]}"


def test_the_put_request_matches_the_sdk_model() -> None:
    """PutFunctionAsyncInvokeConfigRequest: qualifier goes in the query, every other field in the body."""
    spec = Spec()
    sdk = _sdk_fields(models.PutFunctionAsyncInvokeConfigRequest)
    assert sdk.pop("qualifier") == "string"
    assert sdk == _spec_fields(spec, "PutFunctionAsyncInvokeConfigRequestBody")
    shared = spec.document["paths"][CONFIG_OPERATION]["parameters"]
    qualifier = next(p for p in shared if p.get("name") == "qualifier")
    assert {"name": "qualifier", "in": "query"}.items() <= qualifier.items()
    body = spec.document["paths"][CONFIG_OPERATION]["put"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/PutFunctionAsyncInvokeConfigRequestBody"}


def test_the_siblings_are_the_sdk_operations() -> None:
    """Each described sibling is a method of the SDK client, with the same HTTP method and path."""
    client = pytest.importorskip("alibabacloud_fc_open20210406.client").Client
    described = Spec().document["paths"][CONFIG_OPERATION]
    for method in ("put", "get", "delete"):
        operation = described[method]["operationId"]
        name = "".join(f"_{c.lower()}" if c.isupper() else c for c in operation).lstrip("_") + "_with_options"
        source = inspect.getsource(getattr(client, name))
        assert f"method='{method.upper()}'" in source, f"{name} does not send {method.upper()}"
        assert "/async-invoke-config'" in source, name
        assert f"action='{operation}'" in source, name


def test_the_drift_check_names_a_drifted_field(monkeypatch: pytest.MonkeyPatch) -> None:
    original = models.ListFunctionAsyncInvokeConfigsResponseBodyConfigs.to_map

    def renamed(self: Any) -> dict[str, Any]:
        wire: dict[str, Any] = original(self)
        wire["qualifierName"] = wire.pop("qualifier")
        return wire

    monkeypatch.setattr(models.ListFunctionAsyncInvokeConfigsResponseBodyConfigs, "to_map", renamed)
    with pytest.raises(AssertionError, match="qualifier"):
        test_response_fields_match_the_sdk_model("ListFunctionAsyncInvokeConfigsResponseBodyConfigs", "AsyncConfig")


_SPEC = Spec()
JSON = st.recursive(st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=3),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
                    max_leaves=6)
FIELDS = ("createdTime", "destinationConfig", "function", "lastModifiedTime", "maxAsyncEventAgeInSeconds",
          "maxAsyncRetryAttempts", "qualifier", "service", "statefulInvocation")


@st.composite
def pages(draw: st.DrawFn) -> Any:
    """A valid page of the reference server, with a few fields replaced, dropped or nested oddly."""
    store = seed_store(draw(st.integers(0, 6)))
    body: Any = FakeFC(store).list_body(store.configs("demo-service", "helloworld"), draw(st.sampled_from(["", "t"])))
    for _ in range(draw(st.integers(0, 3))):
        configs = body.get("configs")
        items: list[Any] = [c for c in configs if isinstance(c, dict)] if isinstance(configs, list) else []
        pick_item: bool = draw(st.booleans())
        target: Any = items[draw(st.integers(0, len(items) - 1))] if items and pick_item else body
        name = draw(st.sampled_from([*FIELDS, "configs", "nextToken", "onSuccess", "destination"]))
        if draw(st.booleans()):
            target.pop(name, None)
        else:
            target[name] = draw(JSON)
    return body


@settings(max_examples=300, deadline=None)
@given(data=pages() | JSON)
def test_the_compiled_validator_agrees_with_the_openapi_validator(data: Any) -> None:
    spec = _SPEC
    for name in ("ListFunctionAsyncInvokeConfigsResponseBody", "Error"):
        explained = list(spec._validator(name).iter_errors(data))
        assert spec._compiled[name].is_valid(data) == (not explained), (name, data, explained[:1])


def test_a_page_served_again_is_explained_the_same_from_what_was_kept() -> None:
    spec = Spec()
    body = b'{"configs": [{"qualifier": 1}], "nextToken": 2}'
    first = spec.validate(200, {"Content-Type": "application/json", "X-Fc-Request-Id": "r"}, body)
    first.problems.append("changed by its reader")
    again = spec.validate(200, {"Content-Type": "application/json"}, body)
    assert again.problems[0] == "header X-Fc-Request-Id is missing"
    assert again.problems[1:] == first.problems[:-1], again.problems
    assert len(again.problems) > 2, again.problems
    assert spec.validate(200, {"Content-Type": "application/json", "X-Fc-Request-Id": "r"},
                         b'{"configs": [], "nextToken": 2}').problems == ["nextToken: 2 is not of type 'string'"]
