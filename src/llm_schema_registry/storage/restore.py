"""Restores: a backup's records loaded into an empty database, PostgreSQL or SQLite.

The database is migrated to the backup's revision first (the tables as they were when it was
taken), loaded in one transaction (PostgreSQL: COPY; SQLite: batched inserts), its sequences
and the schema id counter set so new registrations continue after the restored ids, and then
migrated to this release's head. A database holding anything but migration seed rows is
refused; a backup that ends early (no footer, or row counts that differ) rolls back.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
from collections.abc import Callable, Iterator
from typing import Any

import orjson
from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Table, delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.types import JSON, Date, DateTime, LargeBinary, Numeric

from llm_schema_registry.storage.backup import FORMAT, FORMAT_VERSION, open_engine, reflect
from llm_schema_registry.storage.migrate import alembic_config, migrate

BATCH = 5000
# What migrations put in an empty database (0001: the schema counter, 0006: the event one).
SEED_ROWS: dict[str, set[tuple[object, ...]]] = {
    "id_counter": {("schema", 1), ("event_sequence", 1)}
}


class RestoreError(RuntimeError):
    """The backup cannot be restored here; nothing was changed."""


async def restore_records(
    url: str, records: Iterator[Any], on_rows: Callable[[str, int], None] | None = None
) -> dict[str, Any]:
    """Load `records` (a backup, in order) into the empty database at `url`; the header."""
    header = next(records, None)
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise RestoreError("not an llm-schema-registry backup")
    if header.get("version") != FORMAT_VERSION:
        raise RestoreError(f"backup format version {header.get('version')} is not supported")
    engine = open_engine(url)
    try:
        async with engine.connect() as conn:
            await _prepare(conn, str(header["revision"]))
        async with engine.connect() as conn:
            conn = await conn.execution_options(sqlite_write=True)
            async with conn.begin():
                footer = await _load(conn, records, on_rows or (lambda _t, _n: None))
                await _continue_ids(conn, footer)
        await migrate(engine)  # the backup's revision up to this release's head
    finally:
        await engine.dispose()
    return header


async def _prepare(conn: AsyncConnection, revision: str) -> None:
    """Refuse a database with data or at another revision; migrate an empty one to `revision`."""
    current = await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())
    tables = await conn.run_sync(reflect)
    occupied = [name for name, table in tables.items() if await _holds_data(conn, table)]
    if occupied:
        raise RestoreError(f"the database is not empty (rows in {', '.join(sorted(occupied))})")
    if current == revision:
        return
    if current is not None or tables:
        raise RestoreError(
            f"the database is at revision {current}, the backup at {revision}: "
            "restore into a new, empty database"
        )
    await conn.run_sync(lambda c: _upgrade_to(c, revision))
    await conn.commit()


def _upgrade_to(sync: Connection, revision: str) -> None:
    config = alembic_config(sync)
    try:
        ScriptDirectory.from_config(config).get_revision(revision)
    except CommandError:
        raise RestoreError(f"the backup's revision {revision} is unknown to this release") from None
    command.upgrade(config, revision)


async def _holds_data(conn: AsyncConnection, table: Table) -> bool:
    seeds = SEED_ROWS.get(table.name, set())
    rows = (await conn.execute(select(table).limit(len(seeds) + 1))).all()
    return not {tuple(r) for r in rows} <= seeds


async def _load(
    conn: AsyncConnection, records: Iterator[Any], on_rows: Callable[[str, int], None]
) -> dict[str, Any]:
    tables = await conn.run_sync(reflect)
    loaded: dict[str, int] = {}
    for record in records:
        if isinstance(record, dict) and record.get("complete"):
            if record.get("rows") != loaded:
                raise RestoreError(f"row counts differ: backup {record.get('rows')}, read {loaded}")
            return record
        if not isinstance(record, dict) or "table" not in record:
            raise RestoreError(f"unexpected record {str(record)[:80]}")
        name, columns = str(record["table"]), [str(c) for c in record["columns"]]
        if name not in tables:
            raise RestoreError(f"table {name} is not in this database")
        loaded[name] = await _load_table(conn, tables[name], columns, records, on_rows)
    raise RestoreError("the backup ends early (no footer): it is incomplete")


async def _load_table(
    conn: AsyncConnection,
    table: Table,
    columns: list[str],
    records: Iterator[Any],
    on_rows: Callable[[str, int], None],
) -> int:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise RestoreError(f"table {table.name} has no columns {missing} here")
    await conn.execute(delete(table))  # migration seed rows (the database was checked empty)
    decoders = [_decoder(table.columns[c].type, conn.dialect.name) for c in columns]
    count = 0
    batch: list[list[Any]] = []
    for record in records:
        if isinstance(record, dict):
            if record.get("end") != table.name or record.get("rows") != count + len(batch):
                raise RestoreError(f"table {table.name}: the backup is damaged")
            break
        batch.append(_decoded(record, decoders))
        if len(batch) >= BATCH:
            count += await _insert(conn, table, columns, batch)
            on_rows(table.name, len(batch))
            batch = []
    else:
        raise RestoreError(f"table {table.name}: the backup ends early")
    if batch:
        count += await _insert(conn, table, columns, batch)
        on_rows(table.name, len(batch))
    return count


async def _insert(
    conn: AsyncConnection, table: Table, columns: list[str], rows: list[list[Any]]
) -> int:
    if conn.dialect.name == "postgresql":
        raw = await conn.get_raw_connection()
        await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
            table.name, records=rows, columns=columns
        )
    else:
        # The driver's executemany with positional rows: SQLAlchemy's per-row dicts and
        # parameter processing cost more than SQLite's inserts.
        quote = conn.dialect.identifier_preparer.quote
        names = ", ".join(quote(c) for c in columns)
        marks = ", ".join("?" for _ in columns)
        await conn.exec_driver_sql(
            f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})", [tuple(r) for r in rows]
        )
    return len(rows)


async def _continue_ids(conn: AsyncConnection, footer: dict[str, Any]) -> None:
    """New schema ids, and every sequence, continue after what was restored."""
    next_id = int(footer.get("next_schema_id") or 1)
    await conn.execute(
        text("UPDATE id_counter SET next_id = :n WHERE name = 'schema'"), {"n": next_id}
    )
    if conn.dialect.name != "postgresql":
        return  # SQLite: the counter row above; INTEGER PRIMARY KEYs follow their max
    positions = {**footer.get("sequences", {}), "schema_ids": next_id}
    for name, table in (await conn.run_sync(reflect)).items():
        for column in table.primary_key.columns:
            found = await conn.execute(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": name, "c": column.name}
            )
            if (sequence := found.scalar_one()) is not None:
                highest = (await conn.execute(select(func.max(column)))).scalar_one()
                short = sequence.split(".")[-1].strip('"')
                positions[short] = max(positions.get(short, 1), int(highest or 0) + 1)
    existing = set(
        (await conn.execute(text("SELECT sequencename FROM pg_sequences"))).scalars().all()
    )
    for name, value in positions.items():
        if name in existing:
            await conn.execute(text("SELECT setval(:s, :v, false)"), {"s": name, "v": value})


# ---- values: the JSON spellings of backup.py's encoders, and JSON columns for COPY ----------

Decoder = Callable[[Any], Any] | None


def _decoder(kind: Any, dialect: str) -> Decoder:
    """None for the columns JSON holds as they are (nearly all: no call per value)."""
    if isinstance(kind, JSON) and dialect == "postgresql":
        return lambda v: None if v is None else orjson.dumps(v).decode()
    if isinstance(kind, DateTime | Date):
        return lambda v: v if not isinstance(v, dict) else _datetime(v["$dt"], kind)
    if isinstance(kind, LargeBinary):
        return lambda v: v if not isinstance(v, dict) else base64.b64decode(v["$b64"])
    if isinstance(kind, Numeric):
        return lambda v: v if not isinstance(v, dict) else decimal.Decimal(v["$dec"])
    return None


def _datetime(text_value: str, kind: Any) -> Any:
    moment = dt.datetime.fromisoformat(text_value)
    return moment.date() if isinstance(kind, Date) and not isinstance(kind, DateTime) else moment


def _decoded(row: list[Any], decoders: list[Decoder]) -> list[Any]:
    for index, decode in enumerate(decoders):
        if decode is not None:
            row[index] = decode(row[index])
    return row
