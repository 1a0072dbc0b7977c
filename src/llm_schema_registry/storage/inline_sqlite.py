"""SQLite for SQLAlchemy's async engine, run on the event loop's own thread.

aiosqlite runs each call on a thread of its own and wakes the loop when it is done: ~0.5 ms a
statement here, against ~26 µs for the statement itself (bench/RESULTS.md). A registry's
statements are short (by key, a row or a subject's versions), so this driver runs them inline
and keeps the one thing that must not block the loop off the loop: waiting for another
connection's write lock. SQLite's own busy timeout is 0 on these connections (`engine`), and a
statement that finds the database busy is retried after an `asyncio.sleep`, up to
`BUSY_TIMEOUT_SECONDS`, so a writer in another process never stalls this one. This process's
writers of a database file queue in order on one `asyncio.Lock` before `BEGIN IMMEDIATE` and
leave it at commit or rollback (every engine on the file: the registry's, the audit log's...).

It is the `sqlite+inline` dialect, the one plain `sqlite:///` URLs get (engine.py): aiosqlite's
SQLAlchemy dialect (same SQL, same pool choices) with this module's connection in its place.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import weakref
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any, TypeVar

from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_dbapi,
    SQLiteDialect_aiosqlite,
)

BUSY_TIMEOUT_SECONDS = 10.0
# SQLITE_BUSY and SQLITE_BUSY_RECOVERY: the statement did nothing and may simply run again.
# (SQLITE_BUSY_SNAPSHOT needs the transaction restarted; it cannot happen to our writers,
# which take the write lock first with BEGIN IMMEDIATE.)
_RETRIABLE = frozenset({5, 261})
_T = TypeVar("_T")


async def when_not_busy(call: Callable[..., _T], *args: Any) -> _T:
    """`call(*args)`, retried after short sleeps while SQLite reports the database busy."""
    try:
        return call(*args)
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode not in _RETRIABLE:
            raise
    loop = asyncio.get_running_loop()
    deadline, delay = loop.time() + BUSY_TIMEOUT_SECONDS, 0.0005
    while True:
        await asyncio.sleep(delay)
        try:
            return call(*args)
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode not in _RETRIABLE or loop.time() > deadline:
                raise
        delay = min(delay * 2, 0.02)


# This process's writers of each database file, queued in order (one queue per event loop):
# a writer that finds the lock taken here waits its turn instead of retrying on busy errors.
_writer_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


def _writer_lock(database: str) -> asyncio.Lock | None:
    if database in ("", ":memory:") or database.startswith("file:"):
        return None  # private to one connection, or named in ways not worth normalizing
    locks = _writer_locks.setdefault(asyncio.get_running_loop(), {})
    return locks.setdefault(os.path.realpath(database), asyncio.Lock())


class InlineCursor:
    """aiosqlite's cursor API over a sqlite3 cursor, without the thread."""

    def __init__(self, cursor: sqlite3.Cursor, owner: InlineConnection | None = None) -> None:
        self._cursor = cursor
        self._owner = owner

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> InlineCursor:
        if self._owner is not None and sql.startswith("BEGIN IMMEDIATE"):
            await self._owner.queue_for_writing()
            try:
                await when_not_busy(self._cursor.execute, sql, parameters)
            except BaseException:
                self._owner.done_writing()
                raise
            return self
        await when_not_busy(self._cursor.execute, sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Sequence[Sequence[Any]]) -> InlineCursor:
        await when_not_busy(self._cursor.executemany, sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class InlineConnection:
    """aiosqlite's connection API over a sqlite3 connection, without the thread."""

    def __init__(self, connection: sqlite3.Connection, database: str = "") -> None:
        self._conn = connection
        self._database = database
        self._holding: asyncio.Lock | None = None

    @property
    def _connection(self) -> sqlite3.Connection | None:  # what SQLAlchemy's adapter checks
        return self._conn

    async def queue_for_writing(self) -> None:
        """Wait for this process's other writers of the database (before BEGIN IMMEDIATE)."""
        lock = _writer_lock(self._database)
        if lock is None:
            return
        # `asyncio.timeout`, never `wait_for`: on Python 3.11 `wait_for` runs the acquire as a
        # task of its own (even for a free lock) and, if its caller is cancelled in the loop
        # iteration where that task got the lock, returns it and drops the cancellation
        # (CPython gh-86296). The event relay, cancelled at shutdown as a step began, then
        # polled on forever and held the app's shutdown (tests/storage/test_inline_shutdown.py).
        # Awaited directly, a free lock is taken without suspending, and `Lock.acquire`
        # cancelled after the hand-over passes the lock to the next waiter.
        try:
            async with asyncio.timeout(BUSY_TIMEOUT_SECONDS):
                await lock.acquire()
        except TimeoutError:
            raise sqlite3.OperationalError("database is locked") from None
        self._holding = lock

    def done_writing(self) -> None:
        lock, self._holding = self._holding, None
        if lock is not None:
            lock.release()

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._conn.cursor(), self)

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> InlineCursor:
        return await self.cursor().execute(sql, parameters)

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def commit(self) -> None:
        await when_not_busy(self._conn.commit)
        self.done_writing()

    async def rollback(self) -> None:
        try:
            self._conn.rollback()
        finally:
            self.done_writing()

    async def close(self) -> None:
        try:
            self._conn.close()
        finally:
            self.done_writing()

    def stop(self) -> None:
        try:
            self._conn.close()
        finally:
            self.done_writing()


class InlineAdaptedConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()

    @property
    def isolation_level(self) -> str | None:
        level: str | None = self._connection.isolation_level
        return level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        # aiosqlite's adapter queues this onto its thread; here the connection is ours.
        inline: Any = self._connection
        inline._conn.isolation_level = value


async def connect(database: str, **kwargs: Any) -> InlineConnection:
    # Opened, used and closed on the loop's thread; `check_same_thread` off only so that a
    # connection the garbage collector finalizes elsewhere can still be closed.
    kwargs.pop("check_same_thread", None)
    kwargs.setdefault("isolation_level", None)
    connection = sqlite3.connect(database, check_same_thread=False, **kwargs)
    return InlineConnection(connection, database)


class InlineDbapi(AsyncAdapt_aiosqlite_dbapi):
    def __init__(self) -> None:
        # The exception classes and version attributes aiosqlite re-exports from sqlite3.
        names = {name: getattr(sqlite3, name) for name in dir(sqlite3) if name[0] != "_"}
        names.update(Connection=InlineConnection, connect=connect)
        module = SimpleNamespace(**names, __version__=sqlite3.sqlite_version)
        super().__init__(module, sqlite3)  # type: ignore[arg-type]

    def connect(self, *args: Any, **kwargs: Any) -> InlineAdaptedConnection:
        from sqlalchemy.util import await_

        kwargs.pop("async_creator_fn", None)
        connection: Any = await_(connect(*args, **kwargs))  # aiosqlite's API, duck-typed
        return InlineAdaptedConnection(self, connection)


class InlineSQLiteDialect(SQLiteDialect_aiosqlite):
    driver = "inline"
    supports_statement_cache = True

    @classmethod
    def import_dbapi(cls) -> InlineDbapi:
        return InlineDbapi()
