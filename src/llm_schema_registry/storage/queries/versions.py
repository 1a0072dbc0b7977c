"""Subject versions (`registry.store.VersionTx`), in portable SQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, case, delete, func, insert, select, text, update

from llm_schema_registry.registry.model import SubjectVersion
from llm_schema_registry.storage.queries.base import TxState
from llm_schema_registry.storage.rows import schema_from_row, version_from_row
from llm_schema_registry.storage.tables import schemas, subject_versions

# Statements every registration runs, built once (building one costs ~55 µs a call).
VERSIONS_OF_SUBJECT = (
    select(subject_versions, schemas)
    .join(schemas, schemas.c.id == subject_versions.c.schema_id)
    .where(subject_versions.c.subject == bindparam("subject"))
    .order_by(subject_versions.c.version)
)
ADD_VERSION = insert(subject_versions)


def version_row(subject: str, version: int, schema_id: int, ts: int) -> dict[str, object]:
    """A new version's row: live, ACTIVE (a draft's state is set by the statement after)."""
    return {
        "subject": subject,
        "version": version,
        "schema_id": schema_id,
        "deleted": False,
        "ts": ts,
        "state": "ACTIVE",
    }


class VersionQueries(TxState):
    """`registry.store.VersionTx` over one connection."""

    async def versions(self, subject: str) -> list[SubjectVersion]:
        return await self._version_rows(VERSIONS_OF_SUBJECT, {"subject": subject})

    async def all_versions(self, subject_prefix: str = "") -> list[SubjectVersion]:
        where = (
            subject_versions.c.subject.startswith(subject_prefix, autoescape=True)
            if subject_prefix
            else text("1 = 1")
        )
        query = (
            select(subject_versions, schemas)
            .join(schemas, schemas.c.id == subject_versions.c.schema_id)
            .where(where)
            .order_by(subject_versions.c.subject, subject_versions.c.version)
        )
        return await self._version_rows(query)

    async def deprecated_with_sunset(self) -> list[SubjectVersion]:
        query = (
            select(subject_versions, schemas)
            .join(schemas, schemas.c.id == subject_versions.c.schema_id)
            .where(
                subject_versions.c.state == "DEPRECATED",
                subject_versions.c.sunset_date.is_not(None),
            )
            .order_by(subject_versions.c.subject, subject_versions.c.version)
        )
        return await self._version_rows(query)

    async def _version_rows(
        self, query: Any, params: dict[str, Any] | None = None
    ) -> list[SubjectVersion]:
        """Versions from rows that carry their schema's columns (a join)."""
        rows = (await self._conn.execute(query, params)).all()
        return [version_from_row(row, schema_from_row(row)) for row in rows]

    async def subjects(self) -> list[tuple[str, bool]]:
        live = func.sum(case((subject_versions.c.deleted.is_(False), 1), else_=0))
        query = (
            select(subject_versions.c.subject, live)
            .group_by(subject_versions.c.subject)
            .order_by(subject_versions.c.subject)
        )
        return [(row[0], bool(row[1])) for row in (await self._conn.execute(query)).all()]

    async def versions_of_schema(self, schema_id: int) -> list[tuple[str, int, bool]]:
        query = (
            select(
                subject_versions.c.subject, subject_versions.c.version, subject_versions.c.deleted
            )
            .where(subject_versions.c.schema_id == schema_id)
            .order_by(subject_versions.c.subject, subject_versions.c.version)
        )
        return [(r[0], r[1], bool(r[2])) for r in (await self._conn.execute(query)).all()]

    async def count_versions(self) -> list[tuple[str, bool, int]]:
        query = (
            select(schemas.c.schema_type, subject_versions.c.deleted, func.count())
            .join(schemas, schemas.c.id == subject_versions.c.schema_id)
            .group_by(schemas.c.schema_type, subject_versions.c.deleted)
        )
        return [(r[0], bool(r[1]), int(r[2])) for r in (await self._conn.execute(query)).all()]

    async def add_version(self, subject: str, version: int, schema_id: int, ts: int) -> None:
        await self._conn.execute(ADD_VERSION, version_row(subject, version, schema_id, ts))

    async def mark_deleted(self, subject: str, versions: Sequence[int]) -> None:
        await self._conn.execute(
            update(subject_versions)
            .where(subject_versions.c.subject == subject, subject_versions.c.version.in_(versions))
            .values(deleted=True)
        )

    async def remove_versions(self, subject: str, versions: Sequence[int]) -> None:
        await self._conn.execute(
            delete(subject_versions).where(
                subject_versions.c.subject == subject, subject_versions.c.version.in_(versions)
            )
        )
        self.removed_ids = True
