"""PostgreSQL fast paths: the same transaction in fewer round trips, safe across processes.

Every PostgreSQL round trip costs about as much CPU as the work around it, so a registration
takes six: BEGIN, lock + NOTIFY + settings, versions, find-or-insert of the content, the
version row, COMMIT. Writers of one subject are serialized by a transaction-scoped advisory
lock; new schema ids come from a sequence, which never blocks other writers (ids are unique
and increasing, gaps allowed), and content is unique by its identity hash, so several
registry processes sharing one database never create two ids for the same content.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, exists, func, insert, literal, select, text, union_all
from sqlalchemy.dialects.postgresql import insert as pg_insert

from llm_schema_registry.registry.model import GLOBAL_SCOPE, NewSchema, StoredSchema, SubjectVersion
from llm_schema_registry.storage.feed import CHANNEL, REMOVED_IDS
from llm_schema_registry.storage.queries.settings import scope_settings
from llm_schema_registry.storage.queries.tx import SqlTx
from llm_schema_registry.storage.queries.versions import version_row
from llm_schema_registry.storage.rows import (
    schema_from_row,
    schema_values,
    stored_from_values,
    version_from_row,
)
from llm_schema_registry.storage.tables import events, schemas, subject_versions

NOTIFY = text("SELECT pg_notify(:channel, :scope)")

# A subject's lock, its change notice and its settings in one statement.
LOCK_NOTIFY_SETTINGS = text(
    """
    WITH locked AS MATERIALIZED (SELECT pg_advisory_xact_lock(:k), pg_notify(:channel, :scope))
    SELECT 'lock' AS kind, NULL AS scope, NULL AS value FROM locked
    UNION ALL
    SELECT 'config', scope, body FROM configs WHERE scope IN (:global, :subject)
    UNION ALL
    SELECT 'mode', scope, mode FROM modes WHERE scope IN (:global, :subject)
    """
)


def _find_or_insert() -> Any:
    """The row with this identity hash, or the row inserted for it (`added`).

    nextval() is evaluated only when the insert's SELECT yields a row, so finding burns no id.
    Built once with bind parameters: constructing it per call costs more than running it.
    """
    columns = [column.name for column in schemas.columns if column.name != "id"]
    found = select(schemas).where(schemas.c.identity_hash == bindparam("identity_hash"))
    found_cte = found.cte("found")
    source = select(
        func.nextval("schema_ids"),
        *(bindparam(name, type_=schemas.c[name].type) for name in columns),
    ).where(~exists(select(literal(1)).select_from(found_cte)))
    added = (
        pg_insert(schemas)
        .from_select(["id", *columns], source)
        .on_conflict_do_nothing(index_elements=["identity_hash"])
        .returning(*schemas.c)
        .cte("added")
    )
    return union_all(
        select(found_cte, literal(False).label("added")),
        select(added, literal(True).label("added")),
    )


FIND_OR_INSERT = _find_or_insert()
VERSION_ROWS_OF_SUBJECT = (
    select(subject_versions)
    .where(subject_versions.c.subject == bindparam("subject"))
    .order_by(subject_versions.c.version)
)
VERSION_COLUMNS = tuple(version_row("", 0, 0, 0))  # the names `version_row` fills
# A held event's columns: all but the serial id and the once-key (an event with one is
# written at once, never held).
EVENT_COLUMNS = tuple(c.name for c in events.c if c.name not in ("id", "once_key"))
# A version row with the event held for it (a registration's) in one statement: PostgreSQL
# runs an INSERT inside WITH exactly once, in the same transaction.
ADD_VERSION_WITH_EVENT = (
    insert(subject_versions)
    .values({name: bindparam(name) for name in VERSION_COLUMNS})
    .add_cte(
        insert(events)
        .values({name: bindparam(f"event_{name}") for name in EVENT_COLUMNS})
        .cte("held_event")
    )
)
SCHEMAS_BY_IDS = select(schemas).where(schemas.c.id.in_(bindparam("ids", expanding=True)))


def subject_lock_key(subject: str) -> int:
    # A stable signed 64-bit key per subject for pg_advisory_xact_lock.
    return zlib.crc32(subject.encode()) - 2**31


class PostgresTx(SqlTx):
    """`SqlTx` with PostgreSQL's locks, notices, sequence and fewer round trips."""

    async def begin_write(self, lock: str | None) -> None:
        """Lock `lock` (if any) and queue the commit-time change notice, in one round trip:
        PostgreSQL delivers the notice to every listening node when (and only if) this
        transaction commits, wherever in it the NOTIFY was issued."""
        params = {"channel": CHANNEL, "scope": lock if lock is not None else "*"}
        if lock is None:
            await self._conn.execute(NOTIFY, params)
            return
        # The subject's settings come in the same round trip. They are read from the
        # statement's snapshot, taken before the lock is granted: a settings change that
        # committed before this request began is always seen; one racing with it may or may
        # not be, as if it had come just after (settings changes don't wait for this lock).
        rows = await self._conn.execute(
            LOCK_NOTIFY_SETTINGS,
            {"k": subject_lock_key(lock), "global": GLOBAL_SCOPE, "subject": lock, **params},
        )
        found = {(row.kind, row.scope): row.value for row in rows if row.kind != "lock"}
        self._settings[lock] = scope_settings(found, lock)

    async def add_version(self, subject: str, version: int, schema_id: int, ts: int) -> None:
        """The version row, carrying the one event held for it when there is one (see
        queries/outbox.py): a registration's event costs no round trip of its own."""
        if len(self.held_events) != 1 or self.held_events[0]["once_key"] is not None:
            await self.flush_events()
            await super().add_version(subject, version, schema_id, ts)
            return
        held = self.held_events.pop()
        row = version_row(subject, version, schema_id, ts)
        row.update({f"event_{name}": held[name] for name in EVENT_COLUMNS})
        await self._conn.execute(ADD_VERSION_WITH_EVENT, row)

    async def stored_or_added(self, schema: NewSchema) -> StoredSchema:
        # One round trip: find the content, or insert it when absent (see _find_or_insert).
        values = schema_values(schema, None)
        del values["id"]
        row = (await self._conn.execute(FIND_OR_INSERT, values)).first()
        if row is None:  # another node stored it since this statement's snapshot: take theirs
            return await self._stored_by_hash(schema)
        stored = schema_from_row(row)
        if row.added:
            await self._add_references(stored.id, schema)
            self.added.add(stored.id)
        return self._learn(stored)

    async def add_schema(self, schema: NewSchema, explicit_id: int | None = None) -> StoredSchema:
        # A new id comes from the sequence inside the INSERT (one round trip less).
        new_id: Any = func.nextval("schema_ids")
        if explicit_id is not None:
            new_id = await self._move_sequence_past(explicit_id)
        values = schema_values(schema, new_id)
        # Another node may be storing the same content right now: the unique hash settles
        # it, we take theirs, and our id stays unused (ids are never reused).
        insert_new = (
            pg_insert(schemas)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["identity_hash"])
            .returning(schemas.c.id)
        )
        inserted = (await self._conn.execute(insert_new)).first()
        if inserted is None:
            return await self._stored_by_hash(schema)
        values["id"] = int(inserted[0])
        await self._add_references(values["id"], schema)
        self.added.add(values["id"])
        return self._learn(stored_from_values(schema, values))

    async def _stored_by_hash(self, schema: NewSchema) -> StoredSchema:
        existing = await self.schema_by_hash(schema.identity_hash)
        assert existing is not None
        return existing

    async def _move_sequence_past(self, explicit_id: int) -> int:
        """An imported id: new ids from the sequence must come after it."""
        await self._conn.execute(
            text("SELECT setval('schema_ids', GREATEST(:id, (SELECT last_value FROM schema_ids)))"),
            {"id": explicit_id},
        )
        return explicit_id

    async def versions(self, subject: str) -> list[SubjectVersion]:
        """The version rows alone; their schemas from memory (rows never change), fetching
        only those not seen yet. A registration reads every version of its subject: this
        spares PostgreSQL the join and the texts, and Python decoding them each time."""
        rows = (await self._conn.execute(VERSION_ROWS_OF_SUBJECT, {"subject": subject})).all()
        ids = {row.schema_id for row in rows}
        here = {i: found for i in ids if (found := self._known.by_id(i) or self.learned.get(i))}
        if missing := list(ids - here.keys()):
            fetched = await self._conn.execute(SCHEMAS_BY_IDS, {"ids": missing})
            here |= {row.id: self._learn(schema_from_row(row)) for row in fetched.all()}
        return [version_from_row(row, here[row.schema_id]) for row in rows]

    async def remove_versions(self, subject: str, versions: Sequence[int]) -> None:
        await super().remove_versions(subject, versions)
        # Other nodes drop the bodies they serve by id when this commits.
        await self._conn.execute(NOTIFY, {"channel": CHANNEL, "scope": REMOVED_IDS})
