"""Engines and pools: database URLs, SQLite's pragmas and write lock, pings after idling."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.dialects import registry
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

IDLE_PING_SECONDS = 1.0

# `sqlite:///…` is the inline driver: SQLite statements on the event loop's thread (see
# inline_sqlite), 1.2x the registrations of aiosqlite's thread hop per call (bench/RESULTS.md).
# `sqlite+aiosqlite:///…` keeps aiosqlite, for whoever wants the statements off the loop.
registry.register(
    "sqlite.inline", "llm_schema_registry.storage.inline_sqlite", "InlineSQLiteDialect"
)


def async_url(url: str) -> str:
    """`sqlite:///x.db` / `postgresql://…` → the async driver's URL (SQLite: the inline
    driver unless the URL names aiosqlite)."""
    parsed = make_url(url)
    if parsed.drivername == "sqlite+aiosqlite":
        return str(parsed)
    if parsed.drivername in ("sqlite", "sqlite+pysqlite", "sqlite+inline"):
        return str(parsed.set(drivername="sqlite+inline"))
    if parsed.drivername in ("postgresql", "postgres", "postgresql+asyncpg", "postgresql+psycopg"):
        return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
    raise ValueError(f"unsupported database URL scheme '{parsed.drivername}'")


def plain_dsn(url: str) -> str:
    """The plain PostgreSQL DSN asyncpg takes from an async driver's URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def create_engines(
    url: str, read_url: str | None = None, pool_size: int = 10
) -> tuple[AsyncEngine, AsyncEngine]:
    """(writes, reads): two pools on one database (or reads on a replica)."""
    url = async_url(url)
    options: dict[str, Any] = {}
    if make_url(url).get_backend_name() == "sqlite":
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
    else:
        # A dead server must fail requests in seconds, not after asyncpg's 60 s default.
        options = {
            "pool_size": pool_size,
            "max_overflow": pool_size,
            "connect_args": {"timeout": 3},
        }
    writes = create_async_engine(url, **options)
    # Reads get their own autocommit pool: no BEGIN/COMMIT, and no rollback or isolation
    # reset when a connection goes back to the pool — each of those is a round trip
    # costing as much as the query itself (measured: a read went from 3.2 ms to 0.9 ms).
    reads = create_async_engine(
        async_url(read_url) if read_url else url,
        isolation_level="AUTOCOMMIT",
        pool_reset_on_return=None,
        execution_options={"autocommit_reads": True},
        **options,
    )
    for engine in (writes, reads):
        if engine.dialect.name == "sqlite":
            configure_sqlite(engine)
        else:
            ping_after_idle(engine)
    return writes, reads


def ping_after_idle(engine: AsyncEngine) -> None:
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


def configure_sqlite(engine: AsyncEngine) -> None:
    """WAL; a busy timeout (none on the inline driver, which waits without blocking the loop:
    see `inline_sqlite.when_not_busy`); and BEGIN IMMEDIATE for write transactions (execution
    option `sqlite_write`), so SQLite has one writer at a time."""
    busy_ms = 0 if engine.url.drivername == "sqlite+inline" else 10_000

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let us issue BEGIN ourselves (pysqlite's implicit transactions get in the way).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # aiosqlite waits on its own thread; the inline driver retries with asyncio sleeps.
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
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
