"""A writer cancelled while it takes the SQLite write lock stops: the app shuts down.

On Python 3.11, `asyncio.wait_for` around the driver's in-process writer lock swallowed a
cancellation landing in the loop iteration where the lock was handed over (CPython gh-86296).
The event relay, cancelled at shutdown just as its idle poll began a step, carried on polling
as if never cancelled, and the app's shutdown waited for it until the lifespan timeout.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from llm_schema_registry.api.app import create_app
from llm_schema_registry.settings import Settings
from llm_schema_registry.storage.inline_sqlite import InlineConnection, connect


async def write_until_cancelled(conn: InlineConnection, table: str) -> None:
    # What SQLAlchemy does around a write: BEGIN IMMEDIATE, statements, rollback on error.
    await conn.execute("BEGIN IMMEDIATE")
    try:
        await conn.execute(f"INSERT INTO {table} VALUES (1)")
        await asyncio.sleep(5)  # the transaction's other awaits: cancellation lands here
        await conn.commit()
    except BaseException:
        await conn.rollback()
        raise


@pytest.mark.parametrize("contended", [False, True])
async def test_a_writer_cancelled_as_it_takes_the_lock_ends_cancelled_and_frees_it(
    tmp_path: Path, contended: bool
) -> None:
    path = str(tmp_path / "r.db")
    holder, writer = await connect(path), await connect(path)  # two engines' connections
    await holder.execute("CREATE TABLE t (n INTEGER)")
    if contended:
        await holder.execute("BEGIN IMMEDIATE")
    task = asyncio.create_task(write_until_cancelled(writer, "t"))
    # Two loop iterations: the writer starts, and whatever it scheduled to get the lock runs.
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    if contended:
        await holder.commit()  # hands the lock over; the writer is cancelled before it resumes
    task.cancel()
    done, _ = await asyncio.wait([task], timeout=2)
    assert done, "the cancelled writer carried on as if never cancelled"
    assert task.cancelled()
    # Nobody holds this process's lock or SQLite's: the next writer gets both at once.
    async with asyncio.timeout(1):
        await holder.execute("BEGIN IMMEDIATE")
    await holder.execute("INSERT INTO t VALUES (2)")
    await holder.commit()
    rows = await (await holder.execute("SELECT n FROM t")).fetchall()
    assert rows == [(2,)]
    await holder.close()
    await writer.close()


def test_the_app_on_the_inline_driver_shuts_down_promptly(tmp_path: Path) -> None:
    """Several engines on one file (registry, audit, usage, samples, events), driven the way a
    test fixture drives the app: start, a request and shutdown each run the loop on their own.
    Shutdown then cancels the event relay as it takes the writer lock for a step; how many
    loop iterations apart depends on timings, so the shutdown starts 0-3 iterations later."""
    url = f"sqlite+inline:///{tmp_path / 'registry.db'}"
    for iterations in range(4):  # the first on a new file, then again on the same file
        with asyncio.Runner() as runner:
            manager = runner.run(start(url))
            runner.run(request(manager, iterations))
            started = time.monotonic()
            runner.run(manager.__aexit__(None, None, None))  # TimeoutError when it stalls
            assert time.monotonic() - started < 3


async def start(url: str) -> LifespanManager:
    app = create_app(Settings(database_url=url))  # type: ignore[arg-type]
    manager = LifespanManager(app, shutdown_timeout=5)  # made on the loop: it detects asyncio
    await manager.__aenter__()
    return manager


async def request(manager: LifespanManager, then_iterations: int) -> None:
    transport = httpx.ASGITransport(app=manager.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://r") as client:
        # A quick request that writes nothing (a write would wake the relay at another time).
        assert (await client.get("/nope")).status_code == 404
    for _ in range(then_iterations):
        await asyncio.sleep(0)
