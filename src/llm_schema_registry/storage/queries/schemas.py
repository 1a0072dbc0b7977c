"""Schema content rows and their references (`registry.store.SchemaTx`), in portable SQL.

New ids come from a counter row, bumped inside the write transaction: SQLite has one writer
at a time, so ids are handed out in commit order. (PostgreSQL uses a sequence instead, see
`storage.postgres`.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, exists, func, insert, select, update

from llm_schema_registry.registry.model import NewSchema, SchemaId, StoredSchema
from llm_schema_registry.storage.queries.base import TxState
from llm_schema_registry.storage.rows import schema_from_row, schema_values, stored_from_values
from llm_schema_registry.storage.tables import (
    id_counter,
    schema_references,
    schemas,
    subject_versions,
)


class SchemaQueries(TxState):
    """`registry.store.SchemaTx` over one connection."""

    async def schema_by_id(self, schema_id: int) -> StoredSchema | None:
        return await self._schema_where(schemas.c.id == schema_id)

    async def schema_by_guid(self, guid: str) -> StoredSchema | None:
        return await self._schema_where(schemas.c.guid == guid)

    async def schema_by_hash(self, identity_hash: str) -> StoredSchema | None:
        return await self._schema_where(schemas.c.identity_hash == identity_hash)

    async def schemas_in_use(self, schema_ids: Sequence[int]) -> list[StoredSchema]:
        held = exists().where(subject_versions.c.schema_id == schemas.c.id)
        query = select(schemas).where(schemas.c.id.in_(schema_ids), held)
        return [self._learn(schema_from_row(r)) for r in (await self._conn.execute(query)).all()]

    async def schemas_in_use_after(self, after: int, below: int, limit: int) -> list[StoredSchema]:
        # Not learned: a scan over every row would only churn the store's memory of rows.
        held = exists().where(subject_versions.c.schema_id == schemas.c.id)
        query = (
            select(schemas)
            .where(schemas.c.id > after, schemas.c.id < below, held)
            .order_by(schemas.c.id)
            .limit(limit)
        )
        return [schema_from_row(r) for r in (await self._conn.execute(query)).all()]

    async def _schema_where(self, condition: Any) -> StoredSchema | None:
        row = (await self._conn.execute(select(schemas).where(condition))).first()
        return schema_from_row(row) if row else None

    async def stored_or_added(self, schema: NewSchema) -> StoredSchema:
        existing = await self.schema_by_hash(schema.identity_hash)
        return existing if existing is not None else await self.add_schema(schema)

    async def add_schema(self, schema: NewSchema, explicit_id: int | None = None) -> StoredSchema:
        values = schema_values(schema, await self._next_id(explicit_id))
        await self._conn.execute(insert(schemas).values(**values))
        await self._add_references(values["id"], schema)
        self.added.add(values["id"])
        return self._learn(stored_from_values(schema, values))

    async def _next_id(self, explicit_id: int | None) -> int:
        """The next id from the counter row; an explicit (imported) id moves it past that."""
        bump = (
            id_counter.c.next_id + 1
            if explicit_id is None
            else case(
                (id_counter.c.next_id > explicit_id, id_counter.c.next_id), else_=explicit_id + 1
            )
        )
        taken = await self._conn.execute(
            update(id_counter)
            .where(id_counter.c.name == "schema")
            .values(next_id=bump)
            .returning(id_counter.c.next_id)
        )
        next_after = int(taken.scalar_one())
        return explicit_id if explicit_id is not None else next_after - 1

    async def _add_references(self, schema_id: int, schema: NewSchema) -> None:
        if schema.references:
            await self._conn.execute(
                insert(schema_references),
                [
                    {
                        "schema_id": schema_id,
                        "position": index,
                        "name": ref.name,
                        "ref_subject": ref.subject,
                        "ref_version": ref.version,
                    }
                    for index, ref in enumerate(schema.references)
                ],
            )

    async def max_schema_id(self, low: int = 0, high: int | None = None) -> int:
        query = select(func.max(schemas.c.id)).where(schemas.c.id >= low)
        if high is not None:
            query = query.where(schemas.c.id < high)
        value = (await self._conn.execute(query)).scalar_one_or_none()
        return int(value or 0)

    async def referencing_schema_ids(self, subject: str, version: int) -> list[SchemaId]:
        query = (
            select(schema_references.c.schema_id)
            .where(
                schema_references.c.ref_subject == subject,
                schema_references.c.ref_version == version,
            )
            .distinct()
            .order_by(schema_references.c.schema_id)
        )
        return [SchemaId(r[0]) for r in (await self._conn.execute(query)).all()]
