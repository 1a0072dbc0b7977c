"""REGISTRY_DATABASE_READ_URL: reads go to the replica, writes to the primary."""

from __future__ import annotations

import asyncio
import json

import httpx
from asgi_lifespan import LifespanManager

from llm_schema_registry.api.app import create_app
from llm_schema_registry.settings import Settings
from support import fresh_pg_database

SCHEMA = json.dumps({"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}]})


def test_reads_use_the_read_url_and_writes_the_primary() -> None:
    with fresh_pg_database() as primary, fresh_pg_database() as replica:
        asyncio.run(_exercise(primary, replica))


async def _exercise(primary: str, replica: str) -> None:
    # Stand-in for a replica: a database whose content differs from the primary's, so
    # where each request went is visible.
    seeding = create_app(Settings(database_url=replica))  # type: ignore[arg-type]
    async with LifespanManager(seeding) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://r") as client:
            await client.post("/subjects/on-replica/versions", json={"schema": SCHEMA})

    app = create_app(
        Settings(database_url=primary, database_read_url=replica)  # type: ignore[arg-type]
    )
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://r") as client:
            assert (await client.get("/subjects")).json() == ["on-replica"]
            written = await client.post("/subjects/on-primary/versions", json={"schema": SCHEMA})
            assert written.status_code == 200

    check = create_app(Settings(database_url=primary))  # type: ignore[arg-type]
    async with LifespanManager(check) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://r") as client:
            assert (await client.get("/subjects")).json() == ["on-primary"]
