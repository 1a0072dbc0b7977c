"""`SqlStore`: the registry's store on SQLite (the embedded default) or PostgreSQL.

Transactions are `queries.tx.SqlTx` (portable SQL) or, on PostgreSQL, `postgres.PostgresTx`
(fewer round trips, advisory locks, change notices); engines and pools come from `engine`,
migrations from `migrate`. Writers of one subject are serialized: SQLite has one writer at a
time (`BEGIN IMMEDIATE`), PostgreSQL locks the subject.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from llm_schema_registry.storage.engine import create_engines, plain_dsn
from llm_schema_registry.storage.known import KnownSchemas
from llm_schema_registry.storage.migrate import migrate
from llm_schema_registry.storage.postgres import PostgresTx
from llm_schema_registry.storage.queries.tx import SqlTx


class SqlStore:
    """`registry.store.Store` over SQLAlchemy's async engine.

    `known_schemas` is the process's one memory of committed schema rows: this store fills
    it from its transactions, `CachedStore` serves by-id reads from it.
    """

    def __init__(
        self,
        url: str,
        *,
        read_url: str | None = None,
        pool_size: int = 10,
        events: bool = True,
    ) -> None:
        self._engine, self._read_engine = create_engines(url, read_url, pool_size)
        # Change events (events.store): write them in each change's transaction, and tell
        # these listeners (the relay's wake-up) after a commit that wrote some.
        self.events_enabled = events
        self.on_events: list[Callable[[], None]] = []
        self.dialect = self._engine.dialect.name
        self.known_schemas = KnownSchemas()
        self._tx_type = PostgresTx if self.dialect == "postgresql" else SqlTx

    async def start(self) -> None:
        """Apply migrations."""
        await migrate(self._engine)

    @property
    def listen_dsn(self) -> str:
        """The plain DSN asyncpg takes (for the change feed's own connection)."""
        return plain_dsn(self._engine.url.render_as_string(hide_password=False))

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
            tx = self._tx(conn)
            yield tx
            await tx.flush_events()  # none expected from a read; never dropped if any
        self.known_schemas.remember(tx.learned.values())  # autocommit: committed rows only

    @asynccontextmanager
    async def write(self, lock: str | None = None) -> AsyncIterator[SqlTx]:
        # On SQLite, this process's writers queue in the driver (`inline_sqlite`).
        async with self._engine.connect() as conn:
            conn = await conn.execution_options(sqlite_write=True)
            async with conn.begin():
                tx = self._tx(conn)
                await tx.begin_write(lock)
                yield tx
                await tx.flush_events()  # the events no statement has carried yet
        # Committed: the rows it stored or read exist for good (ids are never reused).
        self.known_schemas.remember(tx.learned.values())
        if tx.emitted:
            for listener in self.on_events:
                listener()

    def _tx(self, conn: AsyncConnection) -> SqlTx:
        tx = self._tx_type(conn, self.known_schemas)
        tx.events_enabled = self.events_enabled
        return tx
