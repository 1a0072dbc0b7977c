"""Governance state beside versions (`registry.store.LifecycleTx`), in portable SQL."""

from __future__ import annotations

import dataclasses
import json

from sqlalchemy import delete, insert, select, update

from llm_schema_registry.registry.model import JsonObject, LifecycleEvent
from llm_schema_registry.storage.queries.base import TxState
from llm_schema_registry.storage.tables import lifecycle_events, subject_consumers, subject_versions


class LifecycleQueries(TxState):
    """`registry.store.LifecycleTx` over one connection."""

    async def set_lifecycle(
        self, subject: str, version: int, state: str, sunset_date: str | None, reason: str | None
    ) -> None:
        await self._conn.execute(
            update(subject_versions)
            .where(subject_versions.c.subject == subject, subject_versions.c.version == version)
            .values(state=state, sunset_date=sunset_date, reason=reason)
        )

    async def set_version_metadata(self, subject: str, version: int, metadata: JsonObject) -> None:
        await self._conn.execute(
            update(subject_versions)
            .where(subject_versions.c.subject == subject, subject_versions.c.version == version)
            .values(metadata_override=json.dumps(metadata, sort_keys=True))
        )

    async def add_lifecycle_event(self, event: LifecycleEvent) -> None:
        await self._conn.execute(insert(lifecycle_events).values(**dataclasses.asdict(event)))

    async def lifecycle_events(self, subject: str) -> list[LifecycleEvent]:
        query = (
            select(lifecycle_events)
            .where(lifecycle_events.c.subject == subject)
            .order_by(lifecycle_events.c.id)
        )
        return [
            LifecycleEvent(r.subject, r.version, r.kind, r.from_state, r.to_state, r.reason, r.ts)
            for r in (await self._conn.execute(query)).all()
        ]

    async def set_consumer(self, subject: str, consumer_id: str, version: int, ts: int) -> None:
        await self._conn.execute(
            delete(subject_consumers).where(
                subject_consumers.c.subject == subject,
                subject_consumers.c.consumer_id == consumer_id,
            )
        )
        await self._conn.execute(
            insert(subject_consumers).values(
                subject=subject, consumer_id=consumer_id, version=version, ts=ts
            )
        )

    async def consumers(self, subject: str) -> list[tuple[str, int, int]]:
        query = (
            select(
                subject_consumers.c.consumer_id, subject_consumers.c.version, subject_consumers.c.ts
            )
            .where(subject_consumers.c.subject == subject)
            .order_by(subject_consumers.c.consumer_id)
        )
        return [(r[0], r[1], r[2]) for r in (await self._conn.execute(query)).all()]
