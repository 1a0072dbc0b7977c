"""SQLAlchemy store for SQLite (the embedded default) and PostgreSQL (the production engine).

Concurrency: writers of one subject are serialized (PostgreSQL: a transaction-scoped advisory
lock on the subject; SQLite: `BEGIN IMMEDIATE`, one writer at a time); new schema ids come from
a sequence (PostgreSQL) or a counter row (SQLite), and content is unique by its identity hash,
so several registry processes sharing one PostgreSQL never create duplicate versions or two ids
for the same content. Every PostgreSQL round trip costs about as much CPU as the work around it,
so a registration takes six: BEGIN, lock + NOTIFY + settings, versions, find-or-insert of the
content, the version row, COMMIT.
"""

from __future__ import annotations

import dataclasses
import json
import time
import uuid
import zlib
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    Connection,
    bindparam,
    case,
    delete,
    event,
    exists,
    func,
    insert,
    literal,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from llm_schema_registry.formats.base import SchemaType
from llm_schema_registry.registry.model import (
    GLOBAL_SCOPE,
    JsonObject,
    LifecycleEvent,
    NewSchema,
    Reference,
    SchemaId,
    StoredSchema,
    SubjectVersion,
)
from llm_schema_registry.storage.base import ScopeSettings
from llm_schema_registry.storage.feed import CHANNEL, REMOVED_IDS
from llm_schema_registry.storage.tables import (
    configs,
    id_counter,
    lifecycle_events,
    modes,
    schema_references,
    schemas,
    subject_consumers,
    subject_versions,
)

MIGRATIONS = Path(__file__).parent / "migrations"
_MIGRATION_LOCK = 0x5C4E_3A11  # advisory lock key: one process migrates at a time


def async_url(url: str) -> str:
    """`sqlite:///x.db` / `postgresql://…` → the async driver's URL."""
    parsed = make_url(url)
    if parsed.drivername in ("sqlite", "sqlite+pysqlite", "sqlite+aiosqlite"):
        return str(parsed.set(drivername="sqlite+aiosqlite"))
    if parsed.drivername in ("postgresql", "postgres", "postgresql+asyncpg", "postgresql+psycopg"):
        return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
    raise ValueError(f"unsupported database URL scheme '{parsed.drivername}'")


def _subject_lock_key(subject: str) -> int:
    # A stable signed 64-bit key per subject for pg_advisory_xact_lock.
    return zlib.crc32(subject.encode()) - 2**31


def _now_ms() -> int:
    return int(time.time() * 1000)


def _schema_from_row(row: Any) -> StoredSchema:
    refs = tuple(
        Reference(r["name"], r["subject"], r["version"]) for r in json.loads(row.references_json)
    )
    return StoredSchema(
        id=SchemaId(row.id),
        guid=row.guid,
        schema_type=SchemaType(row.schema_type),
        text=row.text,
        content_hash=row.content_hash,
        references=refs,
        metadata=json.loads(row.metadata_json) if row.metadata_json else None,
        rule_set=json.loads(row.rule_set_json) if row.rule_set_json else None,
    )


def _with_override(schema: StoredSchema, override: str | None) -> StoredSchema:
    """The version's own governance metadata, edited in place, replaces the schema's."""
    if override is None:
        return schema
    return dataclasses.replace(schema, metadata=json.loads(override))


# What `_schema_values` fills in for a new schemas row.
_SCHEMA_COLUMNS = (
    "id",
    "guid",
    "schema_type",
    "text",
    "identity_hash",
    "content_hash",
    "references_json",
    "metadata_json",
    "rule_set_json",
    "created_ms",
)


def _find_or_insert() -> Any:
    """PostgreSQL: the row with this identity hash, or the row inserted for it (`added`).

    nextval() is evaluated only when the insert's SELECT yields a row, so finding burns no id.
    Built once with bind parameters: constructing it per call costs more than running it.
    """
    columns = [name for name in _SCHEMA_COLUMNS if name != "id"]
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


_FIND_OR_INSERT = _find_or_insert()
# Statements every registration runs, built once (building one costs ~55 µs a call).
_VERSIONS_OF_SUBJECT = (
    select(subject_versions, schemas)
    .join(schemas, schemas.c.id == subject_versions.c.schema_id)
    .where(subject_versions.c.subject == bindparam("subject"))
    .order_by(subject_versions.c.version)
)
_ADD_VERSION = insert(subject_versions)
_VERSION_ROWS_OF_SUBJECT = (
    select(subject_versions)
    .where(subject_versions.c.subject == bindparam("subject"))
    .order_by(subject_versions.c.version)
)
_SCHEMAS_BY_IDS = select(schemas).where(schemas.c.id.in_(bindparam("ids", expanding=True)))
# How many schema rows a PostgreSQL store keeps decoded in memory (then it starts over).
KNOWN_SCHEMAS_LIMIT = 100_000


# PostgreSQL: a subject's lock, its change notice and its settings in one statement.
_LOCK_NOTIFY_SETTINGS = text(
    """
    WITH locked AS MATERIALIZED (SELECT pg_advisory_xact_lock(:k), pg_notify(:channel, :scope))
    SELECT 'lock' AS kind, NULL AS scope, NULL AS value FROM locked
    UNION ALL
    SELECT 'config', scope, body FROM configs WHERE scope IN (:global, :subject)
    UNION ALL
    SELECT 'mode', scope, mode FROM modes WHERE scope IN (:global, :subject)
    """
)


def _scope_settings(found: dict[tuple[str, str], str], subject: str) -> ScopeSettings:
    """ScopeSettings from {(kind "config" | "mode", scope): stored value}."""

    def config(scope: str) -> JsonObject | None:
        body = found.get(("config", scope))
        return dict(json.loads(body)) if body is not None else None

    return ScopeSettings(
        global_config=config(GLOBAL_SCOPE),
        subject_config=config(subject) if subject != GLOBAL_SCOPE else None,
        global_mode=found.get(("mode", GLOBAL_SCOPE)),
        subject_mode=found.get(("mode", subject)) if subject != GLOBAL_SCOPE else None,
    )


class SqlTx:
    """One transaction on one connection (see `storage.base.Tx`)."""

    def __init__(
        self,
        conn: AsyncConnection,
        dialect: str,
        known_schemas: dict[int, StoredSchema] | None = None,
    ) -> None:
        self._conn = conn
        self._dialect = dialect
        self.removed_ids = False  # versions were removed for good: ids may have gone
        # Committed schema rows by id (they never change), shared by the store's transactions;
        # this transaction's new ones are remembered only once it commits.
        self._known = known_schemas
        self.new_schemas: list[StoredSchema] = []
        # Settings read along with the subject lock; dropped when this transaction edits them.
        self._settings: dict[str, ScopeSettings] = {}

    async def lock_subject(self, subject: str) -> None:
        if self._dialect == "postgresql":
            await self._conn.execute(
                text("SELECT pg_advisory_xact_lock(:k)"), {"k": _subject_lock_key(subject)}
            )

    async def lock_and_notify(self, subject: str | None) -> None:
        """PostgreSQL: lock `subject` (if any) and queue the commit-time change notice."""
        params = {"channel": CHANNEL, "scope": subject if subject is not None else "*"}
        if subject is None:
            await self._conn.execute(text("SELECT pg_notify(:channel, :scope)"), params)
            return
        # The subject's settings come in the same round trip. They are read from the
        # statement's snapshot, taken before the lock is granted: a settings change that
        # committed before this request began is always seen; one racing with it may or may
        # not be, as if it had come just after (settings changes don't wait for this lock).
        rows = await self._conn.execute(
            _LOCK_NOTIFY_SETTINGS,
            {"k": _subject_lock_key(subject), "global": GLOBAL_SCOPE, "subject": subject, **params},
        )
        found = {(row.kind, row.scope): row.value for row in rows if row.kind != "lock"}
        self._settings[subject] = _scope_settings(found, subject)

    async def schema_by_id(self, schema_id: int) -> StoredSchema | None:
        row = (await self._conn.execute(select(schemas).where(schemas.c.id == schema_id))).first()
        return _schema_from_row(row) if row else None

    async def schema_by_guid(self, guid: str) -> StoredSchema | None:
        row = (await self._conn.execute(select(schemas).where(schemas.c.guid == guid))).first()
        return _schema_from_row(row) if row else None

    async def schema_by_hash(self, identity_hash: str) -> StoredSchema | None:
        query = select(schemas).where(schemas.c.identity_hash == identity_hash)
        row = (await self._conn.execute(query)).first()
        return _schema_from_row(row) if row else None

    async def stored_or_added(self, schema: NewSchema) -> StoredSchema:
        """The stored copy of this content, added under a new id if absent."""
        if self._dialect != "postgresql":
            existing = await self.schema_by_hash(schema.identity_hash)
            return existing if existing is not None else await self.add_schema(schema)
        # One round trip: find the content, or insert it when absent (see _find_or_insert).
        values = self._schema_values(schema, None)
        del values["id"]
        row = (await self._conn.execute(_FIND_OR_INSERT, values)).first()
        if row is None:  # another node stored it since this statement's snapshot: take theirs
            existing = await self.schema_by_hash(schema.identity_hash)
            assert existing is not None
            return existing
        stored = _schema_from_row(row)
        if row.added:
            await self._add_references(stored.id, schema)
        self.new_schemas.append(stored)
        return stored

    def _schema_values(self, schema: NewSchema, new_id: int | None) -> dict[str, Any]:
        return {
            "id": func.nextval("schema_ids") if new_id is None else new_id,
            "guid": str(uuid.uuid4()),
            "schema_type": schema.schema_type.value,
            "text": schema.text,
            "identity_hash": schema.identity_hash,
            "content_hash": schema.content_hash,
            "references_json": json.dumps([ref.as_json() for ref in schema.references]),
            "metadata_json": json.dumps(schema.metadata) if schema.metadata is not None else None,
            "rule_set_json": json.dumps(schema.rule_set) if schema.rule_set is not None else None,
            "created_ms": _now_ms(),
        }

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

    async def add_schema(self, schema: NewSchema, explicit_id: int | None = None) -> StoredSchema:
        postgres = self._dialect == "postgresql"
        # PostgreSQL takes a new id from the sequence inside the INSERT (one round trip less).
        new_id = None if postgres and explicit_id is None else await self._next_id(explicit_id)
        values = self._schema_values(schema, new_id)
        if postgres:
            # Another node may be storing the same content right now: the unique hash
            # settles it, we take theirs, and our id stays unused (ids are never reused).
            inserted = (
                await self._conn.execute(
                    pg_insert(schemas)
                    .values(**values)
                    .on_conflict_do_nothing(index_elements=["identity_hash"])
                    .returning(schemas.c.id)
                )
            ).first()
            if inserted is None:
                existing = await self.schema_by_hash(schema.identity_hash)
                assert existing is not None
                return existing
            new_id = int(inserted[0])
        else:
            await self._conn.execute(insert(schemas).values(**values))
        assert new_id is not None
        await self._add_references(new_id, schema)
        return StoredSchema(
            id=SchemaId(new_id),
            guid=values["guid"],
            schema_type=schema.schema_type,
            text=schema.text,
            content_hash=schema.content_hash,
            references=schema.references,
            metadata=schema.metadata,
            rule_set=schema.rule_set,
        )

    async def _next_id(self, explicit_id: int | None) -> int:
        """The id for new content: PostgreSQL's sequence never blocks other writers (ids are
        unique and increasing, gaps allowed; `add_schema` takes new ones in its INSERT, here
        an imported id moves the sequence past it); SQLite's single writer bumps a counter row."""
        if self._dialect == "postgresql" and explicit_id is not None:
            await self._conn.execute(
                text(
                    "SELECT setval('schema_ids', "
                    "GREATEST(:id, (SELECT last_value FROM schema_ids)))"
                ),
                {"id": explicit_id},
            )
            return explicit_id
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

    async def count_versions(self) -> list[tuple[str, bool, int]]:
        """(schema type, deleted, number of subject versions) for the schemas gauge."""
        query = (
            select(schemas.c.schema_type, subject_versions.c.deleted, func.count())
            .join(schemas, schemas.c.id == subject_versions.c.schema_id)
            .group_by(schemas.c.schema_type, subject_versions.c.deleted)
        )
        return [(r[0], bool(r[1]), int(r[2])) for r in (await self._conn.execute(query)).all()]

    async def max_schema_id(self) -> int:
        value = (await self._conn.execute(select(func.max(schemas.c.id)))).scalar_one_or_none()
        return int(value or 0)

    async def _versions(self, where: Any, order: Sequence[Any]) -> list[SubjectVersion]:
        query = (
            select(subject_versions, schemas)
            .join(schemas, schemas.c.id == subject_versions.c.schema_id)
            .where(where)
            .order_by(*order)
        )
        return await self._version_rows(query)

    async def _version_rows(
        self, query: Any, params: dict[str, Any] | None = None
    ) -> list[SubjectVersion]:
        return [
            SubjectVersion(
                subject=row.subject,
                version=row.version,
                schema=_with_override(_schema_from_row(row), row.metadata_override),
                deleted=bool(row.deleted),
                ts=row.ts,
                state=row.state,
                sunset_date=row.sunset_date,
                reason=row.reason,
            )
            for row in (await self._conn.execute(query, params)).all()
        ]

    async def versions(self, subject: str) -> list[SubjectVersion]:
        if self._known is None:
            return await self._version_rows(_VERSIONS_OF_SUBJECT, {"subject": subject})
        # The version rows alone; their schemas from memory (rows never change), fetching
        # only those not seen yet. A registration reads every version of its subject: this
        # spares PostgreSQL the join and the texts, and Python decoding them each time.
        rows = (await self._conn.execute(_VERSION_ROWS_OF_SUBJECT, {"subject": subject})).all()
        ids = {row.schema_id for row in rows}
        if len(self._known) + len(ids) > KNOWN_SCHEMAS_LIMIT:
            self._known.clear()
        here = {i: self._known[i] for i in ids if i in self._known}
        if missing := list(ids - here.keys()):
            found = await self._conn.execute(_SCHEMAS_BY_IDS, {"ids": missing})
            fetched = {row.id: _schema_from_row(row) for row in found.all()}
            self._known.update(fetched)
            here.update(fetched)
        return [
            SubjectVersion(
                subject=row.subject,
                version=row.version,
                schema=_with_override(here[row.schema_id], row.metadata_override),
                deleted=bool(row.deleted),
                ts=row.ts,
                state=row.state,
                sunset_date=row.sunset_date,
                reason=row.reason,
            )
            for row in rows
        ]

    async def all_versions(self, subject_prefix: str = "") -> list[SubjectVersion]:
        where = (
            subject_versions.c.subject.startswith(subject_prefix, autoescape=True)
            if subject_prefix
            else text("1 = 1")
        )
        return await self._versions(where, [subject_versions.c.subject, subject_versions.c.version])

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

    async def add_version(self, subject: str, version: int, schema_id: int, ts: int) -> None:
        await self._conn.execute(
            _ADD_VERSION,
            {
                "subject": subject,
                "version": version,
                "schema_id": schema_id,
                "deleted": False,
                "ts": ts,
            },
        )

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
        if self._dialect == "postgresql":  # other nodes drop the bodies they serve by id
            await self._conn.execute(
                text("SELECT pg_notify(:channel, :scope)"),
                {"channel": CHANNEL, "scope": REMOVED_IDS},
            )

    async def settings(self, subject: str) -> ScopeSettings:
        if (known := self._settings.get(subject)) is not None:
            return known
        scopes = [GLOBAL_SCOPE, subject]
        query = union_all(
            select(
                literal("config").label("kind"), configs.c.scope, configs.c.body.label("value")
            ).where(configs.c.scope.in_(scopes)),
            select(literal("mode"), modes.c.scope, modes.c.mode).where(modes.c.scope.in_(scopes)),
        )
        found = {(row.kind, row.scope): row.value for row in await self._conn.execute(query)}
        return _scope_settings(found, subject)

    async def config(self, scope: str) -> JsonObject | None:
        query = select(configs.c.body).where(configs.c.scope == scope)
        body = (await self._conn.execute(query)).scalar_one_or_none()
        return dict(json.loads(body)) if body is not None else None

    async def set_config(self, scope: str, config: JsonObject) -> None:
        await self._upsert(configs, scope, {"body": json.dumps(config, sort_keys=True)})

    async def delete_config(self, scope: str) -> None:
        self._settings.clear()
        await self._conn.execute(delete(configs).where(configs.c.scope == scope))

    async def mode(self, scope: str) -> str | None:
        query = select(modes.c.mode).where(modes.c.scope == scope)
        value = (await self._conn.execute(query)).scalar_one_or_none()
        return str(value) if value is not None else None

    async def set_mode(self, scope: str, mode: str) -> None:
        await self._upsert(modes, scope, {"mode": mode})

    async def delete_mode(self, scope: str) -> None:
        self._settings.clear()
        await self._conn.execute(delete(modes).where(modes.c.scope == scope))

    async def _upsert(self, table: Any, scope: str, values: dict[str, Any]) -> None:
        self._settings.clear()
        done = await self._conn.execute(
            update(table).where(table.c.scope == scope).values(**values)
        )
        if done.rowcount == 0:
            await self._conn.execute(insert(table).values(scope=scope, **values))


class SqlStore:
    """`storage.base.Store` over SQLAlchemy's async engine."""

    def __init__(self, url: str, *, read_url: str | None = None, pool_size: int = 10) -> None:
        self._url = async_url(url)
        self.dialect = make_url(self._url).get_backend_name()
        # PostgreSQL only: SQLite's counter row can hand a rolled-back id out again.
        self._known_schemas: dict[int, StoredSchema] | None = (
            {} if self.dialect == "postgresql" else None
        )
        options: dict[str, Any] = {}
        if self.dialect == "sqlite":
            database = make_url(self._url).database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
        else:
            # A dead server must fail requests in seconds, not after asyncpg's 60 s default.
            options = {
                "pool_size": pool_size,
                "max_overflow": pool_size,
                "connect_args": {"timeout": 3},
            }
        self._engine: AsyncEngine = create_async_engine(self._url, **options)
        # Reads get their own autocommit pool: no BEGIN/COMMIT, and no rollback or isolation
        # reset when a connection goes back to the pool — each of those is a round trip
        # costing as much as the query itself (measured: a read went from 3.2 ms to 0.9 ms).
        self._read_engine: AsyncEngine = create_async_engine(
            async_url(read_url) if read_url else self._url,
            isolation_level="AUTOCOMMIT",
            pool_reset_on_return=None,
            execution_options={"autocommit_reads": True},
            **options,
        )
        if self.dialect == "sqlite":
            _configure_sqlite(self._engine)
            _configure_sqlite(self._read_engine)
        else:
            _ping_after_idle(self._engine)
            _ping_after_idle(self._read_engine)

    async def start(self) -> None:
        """Apply migrations (one process at a time on PostgreSQL)."""
        async with self._engine.connect() as conn:
            if self.dialect == "postgresql":
                await conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _MIGRATION_LOCK})
            try:
                await conn.run_sync(_upgrade)
                await conn.commit()
            finally:
                if self.dialect == "postgresql":
                    await conn.execute(
                        text("SELECT pg_advisory_unlock(:k)"), {"k": _MIGRATION_LOCK}
                    )
                    await conn.commit()

    @property
    def listen_dsn(self) -> str:
        """The plain DSN asyncpg takes (for the change feed's own connection)."""
        parsed = make_url(self._url).set(drivername="postgresql")
        return parsed.render_as_string(hide_password=False)

    async def close(self) -> None:
        await self._read_engine.dispose()
        await self._engine.dispose()

    async def ping(self) -> None:
        async with self._engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    @asynccontextmanager
    async def read(self) -> AsyncIterator[SqlTx]:
        # No read needs a snapshot across its statements, so reads run in autocommit.
        async with self._read_engine.connect() as conn:
            yield SqlTx(conn, self.dialect, self._known_schemas)

    @asynccontextmanager
    async def write(self, lock: str | None = None) -> AsyncIterator[SqlTx]:
        async with self._engine.connect() as conn:
            conn = await conn.execution_options(sqlite_write=True)
            async with conn.begin():
                tx = SqlTx(conn, self.dialect, self._known_schemas)
                if self.dialect == "postgresql":
                    # The subject lock and the change notice in one round trip: PostgreSQL
                    # delivers the notice to every listening node when (and only if) this
                    # transaction commits, wherever in it the NOTIFY was issued.
                    await tx.lock_and_notify(lock)
                elif lock is not None:
                    await tx.lock_subject(lock)
                yield tx
            # Committed: its new schema rows exist for good (sequence ids are never reused).
            if self._known_schemas is not None:
                self._known_schemas.update((stored.id, stored) for stored in tx.new_schemas)


def _upgrade(connection: Connection) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    # Features add their own revisions off 0001 (separate heads); apply them all.
    command.upgrade(config, "heads")


IDLE_PING_SECONDS = 1.0


def _ping_after_idle(engine: AsyncEngine) -> None:
    """`pool_pre_ping`, but only for connections that sat idle for a second or more.

    A connection used within the last second is trusted: under load that is every checkout,
    and a ping is a round trip (one in ten of a registration's). One that sat idle, as every
    connection does across an outage, is pinged first and replaced if dead, so requests after
    a database restart do not fail on stale connections. (A connection that dies while busy
    fails its request either way, and SQLAlchemy then invalidates the whole pool.)
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(_dbapi_connection: Any, record: Any) -> None:
        record.info["last_used"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["last_used"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("last_used", 0.0) < IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            # The pool discards this connection and checks out (or opens) another.
            raise DisconnectionError() from exc


def _configure_sqlite(engine: AsyncEngine) -> None:
    """WAL, foreign keys, busy timeout; and BEGIN IMMEDIATE for write transactions."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let us issue BEGIN ourselves (pysqlite's implicit transactions get in the way).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A write transaction takes the write lock up front: no upgrade deadlocks, and the
        # reads inside it (the current latest version…) cannot go stale before the insert.
        options = conn.get_execution_options()
        if options.get("autocommit_reads"):
            # Each read statement is its own transaction; a BEGIN here would never be
            # committed and would pin the connection to a stale snapshot.
            return
        conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get("sqlite_write") else "BEGIN")
