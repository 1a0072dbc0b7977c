"""First reads of `GET /schemas/ids/{id}` coalesced into one query (`api.cold_reads`)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest

from llm_schema_registry.api.cold_reads import ColdReads
from llm_schema_registry.api.deps import by_id_json
from llm_schema_registry.api.front import SchemaBodyCache
from llm_schema_registry.observability import metrics
from llm_schema_registry.registry.model import RegisterRequest
from llm_schema_registry.registry.service import RegistryService
from llm_schema_registry.storage.cached import CachedStore
from llm_schema_registry.storage.sql import SqlStore


def fixed(n: int) -> RegisterRequest:
    return RegisterRequest(schema=json.dumps({"type": "fixed", "name": f"F{n}", "size": n}))


@pytest.fixture
async def registry(database_url: str) -> AsyncIterator[RegistryService]:
    store = CachedStore(SqlStore(database_url))
    await store.start()
    yield RegistryService(store)
    await store.close()


async def test_concurrent_first_reads_are_one_query_and_answer_as_the_route_does(
    registry: RegistryService,
) -> None:
    ids = [(await registry.register(f"s{n}", fixed(n))).schema.id for n in range(1, 41)]
    await registry.delete_version("s1", 1)  # soft-deleted: still served by id, as before
    cache = SchemaBodyCache()
    cold = ColdReads(registry, cache)
    queries = metrics.CACHES.misses.get("schema_bodies_batched", 0)
    unknown = max(ids) + 1000
    bodies = await asyncio.gather(*(cold.body(i) for i in [*ids, *ids, unknown]))
    assert metrics.CACHES.misses.get("schema_bodies_batched", 0) - queries == 1
    for schema_id, body in zip([*ids, *ids], bodies, strict=False):
        assert body is not None
        expected = by_id_json(await registry.schema_by_id(schema_id))
        assert json.loads(body.body) == expected
        assert cache.get(schema_id) is body
    assert bodies[-1] is None  # the framework answers it (404)
    assert cache.get(unknown) is None


async def test_an_id_gone_for_good_is_not_answered(registry: RegistryService) -> None:
    kept = (await registry.register("a", fixed(1))).schema.id
    gone = (await registry.register("b", fixed(2))).schema.id
    await registry.delete_version("b", 1)
    await registry.delete_version("b", 1, permanent=True)
    cold = ColdReads(registry, SchemaBodyCache())
    assert await cold.body(kept) is not None
    assert await cold.body(gone) is None
