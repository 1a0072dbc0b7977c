"""Usage counts: validations and lookups per subject version, kept in the database and summed
over every node (two apps on one database stand for two nodes)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from asgi_lifespan import LifespanManager

from llm_schema_registry.api.app import create_app
from llm_schema_registry.registry.usage import UsageRecorder
from llm_schema_registry.settings import Settings

V1 = "application/vnd.schemaregistry.v1+json"
RECORD = {"type": "record", "name": "R", "fields": [{"name": "n", "type": "int"}]}
RECORD_2 = {**RECORD, "fields": [*RECORD["fields"], {"name": "m", "type": "int", "default": 0}]}


@asynccontextmanager
async def node(url: str) -> AsyncIterator[tuple[httpx.AsyncClient, UsageRecorder]]:
    """One registry node (flushing only when told, or at shutdown)."""
    app = create_app(Settings(database_url=url, usage_flush_seconds=3600))  # type: ignore[arg-type]
    async with LifespanManager(app) as manager:
        inner: Any = app
        while not hasattr(inner, "state"):
            inner = inner.app
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://registry", headers={"Content-Type": V1}
        ) as client:
            yield client, inner.state.usage


async def ok(reply: Any) -> Any:
    response = await reply
    assert response.status_code == 200, response.text
    return response.json()


async def use(client: httpx.AsyncClient) -> None:
    """Subject `used`: 3 records validated on version 1 (one invalid), 1 on version 2;
    version 1 looked up twice (by schema, by number), version 2 read once."""
    await ok(client.post("/subjects/used/versions", json={"schema": json.dumps(RECORD)}))
    await ok(client.post("/subjects/used/versions", json={"schema": json.dumps(RECORD_2)}))
    records = [{"n": 1}, {"n": 2}, {"n": "x"}]
    await ok(client.post("/validate", json={"subject": "used", "version": 1, "records": records}))
    await ok(client.post("/validate", json={"subject": "used", "data": {"n": 3}}))
    await ok(client.post("/subjects/used", json={"schema": json.dumps(RECORD)}))
    await ok(client.get("/subjects/used/versions/1"))
    await ok(client.get("/subjects/used/versions/latest/schema"))


def summary(usage: dict[str, Any]) -> list[tuple[int, int, int, int]]:
    return [(v["version"], v["valid"], v["invalid"], v["lookups"]) for v in usage["versions"]]


async def test_counts_per_version_before_and_after_a_flush(database_url: str) -> None:
    async with node(database_url) as (client, recorder):
        await use(client)
        before = await ok(client.get("/subjects/used/usage"))  # unflushed: this node's memory
        assert summary(before) == [(1, 2, 1, 2), (2, 1, 0, 1)]
        assert (before["validations"], before["lookups"]) == (4, 3)
        assert await recorder.flush() == 2
        assert await ok(client.get("/subjects/used/usage")) == before


async def test_counts_are_cluster_wide_and_survive_restarts(database_url: str) -> None:
    one_record = {"subject": "used", "version": 1, "data": {"n": 5}}
    async with node(database_url) as (first, one), node(database_url) as (second, two):
        await use(first)
        await ok(second.post("/validate", json=one_record))
        await one.flush()
        await two.flush()
        for client in (first, second):  # either node answers with both nodes' counts
            usage = await ok(client.get("/subjects/used/usage"))
            assert summary(usage) == [(1, 3, 1, 2), (2, 1, 0, 1)]
        await ok(second.post("/validate", json=one_record))  # flushed when the node stops
    async with node(database_url) as (restarted, _):
        usage = await ok(restarted.get("/subjects/used/usage"))
        assert summary(usage) == [(1, 4, 1, 2), (2, 1, 0, 1)]


async def test_top_subjects_by_validations_and_by_lookups(database_url: str) -> None:
    async with node(database_url) as (client, recorder):
        await use(client)
        await ok(client.post("/subjects/quiet/versions", json={"schema": json.dumps(RECORD)}))
        for _ in range(5):
            await ok(client.get("/subjects/quiet/versions/1"))
        await recorder.flush()
        await ok(client.get("/subjects/quiet/versions/1"))  # pending, merged into the totals
        by_validations = await ok(client.get("/usage/top", params={"limit": 5}))
        assert [(t["subject"], t["validations"]) for t in by_validations] == [("used", 4)]
        by_lookups = await ok(client.get("/usage/top", params={"by": "lookups"}))
        assert [(t["subject"], t["lookups"]) for t in by_lookups] == [("quiet", 6), ("used", 3)]
        limited = await ok(client.get("/usage/top", params={"by": "lookups", "limit": 1}))
        assert [t["subject"] for t in limited] == ["quiet"]


async def test_usage_of_an_unknown_subject_is_40401(sqlite_url: str) -> None:
    async with node(sqlite_url) as (client, _):
        reply = await client.get("/subjects/nobody/usage")
        assert (reply.status_code, reply.json()["error_code"]) == (404, 40401)
