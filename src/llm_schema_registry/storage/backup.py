"""Backups: every table of the registry's database, read in one snapshot while the registry
keeps serving, as a stream of records (see docs/migration.md for the format).

Table-driven: whatever tables the database holds (the registry's, and those other features
add) are dumped, columns as the database has them, so a new table needs nothing here. The
read is one transaction: REPEATABLE READ, read only, on PostgreSQL (one snapshot, no locks
taken against writers); one deferred read transaction on SQLite (WAL: a snapshot writers do
not block). Rows stream from a server-side cursor in batches; sequence positions are read in
the same transaction (a sequence only moves forward, so a position read after the snapshot
is never behind it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, MetaData, Table, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.types import Date, DateTime, LargeBinary, Numeric

from llm_schema_registry.registry.model import ID_SPACE
from llm_schema_registry.storage.engine import async_url, configure_sqlite
from llm_schema_registry.storage.tables import metadata as registry_tables

FORMAT = "llm-schema-registry-backup"
FORMAT_VERSION = 1
BATCH = 2000
SKIPPED_TABLES = {"alembic_version"}  # the revision travels in the header instead
Record = dict[str, Any] | list[Any]


class BackupError(RuntimeError):
    """The database cannot be backed up (not a registry database, say)."""


def open_engine(url: str) -> AsyncEngine:
    """A small engine of its own: a backup or restore is one long connection."""
    url = async_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url)
        configure_sqlite(engine)
        return engine
    return create_async_engine(url, pool_size=1, max_overflow=0)


def table_order(names: list[str]) -> list[str]:
    """The registry's tables in dependency order, then any other table by name."""
    known = [str(t.name) for t in registry_tables.sorted_tables if t.name in names]
    return known + sorted(set(names) - set(known) - SKIPPED_TABLES)


def reflect(sync: Connection) -> dict[str, Table]:
    """Every table as the database has it now."""
    found = MetaData()
    found.reflect(bind=sync)
    # Names as plain str: the reflected ones are `quoted_name`s, which orjson refuses as keys.
    return {str(n): table for n, table in found.tables.items() if n not in SKIPPED_TABLES}


async def backup_records(
    url: str, on_rows: Callable[[str, int], None] | None = None, batch: int = BATCH
) -> AsyncIterator[Record]:
    """The header, then each table (its columns, its rows in batches of lists, its end),
    then the footer with the sequences' positions and the next schema id."""
    engine = open_engine(url)
    try:
        async with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn = await conn.execution_options(
                    isolation_level="REPEATABLE READ", postgresql_readonly=True
                )
            async with conn.begin():
                async for record in _snapshot(conn, on_rows or _ignore, batch):
                    yield record
    finally:
        await engine.dispose()


async def _snapshot(
    conn: AsyncConnection, on_rows: Callable[[str, int], None], batch: int
) -> AsyncIterator[Record]:
    revision = await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())
    if revision is None:
        raise BackupError("not a registry database (no migration revision): nothing to back up")
    tables = await conn.run_sync(reflect)
    order = table_order(list(tables))
    counts = {name: await _count(conn, tables[name]) for name in order}
    yield {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "revision": revision,
        "dialect": conn.dialect.name,
        "created": dt.datetime.now(dt.UTC).isoformat(),
        "rows": counts,
    }
    written: dict[str, int] = {}
    for name in order:
        table = tables[name]
        columns = [str(c.name) for c in table.columns]
        yield {"table": name, "columns": columns}
        encoders = [_encoder(c.type) for c in table.columns]
        written[name] = 0
        query = select(table).order_by(*(table.primary_key.columns or table.columns))
        result = await conn.stream(query.execution_options(yield_per=batch))
        async for rows in result.partitions(batch):
            for row in rows:
                yield _encoded(row, encoders)
            written[name] += len(rows)
            on_rows(name, len(rows))
        yield {"end": name, "rows": written[name]}
    sequences = await _sequences(conn)
    yield {
        "complete": True,
        "rows": written,
        "sequences": sequences,
        "next_schema_id": await _next_schema_id(conn, sequences),
    }


async def _count(conn: AsyncConnection, table: Table) -> int:
    return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())


async def _sequences(conn: AsyncConnection) -> dict[str, int]:
    """PostgreSQL: each sequence's next value (what `setval(name, value, false)` restores)."""
    if conn.dialect.name != "postgresql":
        return {}
    names = (
        await conn.execute(
            text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")
        )
    ).scalars()
    found = {}
    for name in names.all():
        quoted = conn.dialect.identifier_preparer.quote(name)
        row = (await conn.execute(text(f"SELECT last_value, is_called FROM {quoted}"))).one()
        found[str(name)] = int(row.last_value) + (1 if row.is_called else 0)
    return found


async def _next_schema_id(conn: AsyncConnection, sequences: dict[str, int]) -> int:
    """The id the next new schema gets: the sequence (PostgreSQL) or the counter row (SQLite),
    and never one already used."""
    counter = (
        await conn.execute(text("SELECT next_id FROM id_counter WHERE name = 'schema'"))
    ).scalar_one_or_none()
    # Only the default context's keys: named contexts count in their own rows (`contexts`).
    highest = (
        await conn.execute(
            text("SELECT MAX(id) FROM schemas WHERE id < :space"), {"space": ID_SPACE}
        )
    ).scalar_one_or_none()
    candidates = [int(counter or 1), int(highest or 0) + 1]
    if "schema_ids" in sequences:
        candidates.append(sequences["schema_ids"])
    return max(candidates)


# ---- values: JSON as is, except the few types JSON has no spelling for ----------------------

Encoder = Callable[[Any], Any] | None


def _encoder(kind: Any) -> Encoder:
    if isinstance(kind, LargeBinary):
        return lambda v: None if v is None else {"$b64": _b64(v)}
    if isinstance(kind, DateTime | Date):
        return lambda v: None if v is None else {"$dt": v.isoformat()}
    if isinstance(kind, Numeric) and kind.asdecimal:
        return lambda v: None if v is None else {"$dec": str(v)}
    return None


def _b64(value: bytes) -> str:
    import base64

    return base64.b64encode(value).decode()


def _encoded(row: Any, encoders: list[Encoder]) -> list[Any]:
    values = list(row)
    for index, encode in enumerate(encoders):
        if encode is not None:
            values[index] = encode(values[index])
    return values


def _ignore(_table: str, _rows: int) -> None:
    return None
