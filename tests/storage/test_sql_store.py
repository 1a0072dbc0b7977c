"""The SQL store on both engines: atomicity, ids, migrations."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from llm_schema_registry.formats.base import SchemaType
from llm_schema_registry.registry.model import NewSchema
from llm_schema_registry.storage.engine import async_url
from llm_schema_registry.storage.sql import SqlStore


def content(n: int) -> NewSchema:
    return NewSchema(
        schema_type=SchemaType.AVRO,
        text=f'{{"type":"fixed","name":"F{n}","size":{n}}}',
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


async def test_a_failure_inside_a_write_transaction_leaves_nothing(store: SqlStore) -> None:
    with pytest.raises(Crash):
        async with store.write(lock="s") as tx:
            stored = await tx.add_schema(content(1))
            await tx.add_version("s", 1, stored.id, 0)
            raise Crash
    async with store.read() as tx:
        assert await tx.versions("s") == []
        assert await tx.schema_by_hash(content(1).identity_hash) is None
        assert await tx.max_schema_id() == 0


async def test_ids_are_monotonic_and_never_reused_after_removal(store: SqlStore) -> None:
    async with store.write(lock="s") as tx:
        first = await tx.add_schema(content(1))
        await tx.add_version("s", 1, first.id, 0)
    async with store.write(lock="s") as tx:
        await tx.mark_deleted("s", [1])
        await tx.remove_versions("s", [1])
    async with store.write(lock="t") as tx:
        second = await tx.add_schema(content(2))
    assert second.id > first.id


async def test_stored_content_is_found_again_by_its_hash(store: SqlStore) -> None:
    async with store.write() as tx:
        first = await tx.add_schema(content(7))
    async with store.read() as tx:
        again = await tx.schema_by_hash(content(7).identity_hash)
    assert again is not None and (again.id, again.guid) == (first.id, first.guid)


async def test_explicit_ids_move_the_counter_past_them(store: SqlStore) -> None:
    async with store.write() as tx:
        imported = await tx.add_schema(content(1), explicit_id=500)
        after = await tx.add_schema(content(2))
    assert (imported.id, after.id) == (500, 501)


async def test_migrations_can_run_again(database_url: str) -> None:
    for _ in range(2):
        again = SqlStore(database_url)
        await again.start()
        await again.close()


async def test_concurrent_writers_of_one_subject_get_distinct_versions(store: SqlStore) -> None:
    async def add(n: int) -> None:
        async with store.write(lock="s") as tx:
            stored = await tx.add_schema(content(n))
            versions = await tx.versions("s")
            await tx.add_version("s", len(versions) + 1, stored.id, 0)

    await asyncio.gather(*(add(n) for n in range(1, 21)))
    async with store.read() as tx:
        numbers = [v.version for v in await tx.versions("s")]
    assert numbers == list(range(1, 21))


def test_database_urls_map_to_async_drivers() -> None:
    assert async_url("sqlite:///data/r.db") == "sqlite+inline:///data/r.db"
    assert async_url("sqlite+inline:///data/r.db") == "sqlite+inline:///data/r.db"
    assert async_url("sqlite+aiosqlite:///data/r.db") == "sqlite+aiosqlite:///data/r.db"
    assert async_url("postgresql://u:p@h:5432/d") == "postgresql+asyncpg://u:p@h:5432/d"
    with pytest.raises(ValueError, match="unsupported"):
        async_url("mysql://h/d")


async def test_reads_always_see_the_latest_commit(store: SqlStore) -> None:
    # Pooled read connections must not keep a transaction (and its snapshot) open.
    for n in range(1, 6):
        async with store.write(lock="s") as tx:
            stored = await tx.add_schema(content(n))
            await tx.add_version("s", n, stored.id, 0)
        for _ in range(3):
            async with store.read() as tx:
                assert len(await tx.versions("s")) == n
