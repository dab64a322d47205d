"""The fake's in-memory data: services, functions and their async invoke configs."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

DEFAULT_SERVICE = "demo-service"
DEFAULT_FUNCTION = "helloworld"
ALIASES = ("prod", "staging", "canary", "blue", "green", "beta", "gray", "release")


@dataclass
class AsyncConfig:
    """One async invoke config, as the API shows it."""

    service: str
    function: str
    qualifier: str
    created_time: str
    last_modified_time: str
    destination_config: dict[str, Any] | None = None
    max_async_event_age_in_seconds: int | None = None
    max_async_retry_attempts: int | None = None
    stateful_invocation: bool | None = None

    def to_wire(self) -> dict[str, Any]:
        """The JSON object of the 2021-04-06 API."""
        return {
            "createdTime": self.created_time,
            "destinationConfig": self.destination_config,
            "function": self.function,
            "lastModifiedTime": self.last_modified_time,
            "maxAsyncEventAgeInSeconds": self.max_async_event_age_in_seconds,
            "maxAsyncRetryAttempts": self.max_async_retry_attempts,
            "qualifier": self.qualifier,
            "service": self.service,
            "statefulInvocation": self.stateful_invocation,
        }

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> AsyncConfig:
        """Build from the API's JSON object (as written by to_wire)."""
        return cls(
            service=data["service"],
            function=data["function"],
            qualifier=data["qualifier"],
            created_time=data["createdTime"],
            last_modified_time=data["lastModifiedTime"],
            destination_config=data.get("destinationConfig"),
            max_async_event_age_in_seconds=data.get("maxAsyncEventAgeInSeconds"),
            max_async_retry_attempts=data.get("maxAsyncRetryAttempts"),
            stateful_invocation=data.get("statefulInvocation"),
        )


@dataclass
class Store:
    """Services → functions → configs by qualifier; listing order is by qualifier, stable."""

    functions: dict[tuple[str, str], dict[str, AsyncConfig]] = field(default_factory=dict)

    def add_function(self, service: str, function: str) -> None:
        self.functions.setdefault((service, function), {})

    def has_service(self, service: str) -> bool:
        return any(s == service for s, _ in self.functions)

    def configs(self, service: str, function: str) -> list[AsyncConfig]:
        """The function's configs in listing order."""
        by_qualifier = self.functions[(service, function)]
        return [by_qualifier[q] for q in sorted(by_qualifier)]

    def put(self, config: AsyncConfig) -> AsyncConfig:
        """Create or replace a config, keeping its creation time on replace."""
        by_qualifier = self.functions[(config.service, config.function)]
        old = by_qualifier.get(config.qualifier)
        if old is not None:
            config.created_time = old.created_time
        by_qualifier[config.qualifier] = config
        return config

    def to_json(self) -> list[dict[str, Any]]:
        """Every function with its configs, as `load_store` reads them."""
        return [
            {"service": s, "function": f, "configs": [c.to_wire() for c in self.configs(s, f)]}
            for s, f in self.functions
        ]


def _timestamp(base: datetime, seconds: int) -> str:
    return (base + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _destination(rng: random.Random, region: str, account: str) -> dict[str, str] | None:
    kind = rng.choice(["mns-queue", "mns-topic", "fc", "none"])
    if kind == "none":
        return None
    if kind == "fc":
        arn = f"acs:fc:{region}:{account}:services/{rng.choice(['audit', 'notify'])}/functions/on-event"
    elif kind == "mns-queue":
        arn = f"acs:mns:{region}:{account}:/queues/async-{rng.randrange(1, 99)}/messages"
    else:
        arn = f"acs:mns:{region}:{account}:/topics/async-{rng.randrange(1, 99)}/messages"
    return {"destination": arn}


def qualifiers(count: int) -> list[str]:
    """LATEST, then aliases, then numeric versions: realistic qualifiers for `count` configs."""
    names = ["LATEST", *ALIASES[: max(0, min(len(ALIASES), count // 5))]]
    version = 1
    while len(names) < count:
        names.append(str(version))
        version += 1
    return names[:count]


def seed_store(
    count: int,
    service: str = DEFAULT_SERVICE,
    function: str = DEFAULT_FUNCTION,
    seed: int = 20210406,
    region: str = "cn-hangzhou",
    account: str = "188077086902",
) -> Store:
    """A store with `count` varied, deterministic configs on one function."""
    rng = random.Random(seed)
    store = Store()
    store.add_function(service, function)
    base = datetime(2024, 3, 1, tzinfo=UTC)
    for index, qualifier in enumerate(qualifiers(count)):
        created = rng.randrange(0, 86400 * 300)
        shape = index % 4
        destination: dict[str, Any] | None
        if shape == 0:
            destination = None
        else:
            destination = {
                "onSuccess": _destination(rng, region, account) if shape != 1 else None,
                "onFailure": _destination(rng, region, account),
            }
        configured = index % 5 != 3
        store.put(
            AsyncConfig(
                service=service,
                function=function,
                qualifier=qualifier,
                created_time=_timestamp(base, created),
                last_modified_time=_timestamp(base, created + rng.randrange(0, 86400 * 30)),
                destination_config=destination,
                max_async_event_age_in_seconds=rng.choice([60, 300, 3600, 86400]) if configured else None,
                max_async_retry_attempts=rng.randrange(0, 9) if configured else None,
                stateful_invocation=rng.choice([True, False]) if configured else None,
            )
        )
    return store


def load_store(path: Path) -> Store:
    """A store from a JSON file: a list of {service, function, configs: [wire objects]}."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
        store = Store()
        for entry in entries:
            store.add_function(entry["service"], entry["function"])
            for item in entry.get("configs", []):
                store.put(AsyncConfig.from_wire({**item, "service": entry["service"], "function": entry["function"]}))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(
            f"{path}: cannot load configs ({exc.__class__.__name__}: {exc}); "
            "expected a JSON list of {service, function, configs}"
        ) from exc
    return store
