"""Shared pieces of the governance tests: a movable clock and the app with it injected."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
from asgi_lifespan import LifespanManager

from llm_schema_registry.api.app import create_app
from llm_schema_registry.formats import format_for
from llm_schema_registry.formats.base import SchemaType
from llm_schema_registry.governance.service import GovernanceService
from llm_schema_registry.registry.schemas import new_schema
from llm_schema_registry.settings import Settings

V1 = "application/vnd.schemaregistry.v1+json"
EXTRAS = {"Confluent-Accept-Unknown-Properties": "true"}


class MovableClock:
    """The lifecycle clock: real time until a test moves it."""

    def __init__(self) -> None:
        self.at = dt.datetime.now(dt.UTC)

    def now(self) -> dt.datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += dt.timedelta(**delta)


def governance_of(app: Any) -> GovernanceService:
    """The app's governance service, found through the ASGI layers in front of FastAPI."""
    while not hasattr(app, "state"):
        app = app.app
    service: GovernanceService = app.state.governance
    return service


DOMAINS = ("telemetry", "billing", "search", "chat")


async def seed_subjects(store: Any, count: int) -> None:
    """`count` subjects of one version each, straight through the store (one transaction):
    `{domain}.svc{i}.events`, owner `team-{i % 10}`, tag `gold` on every hundredth."""
    fmt = format_for(SchemaType.AVRO)
    content = new_schema(fmt.parse(avro_record()), SchemaType.AVRO, (), None, None, False)
    async with store.write() as tx:
        stored = await tx.stored_or_added(content)
        for i in range(count):
            subject = f"{DOMAINS[i % len(DOMAINS)]}.svc{i}.events"
            await tx.add_version(subject, 1, stored.id, 0)
            properties = {
                "owner": f"team-{i % 10}",
                "description": f"Events of service {i}",
                "tags": "pii, gold" if i % 100 == 0 else "bronze",
            }
            await tx.set_version_metadata(subject, 1, {"properties": properties})


async def governed_client(
    url: str, clock: MovableClock
) -> AsyncIterator[tuple[httpx.AsyncClient, GovernanceService]]:
    app = create_app(Settings(database_url=url), clock=clock)  # type: ignore[arg-type]
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://registry", headers={"Content-Type": V1}
        ) as client:
            yield client, governance_of(app)


def avro_record(*fields: str) -> str:
    """An Avro record whose extra fields all have defaults (each version stays compatible)."""
    return json.dumps(
        {
            "type": "record",
            "name": "Event",
            "fields": [{"name": "id", "type": "string"}]
            + [{"name": f, "type": "int", "default": 0} for f in fields],
        }
    )


async def register(
    client: httpx.AsyncClient, subject: str, schema: str, **body: Any
) -> dict[str, Any]:
    response = await client.post(
        f"/subjects/{subject}/versions", json={"schema": schema, **body}, headers=EXTRAS
    )
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found
