"""The OpenAPI description: where it is, its hash, and validation of responses against it."""

from __future__ import annotations

import hashlib
import itertools
import json
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema_rs
import yaml

from fc_contract.http.api import LIST_OPERATION, is_list_call
from fc_contract.http.exchange import Exchange, ShapeReport
from fc_contract.settings import SPEC_PATH

if TYPE_CHECKING:
    from openapi_schema_validator import OAS30Validator
    from referencing import Registry

DATE_FIELDS = ("createdTime", "lastModifiedTime")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml where PyYAML has it: the description in 3 ms, not 25
MAX_EXPLAINED = 20  # problems named per response: the first ones found bound the cost of a hostile body
EXPLAINED_KEPT = 256  # explanations kept by body: a server that breaks the schema serves the same page again and again
EXPLAINED_BODY = 64 * 1024  # ... for bodies up to this size


def spec_hash(path: Path = SPEC_PATH) -> str:
    """sha256 of the description's bytes: what a cassette records to detect staleness."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _is_iso8601(value: Any) -> bool:
    """An ISO-8601 date-time with a time zone, as the documentation's examples show."""
    if not isinstance(value, str) or "T" not in value:
        return False
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def _to_json_schema(node: Any) -> Any:
    """An OpenAPI 3.0 schema as plain JSON Schema (draft 7): `nullable` becomes a type union, refs move."""
    if isinstance(node, list):
        return [_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _to_json_schema(value) for key, value in node.items()
           if key not in ("nullable", "example", "description", "format")}
    if isinstance(out.get("$ref"), str):
        out["$ref"] = out["$ref"].replace("#/components/schemas/", "#/definitions/")
    if node.get("nullable") is True:
        if "type" in out:
            types = out["type"] if isinstance(out["type"], list) else [out["type"]]
            out["type"] = [*types, "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    return out


BOM = b"\xef\xbb\xbf"


class Spec:
    """The loaded description of ListFunctionAsyncInvokeConfigs."""

    def __init__(self, path: Path = SPEC_PATH) -> None:
        self.path = path
        self.document: dict[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
        self._registry: Registry[Any] | None = None  # the OpenAPI validator's, made when a response breaks a schema
        self._explained: dict[tuple[str, bytes], list[str]] = {}
        definitions = _to_json_schema(self.document["components"]["schemas"])
        # Compiled once: a quick yes for the common case; a no is explained by the OpenAPI validator.
        self._compiled = {name: jsonschema_rs.Draft7Validator({"$ref": f"#/definitions/{name}",
                                                                "definitions": definitions}, validate_formats=False)
                          for name in definitions}

    @cached_property
    def operation(self) -> dict[str, Any]:
        return dict(self.document["paths"][LIST_OPERATION]["get"])

    def schema(self, name: str) -> dict[str, Any]:
        return dict(self.document["components"]["schemas"][name])

    def _validator(self, name: str) -> OAS30Validator:
        # Imported for the first response that breaks the description: with pydantic, 0.14 s of every run's start.
        from openapi_schema_validator import OAS30Validator
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4

        if self._registry is None:
            resource = Resource.from_contents(self.document, default_specification=DRAFT4)
            self._registry = Registry().with_resource("urn:fc-spec", resource)
        return OAS30Validator({"$ref": f"urn:fc-spec#/components/schemas/{name}"}, registry=self._registry)

    def inspect(self, exchange: Exchange) -> None:
        """Judge a list response into `exchange.shape` (the client calls it on receipt); others stay unjudged."""
        if exchange.status is not None and is_list_call(exchange.method, exchange.url):
            exchange.shape = self.validate(exchange.status, exchange.headers, exchange.body)

    def validate(self, status: int, headers: dict[str, str], body: bytes) -> ShapeReport:
        """Status, content type, X-Fc-Request-Id and body of one list response; never raises."""
        try:
            return self._validate(status, headers, body)
        except RecursionError:
            return ShapeReport([f"body nested too deeply to validate ({len(body)} bytes)"])

    def _validate(self, status: int, headers: dict[str, str], body: bytes) -> ShapeReport:
        report = ShapeReport()
        responses = self.operation["responses"]
        if str(status) not in responses:
            report.problems.append(f"status {status} is not documented (documented: {', '.join(responses)})")
            return report
        lower = {k.lower(): v for k, v in headers.items()}
        if not lower.get("x-fc-request-id"):
            report.problems.append("header X-Fc-Request-Id is missing")
        content_type = lower.get("content-type", "")
        if content_type.split(";")[0].strip().lower() != "application/json":
            report.problems.append(f"content type is {content_type or 'missing'!r}, not application/json")
        if body.startswith(BOM):
            report.problems.append("body begins with a UTF-8 byte-order mark (RFC 8259 section 8.1: a sender must "
                                   "not add one; the official SDKs cannot parse such a body)")
        try:
            data = json.loads(body)
        except ValueError:
            report.problems.append(f"body is not JSON: {body[:80]!r}")
            return report
        name = "ListFunctionAsyncInvokeConfigsResponseBody" if status == 200 else "Error"
        if not self._compiled[name].is_valid(data):
            report.problems += self._explain(name, body, data)
        if status == 200 and isinstance(data, dict):
            self._check_page(data, report)
        return report

    def _explain(self, name: str, body: bytes, data: Any) -> list[str]:
        """Every way `data` (parsed from `body`) breaks schema `name`, each naming its path."""
        if (name, body) in self._explained:
            return list(self._explained[name, body])
        found = itertools.islice(self._validator(name).iter_errors(data), MAX_EXPLAINED)
        problems = []
        for error in sorted(found, key=lambda e: list(e.absolute_path)):
            where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path) or "body"
            problems.append(f"{where.lstrip('.')}: {error.message}")
        if len(body) <= EXPLAINED_BODY and len(self._explained) < EXPLAINED_KEPT:
            self._explained[name, body] = problems
        return list(problems)

    def _check_page(self, data: dict[str, Any], report: ShapeReport) -> None:
        """What JSON Schema leaves out: ISO-8601 dates, and which fields are undocumented."""
        report.undocumented.update(k for k in data if k not in self.schema(
            "ListFunctionAsyncInvokeConfigsResponseBody")["properties"])
        configs = data.get("configs")
        known = self.schema("AsyncConfig")["properties"]
        for index, item in enumerate(configs if isinstance(configs, list) else []):
            if not isinstance(item, dict):
                continue
            report.undocumented.update(f"configs[].{k}" for k in item if k not in known)
            for name in DATE_FIELDS:
                if name in item and isinstance(item[name], str) and not _is_iso8601(item[name]):
                    report.problems.append(f"configs[{index}].{name}: {item[name]!r} is not an ISO-8601 date-time")
