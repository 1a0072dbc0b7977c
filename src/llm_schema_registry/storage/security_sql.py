"""SQL for the security layer: API keys and the append-only, hash-chained audit log.

Implements `security.store.SecurityStore` with its own small engine on the registry's
database (tables from migration 0004_security, which `SqlStore.start` applies). Audit appends
are serialized across every process sharing the database, so the chain never forks:
PostgreSQL takes a transaction-scoped advisory lock, SQLite a `BEGIN IMMEDIATE` write lock,
before reading the last link.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import create_async_engine

from llm_schema_registry.security.model import ApiKey, AuditEntry, AuditQuery
from llm_schema_registry.security.store import GENESIS_HASH, EntryBuilder
from llm_schema_registry.storage.engine import async_url, configure_sqlite
from llm_schema_registry.storage.tables import api_keys, audit_log

INSERT_ENTRY = audit_log.insert()

_AUDIT_LOCK = 0x5C4E_A0D1  # advisory lock key for audit appends


def _key_from_row(row: Any) -> ApiKey:
    return ApiKey(
        key_id=row.key_id,
        secret_hash=row.secret_hash,
        role=row.role,
        subjects=tuple(json.loads(row.subjects_json)),
        created_ms=row.created_ms,
        expires_ms=row.expires_ms,
        revoked_ms=row.revoked_ms,
        rate_limit_per_minute=row.rate_limit_per_minute,
        description=row.description,
    )


def entry_from_row(row: Any) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        time=row.time,
        actor=row.actor,
        action=row.action,
        resource=row.resource,
        subject=row.subject,
        result=row.result,
        request_id=row.request_id,
        client=row.client,
        before=json.loads(row.before_json) if row.before_json is not None else None,
        after=json.loads(row.after_json) if row.after_json is not None else None,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


class SqlSecurityStore:
    """`security.store.SecurityStore`: API keys and audit entries in the registry's database."""

    def __init__(self, url: str) -> None:
        self._engine = create_async_engine(async_url(url), pool_size=2, max_overflow=4)
        self.dialect = self._engine.dialect.name
        if self.dialect == "sqlite":
            configure_sqlite(self._engine)

    async def close(self) -> None:
        await self._engine.dispose()

    # API keys

    async def add_key(self, key: ApiKey) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(
                api_keys.insert().values(
                    key_id=key.key_id,
                    secret_hash=key.secret_hash,
                    role=key.role,
                    subjects_json=json.dumps(list(key.subjects)),
                    created_ms=key.created_ms,
                    expires_ms=key.expires_ms,
                    revoked_ms=key.revoked_ms,
                    rate_limit_per_minute=key.rate_limit_per_minute,
                    description=key.description,
                )
            )

    async def key(self, key_id: str) -> ApiKey | None:
        async with self._engine.connect() as conn:
            row = (await conn.execute(select(api_keys).where(api_keys.c.key_id == key_id))).first()
        return _key_from_row(row) if row is not None else None

    async def keys(self) -> list[ApiKey]:
        async with self._engine.connect() as conn:
            rows = await conn.execute(select(api_keys).order_by(api_keys.c.created_ms))
            return [_key_from_row(row) for row in rows]

    async def revoke_key(self, key_id: str, now_ms: int) -> bool:
        """True when the key existed (revoking twice keeps the first time)."""
        async with self._engine.connect() as conn:
            # A write transaction from the start (SQLite BEGIN IMMEDIATE): a read that turns
            # into a write fails at once ("database is locked", WAL snapshot) when another
            # connection wrote in between, whatever the busy timeout.
            conn = await conn.execution_options(sqlite_write=True)
            async with conn.begin():
                found = await conn.execute(
                    select(api_keys.c.key_id).where(api_keys.c.key_id == key_id)
                )
                if found.first() is None:
                    return False
                await conn.execute(
                    update(api_keys)
                    .where(api_keys.c.key_id == key_id, api_keys.c.revoked_ms.is_(None))
                    .values(revoked_ms=now_ms)
                )
                return True

    # Audit log

    async def append(self, build: EntryBuilder) -> AuditEntry:
        """Appends the entry `build(id, prev_hash)` makes, under the cross-process lock."""
        return (await self.append_many([build]))[0]

    async def append_many(self, builds: Sequence[EntryBuilder]) -> list[AuditEntry]:
        """Appends the entries `builds` make, in order, in one transaction under the lock."""
        async with self._engine.connect() as conn:
            conn = await conn.execution_options(sqlite_write=True)
            async with conn.begin():
                if self.dialect == "postgresql":
                    await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _AUDIT_LOCK})
                last = (
                    await conn.execute(
                        select(audit_log.c.id, audit_log.c.hash)
                        .order_by(audit_log.c.id.desc())
                        .limit(1)
                    )
                ).first()
                entry_id, prev_hash = (last.id, last.hash) if last else (0, GENESIS_HASH)
                entries = []
                for build in builds:
                    entry_id += 1
                    entries.append(build(entry_id, prev_hash))
                    prev_hash = entries[-1].hash
                await conn.execute(INSERT_ENTRY, [entry_row(entry) for entry in entries])
        return entries

    async def entries(self, query: AuditQuery) -> list[AuditEntry]:
        statement = select(audit_log).order_by(audit_log.c.id)
        if query.actor is not None:
            statement = statement.where(audit_log.c.actor == query.actor)
        if query.subject is not None:
            statement = statement.where(audit_log.c.subject == query.subject)
        if query.action is not None:
            statement = statement.where(audit_log.c.action == query.action)
        if query.since is not None:
            statement = statement.where(audit_log.c.time >= query.since)
        if query.until is not None:
            statement = statement.where(audit_log.c.time < query.until)
        statement = statement.offset(max(query.offset, 0)).limit(max(query.limit, 0))
        async with self._engine.connect() as conn:
            return [entry_from_row(row) for row in await conn.execute(statement)]

    async def newest(self) -> AuditEntry | None:
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(select(audit_log).order_by(audit_log.c.id.desc()).limit(1))
            ).first()
        return entry_from_row(row) if row is not None else None

    async def chain(self, batch: int = 1000) -> AsyncIterator[AuditEntry]:
        """Every entry in id order (read in batches)."""
        after = -1
        while True:
            async with self._engine.connect() as conn:
                rows = list(
                    await conn.execute(
                        select(audit_log)
                        .where(audit_log.c.id > after)
                        .order_by(audit_log.c.id)
                        .limit(batch)
                    )
                )
            if not rows:
                return
            for row in rows:
                yield entry_from_row(row)
            after = rows[-1].id


def entry_row(entry: AuditEntry) -> dict[str, object]:
    return {
        "id": entry.id,
        "time": entry.time,
        "actor": entry.actor,
        "action": entry.action,
        "resource": entry.resource,
        "subject": entry.subject,
        "result": entry.result,
        "request_id": entry.request_id,
        "client": entry.client,
        "before_json": json.dumps(entry.before) if entry.before is not None else None,
        "after_json": json.dumps(entry.after) if entry.after is not None else None,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }
