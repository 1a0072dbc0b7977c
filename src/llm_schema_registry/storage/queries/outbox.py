"""The outbox side of a write transaction (`registry.store.EventTx`, `events.store.OutboxWriter`).

An event row is one INSERT in the transaction of its change: it commits or rolls back with it.
Rows are written unsequenced; the relay numbers them after commit (see `events.store`).

An event is held in the transaction until its next version row, or its end (`flush_events`,
called by the store before COMMIT): on PostgreSQL a new version's INSERT carries it in the
same statement (storage/postgres.py), so a registration pays no round trip of its own for
its event. Held events are written in the order they were emitted, and before any event
written at once (`once`), so insert order stays emission order.
"""

from __future__ import annotations

import orjson
from sqlalchemy import insert
from sqlalchemy.dialects import postgresql, sqlite

from llm_schema_registry.events.model import Event, EventType
from llm_schema_registry.registry.model import JsonObject
from llm_schema_registry.storage.queries.base import TxState
from llm_schema_registry.storage.tables import events

ADD_EVENT = insert(events)


def event_values(event: Event, once: str | None) -> dict[str, object]:
    return {
        "event_id": event.id,
        "type": str(event.type),
        "subject": event.subject,
        "time_ms": round(event.time.timestamp() * 1000),
        "data": orjson.dumps(event.data).decode(),
        "traceparent": event.traceparent,
        "sequence": None,
        "once_key": once,
    }


class OutboxQueries(TxState):
    """Appends events in the caller's transaction; `emitted` counts them for the commit hook."""

    async def emit(
        self, kind: str, subject: str | None, data: JsonObject, *, once: str | None = None
    ) -> bool:
        if not self.events_enabled:
            return True
        return await self.append(Event.new(EventType(kind), subject, data), once=once)

    async def append(self, event: Event, *, once: str | None = None) -> bool:
        values = event_values(event, once)
        if once is None:
            self.held_events.append(values)
        else:
            await self.flush_events()
            dialect = postgresql if self._conn.dialect.name == "postgresql" else sqlite
            added = await self._conn.execute(
                dialect.insert(events)
                .values(**values)
                .on_conflict_do_nothing(index_elements=["once_key"])
            )
            if added.rowcount == 0:
                return False
        self.emitted += 1
        return True

    async def flush_events(self) -> None:
        """Write the events held so far (see the module docstring)."""
        if self.held_events:
            rows, self.held_events = self.held_events, []
            await self._conn.execute(ADD_EVENT, rows)
