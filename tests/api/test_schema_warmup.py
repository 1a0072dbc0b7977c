"""Schema bodies loaded into memory in the background after start (`api.warmup`)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest
from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient

from llm_schema_registry.api.app import create_app
from llm_schema_registry.api.deps import by_id_json
from llm_schema_registry.api.front import SchemaBodyCache, encode_body
from llm_schema_registry.api.warmup import SchemaWarmup
from llm_schema_registry.observability import metrics
from llm_schema_registry.registry.model import RegisterRequest, StoredSchema
from llm_schema_registry.registry.service import RegistryService
from llm_schema_registry.settings import Settings
from llm_schema_registry.storage.cached import CachedStore
from llm_schema_registry.storage.sql import SqlStore


def fixed(n: int) -> RegisterRequest:
    return RegisterRequest(schema=json.dumps({"type": "fixed", "name": f"F{n}", "size": n}))


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[CachedStore]:
    store = CachedStore(SqlStore(database_url))
    await store.start()
    yield store
    await store.close()


async def test_every_schema_of_the_default_context_is_loaded_as_the_route_answers_it(
    store: CachedStore,
) -> None:
    registry = RegistryService(store)
    ids = [(await registry.register(f"s{n}", fixed(n))).schema.id for n in range(1, 24)]
    await registry.delete_version("s1", 1)  # soft-deleted: still answered by id
    await registry.register(":.team:other", fixed(99))  # a named context: not this cache's
    cache = SchemaBodyCache()
    warmup = SchemaWarmup(registry, cache, page=5)  # several pages
    await warmup.run()
    assert warmup.loaded == len(ids) == len(cache)
    for schema_id in ids:
        cached = cache.get(schema_id)
        assert cached is not None
        assert json.loads(cached.body) == by_id_json(await registry.schema_by_id(schema_id))


async def test_it_stops_at_the_bound_and_never_evicts_what_was_read(store: CachedStore) -> None:
    registry = RegistryService(store)
    ids = [(await registry.register(f"s{n}", fixed(n))).schema.id for n in range(1, 31)]
    one = encode_body(by_id_json(await registry.schema_by_id(ids[0])))
    cache = SchemaBodyCache(max_bytes=10 * (len(one.body) + 300))  # ~10 bodies
    read = cache.put(ids[-1], by_id_json(await registry.schema_by_id(ids[-1])))
    evictions = metrics.BODY_CACHE_EVICTIONS._value.get()
    await SchemaWarmup(registry, cache, page=4).run()
    assert 5 <= len(cache) <= 10
    assert cache.size_bytes <= cache.max_bytes
    assert cache.get(ids[-1]) is read  # a client's read stays
    assert metrics.BODY_CACHE_EVICTIONS._value.get() == evictions
    assert metrics.BODY_CACHE_ENTRIES._value.get() == len(cache)


async def test_a_page_read_before_a_permanent_delete_is_not_kept_after_it(
    store: CachedStore,
) -> None:
    registry = RegistryService(store)
    kept = (await registry.register("a", fixed(1))).schema.id
    gone = (await registry.register("b", fixed(2))).schema.id
    await registry.delete_version("b", 1)
    cache = SchemaBodyCache()
    store.on_ids_removed.append(cache.clear)  # as the app wires it (any node's delete)
    read_page = registry.schemas_in_use_after
    deleted = False

    async def delete_while_the_page_is_out(after: int, limit: int) -> list[StoredSchema]:
        nonlocal deleted
        page = await read_page(after, limit)
        if not deleted:  # the delete commits after this page was read, before it is kept
            deleted = True
            await registry.delete_version("b", 1, permanent=True)
        return page

    registry.schemas_in_use_after = delete_while_the_page_is_out  # type: ignore[method-assign]
    warmup = SchemaWarmup(registry, cache)
    await warmup.run()
    assert gone not in cache
    assert cache.get(kept) is not None
    assert len(cache) == 1


@dataclass
class Served:
    """A warming app over HTTP on a store seeded with `ids` (one schema per subject s1, s2, …)."""

    client: AsyncClient
    warmup: SchemaWarmup
    cache: SchemaBodyCache
    ids: list[int]


@asynccontextmanager
async def served(database_url: str, schemas: int) -> AsyncIterator[Served]:
    seed = CachedStore(SqlStore(database_url))
    await seed.start()
    registry = RegistryService(seed)
    ids = [(await registry.register(f"s{n}", fixed(n))).schema.id for n in range(1, schemas + 1)]
    await seed.close()
    app = create_app(
        Settings(database_url=database_url, warm_schema_cache=True, events_enabled=False)  # type: ignore[arg-type]
    )
    async with LifespanManager(app) as manager:
        transport = ASGITransport(app=manager.app)
        async with AsyncClient(transport=transport, base_url="http://registry") as client:
            api = app
            while not hasattr(api, "state"):  # the FastAPI app inside the ASGI layers
                api = api.app  # type: ignore[attr-defined]
            yield Served(client, api.state.warmup, api.state.body_cache, ids)


async def test_the_app_serves_warmed_ids_without_storage_and_is_ready_before(
    database_url: str,
) -> None:
    async with served(database_url, 20) as app:
        client, warmup, ids = app.client, app.warmup, app.ids
        assert not warmup.done.is_set()  # started, not waited for
        assert (await client.get("/health/ready")).status_code == 200
        await warmup.done.wait()
        assert warmup.loaded == len(ids)
        hits = metrics.CACHES.hits.get("schema_bodies", 0)
        misses = metrics.CACHES.misses.get("schema_bodies", 0)
        for schema_id in ids:
            answer = await client.get(f"/schemas/ids/{schema_id}")
            assert answer.status_code == 200
            assert answer.headers["etag"]
            assert answer.headers["content-length"] == str(len(answer.content))
        assert metrics.CACHES.hits.get("schema_bodies", 0) - hits == len(ids)
        assert metrics.CACHES.misses.get("schema_bodies", 0) == misses
        assert metrics.BODY_CACHE_ENTRIES._value.get() >= len(ids)


def test_it_is_on_for_postgresql_and_off_for_sqlite_unless_set(sqlite_url: str) -> None:
    def warmup_of(settings: Settings) -> SchemaWarmup | None:
        api = create_app(settings)
        while not hasattr(api, "state"):
            api = api.app  # type: ignore[attr-defined]
        found: SchemaWarmup | None = api.state.warmup
        return found

    assert warmup_of(Settings(database_url=sqlite_url)) is None  # type: ignore[arg-type]
    on = Settings(database_url=sqlite_url, warm_schema_cache=True)  # type: ignore[arg-type]
    assert warmup_of(on) is not None
    pg = "postgresql://postgres@127.0.0.1:5432/test"
    assert warmup_of(Settings(database_url=pg)) is not None  # type: ignore[arg-type]
    off = Settings(database_url=pg, warm_schema_cache=False)  # type: ignore[arg-type]
    assert warmup_of(off) is None


async def test_a_permanent_delete_after_the_warm_up_empties_the_cache_and_it_is_loaded_again(
    database_url: str,
) -> None:
    async with served(database_url, 10) as app:
        client, cache, ids = app.client, app.cache, app.ids
        await app.warmup.done.wait()
        assert len(cache) == len(ids)
        assert (await client.delete("/subjects/s1")).status_code == 200
        assert (await client.delete("/subjects/s1?permanent=true")).status_code == 200
        for _ in range(200):  # emptied by the delete, then filled again in the background
            if len(cache) == len(ids) - 1:
                break
            await asyncio.sleep(0.05)
        assert len(cache) == len(ids) - 1
        assert ids[0] not in cache
        assert (await client.get(f"/schemas/ids/{ids[0]}")).status_code == 404
        assert (await client.get(f"/schemas/ids/{ids[1]}")).status_code == 200
