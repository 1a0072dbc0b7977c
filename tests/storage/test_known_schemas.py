"""Schema rows a store remembers by id are committed ones only, versions read through that
memory (PostgreSQL) match versions read from the tables, and the cache above the store uses
the same memory rather than a second one."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from llm_schema_registry.formats.base import SchemaType
from llm_schema_registry.registry.model import NewSchema
from llm_schema_registry.storage.cached import CachedStore
from llm_schema_registry.storage.sql import SqlStore


def content(n: int) -> NewSchema:
    return NewSchema(
        schema_type=SchemaType.AVRO,
        text=f'{{"type":"fixed","name":"K{n}","size":{n}}}',
        identity_hash=f"{n:064x}",
        content_hash=f"{n:064x}",
    )


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[SqlStore]:
    opened = SqlStore(database_url)
    await opened.start()
    yield opened
    await opened.close()


class Crash(Exception):
    pass


async def test_a_rolled_back_schema_is_not_remembered_under_its_id(store: SqlStore) -> None:
    with pytest.raises(Crash):
        async with store.write(lock="s") as tx:
            burned = await tx.stored_or_added(content(1))
            raise Crash
    # The id came back unused: an import may store other content under it.
    async with store.write(lock="s") as tx:
        imported = await tx.add_schema(content(2), explicit_id=burned.id)
        await tx.add_version("s", 1, imported.id, 0)
    async with store.read() as tx:
        [version] = await tx.versions("s")
    assert (version.schema.id, version.schema.text) == (burned.id, content(2).text)


async def test_versions_through_memory_match_the_tables(store: SqlStore, database_url: str) -> None:
    async with store.write(lock="s") as tx:
        for n in range(1, 4):
            stored = await tx.stored_or_added(content(n))
            await tx.add_version("s", n, stored.id, n)
        again = await tx.stored_or_added(content(2))  # found, not added
        await tx.add_version("t", 1, again.id, 9)
    for subject, expected in (("s", [1, 2, 3]), ("t", [2])):
        async with store.read() as tx:
            remembered = await tx.versions(subject)
        fresh = SqlStore(database_url)
        async with fresh.read() as tx:  # a new store: nothing remembered, all from the tables
            from_tables = await tx.versions(subject)
        await fresh.close()
        assert remembered == from_tables
        assert [v.schema.text for v in remembered] == [content(n).text for n in expected]


async def test_the_cache_above_the_store_shares_its_memory_of_schema_rows(store: SqlStore) -> None:
    cached = CachedStore(store)
    async with cached.write(lock="s") as tx:
        stored = await tx.stored_or_added(content(1))
        await tx.add_version("s", 1, stored.id, 0)
    # Remembered once, when the write committed; the cache answers from that same memory.
    assert store.known_schemas.by_id(stored.id) == stored
    assert cached.cache.known is store.known_schemas
    async with cached.read() as tx:
        assert await tx.schema_by_guid(stored.guid) == stored
