"""SQL for usage counts: `registry.usage.UsageStore` on the registry's database.

Its own small engine (like the security store), on the table migration 0005_usage creates
(`SqlStore.start` applies it). A flush is one transaction of upserts, `INSERT … ON CONFLICT
DO UPDATE` adding to the stored totals, so nodes never overwrite each other's counts; rows
are written in key order, so two nodes flushing the same rows cannot deadlock.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import create_async_engine

from llm_schema_registry.registry.usage import Metric, UsageCount
from llm_schema_registry.storage.engine import async_url, configure_sqlite
from llm_schema_registry.storage.tables import schema_usage

_c = schema_usage.c


class SqlUsageStore:
    """`registry.usage.UsageStore` over SQLAlchemy (SQLite or PostgreSQL)."""

    def __init__(self, url: str) -> None:
        self._engine = create_async_engine(async_url(url), pool_size=1, max_overflow=2)
        self.dialect = self._engine.dialect.name
        if self.dialect == "sqlite":
            configure_sqlite(self._engine)

    async def close(self) -> None:
        await self._engine.dispose()

    async def add_usage(self, counts: Sequence[UsageCount]) -> None:
        rows = [
            {
                "subject": c.subject,
                "version": c.version,
                "valid": c.valid,
                "invalid": c.invalid,
                "lookups": c.lookups,
                "last_used_ms": c.last_used_ms,
            }
            for c in sorted(counts, key=lambda c: (c.subject, c.version))
        ]
        if not rows:
            return
        async with self._engine.connect() as conn:
            conn = await conn.execution_options(sqlite_write=True)
            async with conn.begin():
                await conn.execute(self._upsert(), rows)

    def _upsert(self) -> Any:
        insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        statement = insert(schema_usage)
        added = statement.excluded
        return statement.on_conflict_do_update(
            index_elements=[_c.subject, _c.version],
            set_={
                "valid": _c.valid + added.valid,
                "invalid": _c.invalid + added.invalid,
                "lookups": _c.lookups + added.lookups,
                "last_used_ms": case(
                    (added.last_used_ms > _c.last_used_ms, added.last_used_ms),
                    else_=_c.last_used_ms,
                ),
            },
        )

    async def usage(self, subject: str) -> list[UsageCount]:
        statement = select(schema_usage).where(_c.subject == subject).order_by(_c.version)
        async with self._engine.connect() as conn:
            return [
                UsageCount(
                    row.subject, row.version, row.valid, row.invalid, row.lookups, row.last_used_ms
                )
                for row in await conn.execute(statement)
            ]

    async def top(self, metric: Metric, limit: int) -> list[UsageCount]:
        valid, invalid = func.sum(_c.valid), func.sum(_c.invalid)
        lookups = func.sum(_c.lookups)
        ranking = (valid + invalid) if metric == "validations" else lookups
        statement = (
            select(_c.subject, valid, invalid, lookups, func.max(_c.last_used_ms))
            .group_by(_c.subject)
            .having(ranking > 0)
            .order_by(ranking.desc(), _c.subject)
            .limit(max(limit, 0))
        )
        async with self._engine.connect() as conn:
            return [
                UsageCount(subject, 0, int(v or 0), int(i or 0), int(n or 0), int(last or 0))
                for subject, v, i, n, last in await conn.execute(statement)
            ]
