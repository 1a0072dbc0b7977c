"""The embedded SQLite driver runs statements on the loop: waiting for the write lock must not."""

from __future__ import annotations

import asyncio
from pathlib import Path

from llm_schema_registry.formats.base import SchemaType
from llm_schema_registry.registry.model import NewSchema
from llm_schema_registry.storage.sql import SqlStore


def content(n: int) -> NewSchema:
    return NewSchema(
        schema_type=SchemaType.AVRO,
        text=f'{{"type":"fixed","name":"F{n}","size":{n}}}',
        identity_hash=f"{n:064x}",
        content_hash=f"{n:064x}",
    )


async def test_a_writer_waiting_for_another_stores_lock_leaves_the_loop_running(
    tmp_path: Path,
) -> None:
    url = f"sqlite+inline:///{tmp_path / 'r.db'}"
    first, second = SqlStore(url), SqlStore(url)  # two stores: as two worker processes would
    await first.start()
    await second.start()
    ticks = 0
    holding = asyncio.Event()
    release = asyncio.Event()

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    async def hold_the_lock() -> None:
        async with first.write(lock="s") as tx:
            await tx.add_schema(content(1))
            holding.set()
            await release.wait()

    async def wait_for_it() -> int:
        await holding.wait()
        async with second.write(lock="s") as tx:
            return (await tx.add_schema(content(2))).id

    ticker = asyncio.create_task(tick())
    holder = asyncio.create_task(hold_the_lock())
    waiter = asyncio.create_task(wait_for_it())
    await holding.wait()
    await asyncio.sleep(0.3)
    assert not waiter.done()
    assert ticks >= 10  # the loop kept running while the second writer waited
    release.set()
    await holder
    assert await asyncio.wait_for(waiter, 5) > 0
    ticker.cancel()
    async with second.read() as tx:
        assert (await tx.schema_by_hash(content(1).identity_hash)) is not None
    await first.close()
    await second.close()


async def test_writers_of_one_store_queue_in_order(tmp_path: Path) -> None:
    store = SqlStore(f"sqlite+inline:///{tmp_path / 'r.db'}")
    await store.start()
    order: list[int] = []

    async def write(n: int) -> None:
        async with store.write(lock="s") as tx:
            await tx.add_schema(content(n))
            await asyncio.sleep(0)
            order.append(n)

    await asyncio.gather(*(write(n) for n in range(1, 21)))
    assert order == list(range(1, 21))
    await store.close()
