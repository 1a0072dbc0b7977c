"""The change-event feed and webhooks in SQL: `events.store.EventLog` and `WebhookStore`.

`SqlEventStore` (storage/events_sql.py) adds the relay's side (`Outbox`) on the same engine.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import BigInteger as SqlBigInteger
from sqlalchemy import Row, cast, delete, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from llm_schema_registry.events.filters import EventFilter
from llm_schema_registry.events.model import (
    Attempt,
    DeadLetter,
    Event,
    EventId,
    EventType,
    SinkKey,
    Webhook,
    WebhookId,
)
from llm_schema_registry.storage.engine import async_url, configure_sqlite, ping_after_idle
from llm_schema_registry.storage.tables import (
    event_attempts,
    event_deliveries,
    events,
    id_counter,
    webhooks,
)

SEQUENCE_COUNTER = "event_sequence"  # id_counter row: the next sequence to give


def ms_to_time(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def time_to_ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def event_from_row(row: Row[Any]) -> Event:
    return Event(
        id=EventId(row.event_id),
        type=EventType(row.type),
        subject=row.subject,
        time=ms_to_time(row.time_ms),
        data=orjson.loads(row.data),
        sequence=row.sequence,
        traceparent=row.traceparent,
    )


def webhook_from_row(row: Row[Any]) -> Webhook:
    return Webhook(
        id=WebhookId(row.id),
        url=row.url,
        secret=row.secret,
        types=frozenset(EventType(t) for t in json.loads(row.types_json)),
        subjects=tuple(json.loads(row.subjects_json)),
        scope=tuple(json.loads(row.scope_json)),
        created_by=row.created_by,
        created_at=ms_to_time(row.created_ms),
    )


class SqlEventFeed:
    """The feed and webhook tables over their own small engine (like the usage store)."""

    def __init__(self, url: str, *, pool_size: int = 4) -> None:
        self._engine = create_async_engine(
            async_url(url), pool_size=pool_size, max_overflow=pool_size
        )
        self.dialect = self._engine.dialect.name
        if self.dialect == "sqlite":
            configure_sqlite(self._engine)
        else:
            ping_after_idle(self._engine)

    async def close(self) -> None:
        await self._engine.dispose()

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[AsyncConnection]:
        async with self._engine.connect() as conn:
            conn = await conn.execution_options(sqlite_write=True)
            async with conn.begin():
                yield conn

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[AsyncConnection]:
        async with self._engine.connect() as conn:
            yield conn

    def _now(self) -> Any:
        """Now in ms as SQL: the database's clock on PostgreSQL (nodes may disagree on
        theirs), this process's on SQLite (one machine)."""
        if self.dialect == "postgresql":
            return cast(
                func.floor(func.extract("epoch", func.clock_timestamp()) * 1000), SqlBigInteger
            )
        return literal(int(time.time() * 1000), SqlBigInteger)

    # ---- EventLog ------------------------------------------------------------------------

    async def events_after(self, after: int, *, limit: int, only: EventFilter) -> list[Event]:
        found: list[Event] = []
        position = after
        page = max(limit, 100)
        async with self._read() as conn:
            while len(found) < limit:
                query = select(events).where(events.c.sequence > position)
                if only.types:
                    query = query.where(events.c.type.in_(sorted(only.types)))
                query = query.order_by(events.c.sequence).limit(page)
                rows = (await conn.execute(query)).all()
                found += [e for e in map(event_from_row, rows) if only.matches(e)]
                if len(rows) < page:
                    break
                position = rows[-1].sequence
        return found[:limit]

    async def last_sequence(self) -> int:
        query = select(id_counter.c.next_id).where(id_counter.c.name == SEQUENCE_COUNTER)
        async with self._read() as conn:
            value = (await conn.execute(query)).scalar_one_or_none()
        return int(value or 1) - 1

    # ---- WebhookStore --------------------------------------------------------------------

    async def add_webhook(self, webhook: Webhook) -> None:
        async with self._write() as conn:
            await conn.execute(
                webhooks.insert().values(
                    id=webhook.id,
                    url=webhook.url,
                    secret=webhook.secret,
                    types_json=json.dumps(sorted(webhook.types)),
                    subjects_json=json.dumps(list(webhook.subjects)),
                    scope_json=json.dumps(list(webhook.scope)),
                    created_by=webhook.created_by,
                    created_ms=time_to_ms(webhook.created_at),
                )
            )

    async def webhooks(self) -> list[Webhook]:
        query = select(webhooks).order_by(webhooks.c.created_ms, webhooks.c.id)
        async with self._read() as conn:
            return [webhook_from_row(row) for row in await conn.execute(query)]

    async def webhook(self, webhook_id: WebhookId) -> Webhook | None:
        async with self._read() as conn:
            row = (await conn.execute(select(webhooks).where(webhooks.c.id == webhook_id))).first()
        return webhook_from_row(row) if row is not None else None

    async def remove_webhook(self, webhook_id: WebhookId) -> bool:
        sink = Webhook(webhook_id, "", "").sink_key
        async with self._write() as conn:
            gone = await conn.execute(delete(webhooks).where(webhooks.c.id == webhook_id))
            await conn.execute(delete(event_deliveries).where(event_deliveries.c.sink == sink))
            await conn.execute(delete(event_attempts).where(event_attempts.c.sink == sink))
        return bool(gone.rowcount)

    async def attempts(self, sink: SinkKey, *, limit: int) -> list[Attempt]:
        query = (
            select(event_attempts)
            .where(event_attempts.c.sink == sink)
            .order_by(event_attempts.c.id.desc())
            .limit(limit)
        )
        async with self._read() as conn:
            return [
                Attempt(EventId(r.event_id), r.number, ms_to_time(r.time_ms), r.status, r.error)
                for r in await conn.execute(query)
            ]

    async def dead_letters(self, sink: SinkKey, *, limit: int) -> list[DeadLetter]:
        d = event_deliveries.c
        query = (
            select(events, d.attempts, d.error.label("delivery_error"), d.updated_ms)
            .join(event_deliveries, d.event_id == events.c.event_id)
            .where(d.sink == sink, d.state == "dead")
            .order_by(d.sequence)
            .limit(limit)
        )
        async with self._read() as conn:
            return [
                DeadLetter(
                    event_from_row(row),
                    sink,
                    row.attempts,
                    row.delivery_error or "",
                    ms_to_time(row.updated_ms),
                )
                for row in await conn.execute(query)
            ]

    async def replay(self, sink: SinkKey, event_ids: Collection[EventId] | None = None) -> int:
        d = event_deliveries.c
        statement = (
            update(event_deliveries)
            .where(d.sink == sink, d.state == "dead")
            .values(state="pending", owner=None, available_ms=0, error=None, updated_ms=self._now())
        )
        if event_ids is not None:
            statement = statement.where(d.event_id.in_(list(event_ids)))
        async with self._write() as conn:
            done = await conn.execute(statement)
        return int(done.rowcount)
