"""`SqlEventStore`: the change-event outbox in SQL (`events.store.Outbox`), on SQLite or PostgreSQL.

Sequencing runs under one lock (PostgreSQL: a transaction-scoped advisory lock; SQLite: its one
writer), numbering committed rows in insert order from a counter row that never goes back, even
once old events are purged. Claims are per sink: on PostgreSQL a node takes the sink's claim
lock with `pg_try_advisory_xact_lock` and *skips* the sink when another node holds it (the
SKIP LOCKED idea at the grain where per-subject ordering can be decided: row-level SKIP LOCKED
would hide a row another node is releasing, and a later event of its subject could overtake
it). Inside the lock one walk over the sink's open deliveries, in sequence order, picks what
is ready, stopping at each subject's first delivery that is not. Leases and retry times are
measured on the database's clock.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    any_,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY

from llm_schema_registry.events.model import Attempt, Event, EventId, SinkKey
from llm_schema_registry.events.store import Claim, Route
from llm_schema_registry.storage.event_feed_sql import (
    SEQUENCE_COUNTER,
    SqlEventFeed,
    event_from_row,
    ms_to_time,
    time_to_ms,
)
from llm_schema_registry.storage.tables import event_attempts, event_deliveries, events, id_counter

SEQUENCE_LOCK = 0x5E0_E7E5  # advisory lock key: one sequencing step at a time
OPEN = ("pending", "claimed")
PURGE_BATCH = 1000
_d = event_deliveries.c

ADD_DELIVERY = insert(event_deliveries)
ADD_ATTEMPT = insert(event_attempts)


def claim_lock_key(sink: str) -> int:
    return zlib.crc32(f"events-claim:{sink}".encode()) - 2**31


def milliseconds(span: timedelta) -> int:
    return int(span.total_seconds() * 1000)


def ready_walk(rows: Sequence[Any], limit: int) -> list[str]:
    """Event ids to claim: ready rows in sequence order, none after a subject's first row that
    is not ready (pending a retry, or leased to a node), at most `limit`."""
    blocked: set[str | None] = set()
    chosen: list[str] = []
    for row in rows:
        if row.subject in blocked:
            continue
        if not row.ready:
            blocked.add(row.subject)
            continue
        chosen.append(row.event_id)
        if len(chosen) >= limit:
            break
    return chosen


def among(dialect: str, column: Any, values: Collection[Any]) -> ColumnElement[bool]:
    """`column IN values`. On PostgreSQL `column = ANY(array)`: one statement text whatever
    the count, where an IN list makes a text per length, each prepared anew once the
    driver's statement cache (100) overflows — a planning round trip per relay step."""
    if dialect == "postgresql":
        return column == any_(literal(list(values), ARRAY(column.type)))  # type: ignore[no-any-return]
    return column.in_(list(values))  # type: ignore[no-any-return]


def number_in_id_order(dialect: str, ids: list[int], first: int) -> Any:
    """One UPDATE giving rows `ids` the sequences first, first + 1, … in id order (rather
    than one statement per row)."""
    ranked = (
        select(events.c.id, func.row_number().over(order_by=events.c.id).label("rank"))
        .where(among(dialect, events.c.id, ids))
        .subquery()
    )
    return (
        update(events).where(events.c.id == ranked.c.id).values(sequence=first - 1 + ranked.c.rank)
    )


class SqlEventStore(SqlEventFeed):
    """`Outbox`, `EventLog` and `WebhookStore` over one engine; `OutboxWriter` is the
    registry transaction's (storage/queries/outbox.py)."""

    async def sequence(self, route: Route, *, limit: int = 500) -> list[Event]:
        async with self._write() as conn:
            if self.dialect == "postgresql":
                await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SEQUENCE_LOCK})
            query = (
                select(events).where(events.c.sequence.is_(None)).order_by(events.c.id).limit(limit)
            )
            rows = (await conn.execute(query)).all()
            if not rows:
                return []
            taken = await conn.execute(
                update(id_counter)
                .where(id_counter.c.name == SEQUENCE_COUNTER)
                .values(next_id=id_counter.c.next_id + len(rows))
                .returning(id_counter.c.next_id)
            )
            first = int(taken.scalar_one()) - len(rows)
            numbered = [
                event_from_row(row).sequenced(first + index) for index, row in enumerate(rows)
            ]
            await conn.execute(number_in_id_order(self.dialect, [row.id for row in rows], first))
            now = await self._now_ms(conn)
            deliveries = [
                {
                    "sink": sink,
                    "event_id": event.id,
                    "sequence": event.sequence,
                    "subject": event.subject,
                    "state": "pending",
                    "owner": None,
                    "available_ms": 0,
                    "attempts": 0,
                    "error": None,
                    "updated_ms": now,
                }
                for event in numbered
                for sink in route(event)
            ]
            if deliveries:
                await conn.execute(ADD_DELIVERY, deliveries)
        return numbered

    async def _now_ms(self, conn: Any) -> int:
        return int((await conn.execute(select(self._now()))).scalar_one())

    async def claim(
        self, sink: SinkKey, *, owner: str, limit: int, lease: timedelta
    ) -> list[Claim]:
        async with self._write() as conn:
            if self.dialect == "postgresql":
                got = await conn.execute(
                    text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": claim_lock_key(sink)}
                )
                if not got.scalar_one():
                    return []  # another node is claiming for this sink right now
            now = await self._now_ms(conn)
            window = (
                select(_d.event_id, _d.subject, (_d.available_ms <= now).label("ready"))
                .where(_d.sink == sink, _d.state.in_(OPEN))
                .order_by(_d.sequence)
                .limit(limit * 4 + 100)
            )
            chosen = ready_walk((await conn.execute(window)).all(), limit)
            if not chosen:
                return []
            await conn.execute(
                update(event_deliveries)
                .where(_d.sink == sink, among(self.dialect, _d.event_id, chosen))
                .values(
                    state="claimed",
                    owner=owner,
                    available_ms=now + milliseconds(lease),
                    updated_ms=now,
                )
            )
            found = await conn.execute(
                select(events, _d.attempts)
                .join(event_deliveries, _d.event_id == events.c.event_id)
                .where(_d.sink == sink, among(self.dialect, _d.event_id, chosen))
                .order_by(_d.sequence)
            )
            return [Claim(event_from_row(row), row.attempts) for row in found]

    async def extend(
        self, sink: SinkKey, event_ids: Collection[EventId], *, owner: str, lease: timedelta
    ) -> None:
        async with self._write() as conn:
            await conn.execute(
                update(event_deliveries)
                .where(*self._held(sink, event_ids, owner))
                .values(available_ms=self._now() + milliseconds(lease))
            )

    def _held(self, sink: SinkKey, event_ids: Collection[EventId], owner: str) -> list[Any]:
        dialect = self.dialect
        return [
            _d.sink == sink,
            among(dialect, _d.event_id, event_ids),
            _d.owner == owner,
            _d.state == "claimed",
        ]

    async def delivered(
        self,
        sink: SinkKey,
        event_ids: Collection[EventId],
        *,
        attempts: Sequence[Attempt] = (),
    ) -> None:
        done: dict[str, Any] = {"state": "delivered", "owner": None, "error": None}
        # Usually each event went at its first try: its count is raised by the same UPDATE
        # that marks it delivered, rather than by a second statement over the same rows.
        first_tries = Counter(a.event_id for a in attempts) == Counter(event_ids)
        async with self._write() as conn:
            if first_tries:
                await self._add_attempt_rows(conn, sink, attempts)
                done["attempts"] = _d.attempts + 1
            else:
                await self._record_attempts(conn, sink, attempts)
            await conn.execute(
                update(event_deliveries)
                .where(
                    _d.sink == sink,
                    among(self.dialect, _d.event_id, event_ids),
                    _d.state.in_(OPEN),
                )
                .values(**done, updated_ms=self._now())
            )

    async def release(
        self,
        sink: SinkKey,
        event_ids: Collection[EventId],
        *,
        owner: str,
        retry_after: timedelta,
    ) -> None:
        async with self._write() as conn:
            await conn.execute(
                update(event_deliveries)
                .where(*self._held(sink, event_ids, owner))
                .values(
                    state="pending",
                    owner=None,
                    available_ms=self._now() + milliseconds(retry_after),
                    updated_ms=self._now(),
                )
            )

    async def record_attempts(self, sink: SinkKey, attempts: Sequence[Attempt]) -> None:
        if attempts:
            async with self._write() as conn:
                await self._record_attempts(conn, sink, attempts)

    async def _record_attempts(self, conn: Any, sink: SinkKey, attempts: Sequence[Attempt]) -> None:
        """The attempts' rows, and each delivery's count raised by its number of attempts:
        one UPDATE per distinct count (usually one: every event delivered at the first try),
        not one per event."""
        if not attempts:
            return
        await self._add_attempt_rows(conn, sink, attempts)
        by_count: dict[int, list[str]] = {}
        for event_id, count in Counter(a.event_id for a in attempts).items():
            by_count.setdefault(count, []).append(event_id)
        for count, ids in by_count.items():
            await conn.execute(
                update(event_deliveries)
                .where(_d.sink == sink, among(self.dialect, _d.event_id, ids))
                .values(attempts=_d.attempts + count)
            )

    @staticmethod
    async def _add_attempt_rows(conn: Any, sink: SinkKey, attempts: Sequence[Attempt]) -> None:
        if not attempts:
            return
        await conn.execute(
            ADD_ATTEMPT,
            [
                {
                    "sink": sink,
                    "event_id": a.event_id,
                    "number": a.number,
                    "time_ms": time_to_ms(a.time),
                    "status": a.status,
                    "error": a.error,
                }
                for a in attempts
            ],
        )

    async def dead_letter(self, sink: SinkKey, event_id: EventId, *, error: str) -> None:
        async with self._write() as conn:
            await conn.execute(
                update(event_deliveries)
                .where(_d.sink == sink, _d.event_id == event_id)
                .values(state="dead", owner=None, error=error, updated_ms=self._now())
            )

    async def oldest_undelivered(self) -> datetime | None:
        unsequenced = select(func.min(events.c.time_ms).label("t")).where(
            events.c.sequence.is_(None)
        )
        waiting = (
            select(func.min(events.c.time_ms).label("t"))
            .join(event_deliveries, _d.event_id == events.c.event_id)
            .where(_d.state.in_(OPEN))
        )
        both = union_all(unsequenced, waiting).subquery()
        async with self._read() as conn:
            oldest = (await conn.execute(select(func.min(both.c.t)))).scalar_one_or_none()
        return ms_to_time(int(oldest)) if oldest is not None else None

    async def dead_letter_counts(self) -> Mapping[SinkKey, int]:
        query = select(_d.sink, func.count()).where(_d.state == "dead").group_by(_d.sink)
        async with self._read() as conn:
            return {SinkKey(sink): int(count) for sink, count in await conn.execute(query)}

    async def purge(self, *, older_than: timedelta) -> int:
        unfinished = exists().where(and_(_d.event_id == events.c.event_id, _d.state != "delivered"))
        purged = 0
        while True:
            async with self._write() as conn:
                cutoff = self._now() - milliseconds(older_than)
                query = (
                    select(events.c.event_id)
                    .where(
                        events.c.sequence.is_not(None),
                        # Reminders stay: their key is what keeps a lead time from repeating.
                        events.c.once_key.is_(None),
                        events.c.time_ms < cutoff,
                        ~unfinished,
                    )
                    .limit(PURGE_BATCH)
                )
                ids = list((await conn.execute(query)).scalars())
                if ids:
                    for table in (event_attempts, event_deliveries, events):
                        await conn.execute(
                            delete(table).where(among(self.dialect, table.c.event_id, ids))
                        )
            purged += len(ids)
            if len(ids) < PURGE_BATCH:
                return purged
