"""Change feed between registry nodes sharing one PostgreSQL: LISTEN/NOTIFY.

Every write transaction notifies `CHANNEL` with the subject it changed ("*" when it may
have changed anything); PostgreSQL delivers the notice to every listening node when the
transaction commits. Each node listens on a dedicated connection and drops what the notice
names from its caches. After losing and regaining that connection a node drops everything,
since notices sent meanwhile are lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any, Protocol

import asyncpg

CHANNEL = "llm_schema_registry_changes"
# The notice a permanent delete sends as well: schema ids may have gone (to be answered 404).
# No subject can have this name: subjects with control characters are refused.
REMOVED_IDS = "\x1eremoved-ids"
_log = logging.getLogger(__name__)


class PostgresChangeFeed:
    """Calls `on_change(scope)` for every committed change any node makes."""

    def __init__(self, dsn: str, on_change: Callable[[str], None], retry_seconds: float = 1.0):
        self._dsn = dsn
        self._on_change = on_change
        self._retry = retry_seconds
        self._task: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen_forever(), name="change-feed")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _listen_forever(self) -> None:
        while True:
            try:
                await self._listen_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                _log.warning("change feed disconnected: %s", type(exc).__name__)
            self.connected.clear()
            await asyncio.sleep(self._retry)

    async def _listen_once(self) -> None:
        conn = await asyncpg.connect(self._dsn, timeout=5)
        closed = asyncio.Event()
        try:
            conn.add_termination_listener(lambda _conn: closed.set())
            await conn.add_listener(CHANNEL, self._notified)
            self._on_change("*")  # notices may have been missed while disconnected
            self._on_change(REMOVED_IDS)
            self.connected.set()
            while not closed.is_set():
                # Connection loss is not always reported promptly: probe it now and then.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(closed.wait(), timeout=5)
                if not closed.is_set():
                    await conn.fetchval("SELECT 1", timeout=5)
        finally:
            with contextlib.suppress(Exception):
                await conn.close(timeout=2)

    def _notified(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        self._on_change(payload)


class RedisChangeFeed:
    """The same feed over Redis pub/sub, for deployments that run Redis anyway.

    Unlike NOTIFY, a publish is not part of the database transaction: nodes publish right
    after their commit returns.
    """

    def __init__(self, url: str, on_change: Callable[[str], None], retry_seconds: float = 1.0):
        import redis.asyncio as redis

        self._client = redis.from_url(url)
        self._on_change = on_change
        self._retry = retry_seconds
        self._task: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen_forever(), name="redis-change-feed")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._client.aclose()

    async def publish(self, scope: str) -> None:
        try:
            await self._client.publish(CHANNEL, scope)
        except Exception as exc:
            _log.warning("change feed publish failed: %s", type(exc).__name__)

    async def ping(self) -> None:
        await self._client.ping()

    async def _listen_forever(self) -> None:
        while True:
            try:
                async with self._client.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    self._on_change("*")  # messages may have been missed while disconnected
                    self._on_change(REMOVED_IDS)
                    self.connected.set()
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            data = message["data"]
                            self._on_change(data.decode() if isinstance(data, bytes) else data)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                _log.warning("redis change feed disconnected: %s", type(exc).__name__)
            self.connected.clear()
            await asyncio.sleep(self._retry)


class FeedSource(Protocol):
    """Where a node's change feed listens (`storage.sql.SqlStore`)."""

    dialect: str

    @property
    def listen_dsn(self) -> str: ...


def change_feed(
    redis_url: str | None, store: FeedSource, on_change: Callable[[str], None]
) -> PostgresChangeFeed | RedisChangeFeed | None:
    """The feed the nodes share: Redis pub/sub when configured, else PostgreSQL's LISTEN/NOTIFY;
    none on SQLite (one node, nothing to hear)."""
    if redis_url is not None:
        return RedisChangeFeed(redis_url, on_change)
    if store.dialect == "postgresql":
        return PostgresChangeFeed(store.listen_dsn, on_change)
    return None
