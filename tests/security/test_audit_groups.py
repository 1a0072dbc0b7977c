"""Audit entries recorded at the same time are written in groups (security/audit_writer.py):
on SQLite and PostgreSQL, 100 concurrent records make one intact chain, in the order they were
recorded, each caller getting its own entry back; a caller cancelled while its group is being
written still has its entry stored (the change it records has happened)."""

from __future__ import annotations

import asyncio

from llm_schema_registry.security.audit import AuditLog, first_bad_entry
from llm_schema_registry.storage.security_sql import SqlSecurityStore
from llm_schema_registry.storage.sql import SqlStore


async def migrated(url: str) -> SqlSecurityStore:
    sql = SqlStore(url)
    await sql.start()  # the migrations make the audit table
    await sql.close()
    return SqlSecurityStore(url)


async def record(audit: AuditLog, n: int) -> tuple[int, str]:
    entry = await audit.record(
        actor="key:k1", action="register", resource=f"subjects/s{n}", result="success"
    )
    return entry.id, entry.resource


async def test_concurrent_records_make_one_intact_chain_in_recording_order(
    database_url: str,
) -> None:
    store = await migrated(database_url)
    try:
        audit = AuditLog(store)
        got = await asyncio.gather(*(record(audit, n) for n in range(100)))
        stored = [entry async for entry in store.chain()]
        assert await first_bad_entry(store.chain()) is None
    finally:
        await store.close()
    assert [entry.id for entry in stored] == list(range(1, 101))
    # gather starts the calls in order, so the chain holds them in that order
    assert [entry.resource for entry in stored] == [f"subjects/s{n}" for n in range(100)]
    assert sorted(got) == [(entry.id, entry.resource) for entry in stored]


async def test_a_cancelled_caller_still_has_its_entry_written(database_url: str) -> None:
    store = await migrated(database_url)
    try:
        audit = AuditLog(store)
        first = asyncio.create_task(record(audit, 0))
        second = asyncio.create_task(record(audit, 1))
        await asyncio.sleep(0)  # both queued, the first group's write started
        second.cancel()
        assert (await first)[0] == 1
        for _ in range(200):  # the writer goes on with the cancelled caller's entry
            stored = [entry async for entry in store.chain()]
            if len(stored) == 2:
                break
            await asyncio.sleep(0.01)
        assert [entry.resource for entry in stored] == ["subjects/s0", "subjects/s1"]
        assert await first_bad_entry(store.chain()) is None
    finally:
        await store.close()
