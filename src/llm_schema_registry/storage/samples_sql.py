"""SQL for samples: `registry.samples.SampleStore` on the registry's database.

Its own small engine (like the usage store), on the table migration 0007_samples creates
(`SqlStore.start` applies it). Records are stored as JSON text; ids come from the table's
own autoincrement, so "newest" is "highest id" on every node.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import orjson
from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import create_async_engine

from llm_schema_registry.registry.samples import Sample, SampleKind
from llm_schema_registry.storage.engine import async_url, configure_sqlite
from llm_schema_registry.storage.tables import schema_samples

_c = schema_samples.c


class SqlSampleStore:
    """`registry.samples.SampleStore` over SQLAlchemy (SQLite or PostgreSQL)."""

    def __init__(self, url: str) -> None:
        self._engine = create_async_engine(async_url(url), pool_size=1, max_overflow=2)
        if self._engine.dialect.name == "sqlite":
            configure_sqlite(self._engine)

    async def close(self) -> None:
        await self._engine.dispose()

    async def add_samples(
        self, subject: str, kind: SampleKind, records: Sequence[Any], created_ms: int, keep: int
    ) -> list[int]:
        if not records:
            return []
        rows = [
            {
                "subject": subject,
                "kind": kind.value,
                "record_json": orjson.dumps(record).decode(),
                "created_ms": created_ms,
            }
            for record in records
        ]
        async with self._engine.connect() as conn:
            conn = await conn.execution_options(sqlite_write=True)
            async with conn.begin():
                ids = [
                    int(row.id)
                    for row in await conn.execute(insert(schema_samples).returning(_c.id), rows)
                ]
                if keep > 0:
                    await conn.execute(self._trim(subject, kind, keep))
        return sorted(ids)

    @staticmethod
    def _trim(subject: str, kind: SampleKind, keep: int) -> Any:
        """Delete all but the newest `keep` samples of this subject and kind."""
        mine = (_c.subject == subject) & (_c.kind == kind.value)
        newest = select(_c.id).where(mine).order_by(_c.id.desc()).limit(keep).scalar_subquery()
        return delete(schema_samples).where(mine & (_c.id.not_in(newest)))

    async def samples(self, subject: str, kinds: Iterable[SampleKind]) -> list[Sample]:
        wanted = [kind.value for kind in kinds]
        statement = (
            select(_c.id, _c.kind, _c.record_json, _c.created_ms)
            .where((_c.subject == subject) & _c.kind.in_(wanted))
            .order_by(_c.id)
        )
        async with self._engine.connect() as conn:
            rows = (await conn.execute(statement)).all()
        return [
            Sample(int(i), subject, SampleKind(kind), orjson.loads(text), int(ms))
            for i, kind, text, ms in rows
        ]

    async def count_samples(self, subject: str) -> dict[SampleKind, int]:
        statement = select(_c.kind, func.count()).where(_c.subject == subject).group_by(_c.kind)
        async with self._engine.connect() as conn:
            rows = (await conn.execute(statement)).all()
        return {SampleKind(kind): int(count) for kind, count in rows}

    async def delete_samples(
        self, subject: str, kind: SampleKind, ids: Sequence[int] | None
    ) -> int:
        where = (_c.subject == subject) & (_c.kind == kind.value)
        if ids is not None:
            where = where & _c.id.in_(list(ids))
        async with self._engine.connect() as conn:
            conn = await conn.execution_options(sqlite_write=True)
            async with conn.begin():
                result = await conn.execute(delete(schema_samples).where(where))
        return int(result.rowcount or 0)
