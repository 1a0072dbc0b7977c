"""Named contexts and their id counters (`registry.store.ContextTx`), in portable SQL."""

from __future__ import annotations

from sqlalchemy import case, delete, func, insert, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from llm_schema_registry.registry.model import ID_SPACE, NewSchema, StoredSchema
from llm_schema_registry.storage.queries.schemas import SchemaQueries
from llm_schema_registry.storage.rows import now_ms, schema_values, stored_from_values
from llm_schema_registry.storage.tables import contexts, schemas

# Two writers creating contexts at once may pick the same number: the loser tries again.
CREATE_ATTEMPTS = 5


class ContextQueries(SchemaQueries):
    """`registry.store.ContextTx` over one connection."""

    async def contexts(self) -> list[tuple[str, int]]:
        query = select(contexts.c.name, contexts.c.number).order_by(contexts.c.name)
        return [(row[0], int(row[1])) for row in (await self._conn.execute(query)).all()]

    async def context_number(self, context: str) -> int | None:
        query = select(contexts.c.number).where(contexts.c.name == context)
        found = (await self._conn.execute(query)).scalar_one_or_none()
        return None if found is None else int(found)

    async def next_id_in_context(self, context: str, explicit_id: int | None) -> tuple[int, int]:
        for _ in range(CREATE_ATTEMPTS):
            taken = await self._take_id(context, explicit_id)
            if taken is not None:
                return taken
            await self._create(context)
        raise RuntimeError(f"could not create context {context!r}")  # pragma: no cover

    async def _take_id(self, context: str, explicit_id: int | None) -> tuple[int, int] | None:
        """Bump the context's counter (the row stays locked until the transaction ends, so
        ids are handed out once); an explicit (imported) id moves it past that id."""
        bump = (
            contexts.c.next_id + 1
            if explicit_id is None
            else case((contexts.c.next_id > explicit_id, contexts.c.next_id), else_=explicit_id + 1)
        )
        row = (
            await self._conn.execute(
                update(contexts)
                .where(contexts.c.name == context)
                .values(next_id=bump)
                .returning(contexts.c.number, contexts.c.next_id)
            )
        ).first()
        if row is None:
            return None
        number, next_after = int(row[0]), int(row[1])
        return number, explicit_id if explicit_id is not None else next_after - 1

    async def _create(self, context: str) -> None:
        """A row for `context` numbered one past the highest. Two PostgreSQL writers may race
        to create it (or another context under the same number): the loser inserts nothing,
        and the caller's next attempt finds the winner's row or picks the next number."""
        # Past every number in use, and every number a deleted context's schemas still carry.
        numbers = select(func.coalesce(func.max(contexts.c.number), 0)).scalar_subquery()
        spaces = select(func.coalesce(func.max(schemas.c.id), 0) / ID_SPACE).scalar_subquery()
        highest = case((numbers > spaces, numbers), else_=spaces) + 1
        source = select(
            literal(context, contexts.c.name.type),
            highest,
            literal(1, contexts.c.next_id.type),
            literal(now_ms(), contexts.c.created_ms.type),
        )
        dialect_insert = pg_insert if self._conn.dialect.name == "postgresql" else sqlite_insert
        statement = (
            dialect_insert(contexts)
            .from_select(["name", "number", "next_id", "created_ms"], source)
            .on_conflict_do_nothing()
        )
        await self._conn.execute(statement)

    async def add_schema_as(self, schema: NewSchema, key: int) -> StoredSchema:
        values = schema_values(schema, key)
        await self._conn.execute(insert(schemas).values(**values))
        await self._add_references(key, schema)
        self.added.add(key)
        return self._learn(stored_from_values(schema, values))

    async def delete_context(self, context: str) -> None:
        await self._conn.execute(delete(contexts).where(contexts.c.name == context))
