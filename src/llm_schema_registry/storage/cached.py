"""A `Store` decorator: reads from memory, invalidated on change, served through outages.

- What changes (a subject's versions, config and mode, the subject list) is cached until a
  change invalidates it: at once for changes made here, through the change feed (PostgreSQL
  LISTEN/NOTIFY) for changes made by other nodes. Schema rows never change: read from and
  added to the inner store's `KnownSchemas`, the process's one memory of them.
- Storage calls get bounded retries with backoff (tenacity); when storage stays unreachable a
  circuit breaker opens: cached reads keep answering, everything else fails fast with
  `StorageUnavailableError` (503) until a probe finds storage back.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from typing import Any, Protocol, cast

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential

from llm_schema_registry.observability import metrics
from llm_schema_registry.observability.tracing import tracer
from llm_schema_registry.registry.errors import StorageUnavailableError
from llm_schema_registry.registry.model import StoredSchema, SubjectVersion
from llm_schema_registry.registry.store import ScopeSettings, Store, Tx
from llm_schema_registry.storage.feed import REMOVED_IDS
from llm_schema_registry.storage.known import KnownSchemas

READ_ATTEMPTS = 3
# How many changes the cache remembers by scope, for views kept up to date change by change
# (the search index): one further behind rebuilds whole.
JOURNAL_LENGTH = 4096


def is_unavailable(exc: BaseException) -> bool:
    """True for errors that mean "storage cannot be reached", not "this query is wrong"."""
    if isinstance(exc, OSError | TimeoutError | ConnectionError):
        return True
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    if isinstance(exc, DBAPIError):
        return exc.connection_invalidated or isinstance(exc.orig, OSError | ConnectionError)
    name = type(exc).__name__
    return name in {"ConnectionDoesNotExistError", "CannotConnectNowError"}


class CircuitBreaker:
    """Open after storage proved unreachable; let one probe through every `cooldown` seconds."""

    def __init__(self, cooldown: float = 1.0) -> None:
        self.cooldown = cooldown
        self._open_until = 0.0
        self.tripped = False
        metrics.STORAGE_UP.set(1)

    def allows(self) -> bool:
        return time.monotonic() >= self._open_until

    def trip(self) -> None:
        self.tripped = True
        self._open_until = time.monotonic() + self.cooldown
        metrics.STORAGE_UP.set(0)

    def reset(self) -> None:
        if self.tripped:
            self.tripped = False
            self._open_until = 0.0
            metrics.STORAGE_UP.set(1)


class WriteTx(Tx, Protocol):
    """A write transaction that tells what its commit did beyond its subject."""

    @property
    def removed_ids(self) -> bool:
        """Versions were removed for good: schema ids may have stopped resolving."""
        ...


class InnerStore(Store, Protocol):
    """The `Store` a `CachedStore` wraps, with two hooks: write transactions that report
    permanent removals, and the store's memory of committed schema rows (one per process:
    the store fills it, `CachedStore` answers by-id and by-guid reads from it)."""

    @property
    def known_schemas(self) -> KnownSchemas: ...

    def write(self, lock: str | None = None) -> AbstractAsyncContextManager[WriteTx]: ...


class _Cache:
    """The mutable entries and a generation counter guarding against stale fills; schema
    rows (immutable) are the inner store's `known_schemas`."""

    def __init__(self, known: KnownSchemas) -> None:
        self.generation = 0
        self.versions: dict[str, list[SubjectVersion]] = {}
        self.settings: dict[str, ScopeSettings] = {}
        self.subjects: list[tuple[str, bool]] | None = None
        self.known = known
        self.holders: dict[int, list[tuple[str, int, bool]]] = {}  # schema id -> versions
        self.journal: deque[tuple[int, str]] = deque(maxlen=JOURNAL_LENGTH)

    def changed_since(self, generation: int) -> set[str] | None:
        """The subjects changed after `generation`; None when that is not known (a change
        of registry-wide or unknown extent, or one the journal no longer holds)."""
        if generation == self.generation:
            return set()
        if not self.journal or self.journal[0][0] > generation + 1:
            return None
        changed = set()
        for moved_to, scope in reversed(self.journal):
            if moved_to <= generation:
                break
            if scope in ("*", ""):
                return None
            changed.add(scope)
        return changed

    def invalidate(self, scope: str) -> None:
        self.generation += 1
        self.journal.append((self.generation, scope))
        self.subjects = None
        self.holders.clear()
        if scope in ("*", ""):  # registry-wide settings or unknown extent: drop it all
            self.versions.clear()
            self.settings.clear()
        else:
            self.versions.pop(scope, None)
            self.settings.pop(scope, None)

    def __len__(self) -> int:
        return len(self.versions) + len(self.settings) + len(self.known)


class CachedStore:
    """`registry.store.Store` over another (see the module docstring)."""

    def __init__(self, inner: InnerStore, breaker: CircuitBreaker | None = None) -> None:
        self.inner = inner
        self.breaker = breaker or CircuitBreaker()
        self.cache = _Cache(inner.known_schemas)
        # Tells other nodes about a commit when the feed is not part of the transaction.
        self.publish: Callable[[str], Awaitable[None]] | None = None
        # Called when a permanent delete (here or on another node) may have removed ids.
        self.on_ids_removed: list[Callable[[], None]] = []

    def invalidate(self, scope: str) -> None:
        """Forget what `scope` (a subject, "" for registry-wide, "*" for all) may have changed;
        `REMOVED_IDS`: schema ids may have gone."""
        self.cache.invalidate(scope)
        if scope == REMOVED_IDS:
            for forget in self.on_ids_removed:
                forget()

    async def start(self) -> None:
        await self.inner.start()

    async def close(self) -> None:
        await self.inner.close()

    async def ping(self) -> None:
        await self.inner.ping()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        tx = CachedReadTx(self)
        try:
            # Uncached methods are delegated through __getattr__, hidden from the type checker.
            yield cast(Tx, tx)
        finally:
            await tx.aclose()

    @asynccontextmanager
    async def write(self, lock: str | None = None) -> AsyncIterator[Tx]:
        if not self.breaker.allows():
            raise StorageUnavailableError()
        try:
            with tracer.start_as_current_span("storage.write_transaction"):
                async with self.inner.write(lock) as tx:
                    yield tx
        except Exception as exc:
            if is_unavailable(exc):
                metrics.STORAGE_ERRORS.labels("write").inc()
                self.breaker.trip()
                raise StorageUnavailableError() from exc
            raise
        # Only a commit changes anything. (A connection lost during COMMIT leaves the outcome
        # unknown; the change feed drops every cache when it reconnects after an outage.)
        scope = lock if lock is not None else "*"
        self.invalidate(scope)
        if self.publish is not None:
            await self.publish(scope)
        if tx.removed_ids:
            self.invalidate(REMOVED_IDS)
            if self.publish is not None:
                await self.publish(REMOVED_IDS)
        self.breaker.reset()


class CachedReadTx:
    """Read methods answered from the cache; anything else goes to a lazily opened read."""

    def __init__(self, store: CachedStore) -> None:
        self._store = store
        self._cache = store.cache
        self._stack: AsyncExitStack | None = None
        self._tx: Tx | None = None

    async def aclose(self) -> None:
        if self._stack is not None:
            stack, self._stack, self._tx = self._stack, None, None
            await stack.aclose()

    async def _open(self) -> Tx:
        if self._tx is None:
            stack = AsyncExitStack()
            self._tx = await stack.enter_async_context(self._store.inner.read())
            self._stack = stack
        return self._tx

    async def _call(self, operation: str, *args: Any) -> Any:
        breaker = self._store.breaker
        if not breaker.allows():
            raise StorageUnavailableError()
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(READ_ATTEMPTS),
                wait=wait_exponential(multiplier=0.05, max=0.4),
                retry=retry_if_exception(is_unavailable),
                reraise=True,
            ):
                with attempt, tracer.start_as_current_span(f"storage.{operation}"):
                    try:
                        method = getattr(await self._open(), operation)
                        result = await method(*args)
                    except BaseException as exc:
                        if is_unavailable(exc):
                            metrics.STORAGE_ERRORS.labels(operation).inc()
                            await self._discard()
                        raise
        except Exception as exc:
            if is_unavailable(exc):
                breaker.trip()
                raise StorageUnavailableError() from exc
            raise
        breaker.reset()
        return result

    async def _discard(self) -> None:
        try:
            await self.aclose()
        except Exception:
            self._stack, self._tx = None, None

    async def _cached(self, table: dict[Any, Any], key: Any, operation: str, *args: Any) -> Any:
        if key in table:
            metrics.CACHES.hit(operation)
            return table[key]
        metrics.CACHES.miss(operation)
        generation = self._cache.generation
        value = await self._call(operation, *args)
        # A change committed while we read may not be in `value`: then don't keep it.
        if generation == self._cache.generation and value is not None:
            table[key] = value
        return value

    async def versions(self, subject: str) -> list[SubjectVersion]:
        found: list[SubjectVersion] = await self._cached(
            self._cache.versions, subject, "versions", subject
        )
        return list(found)

    async def settings(self, subject: str) -> ScopeSettings:
        found: ScopeSettings = await self._cached(
            self._cache.settings, subject, "settings", subject
        )
        return found

    async def subjects(self) -> list[tuple[str, bool]]:
        if self._cache.subjects is not None:
            metrics.CACHES.hit("subjects")
            return list(self._cache.subjects)
        metrics.CACHES.miss("subjects")
        generation = self._cache.generation
        found: list[tuple[str, bool]] = await self._call("subjects")
        if generation == self._cache.generation:
            self._cache.subjects = found
        return list(found)

    async def schema_by_id(self, schema_id: int) -> StoredSchema | None:
        return await self._schema(self._cache.known.by_id(schema_id), "schema_by_id", schema_id)

    async def schema_by_guid(self, guid: str) -> StoredSchema | None:
        return await self._schema(self._cache.known.by_guid(guid), "schema_by_guid", guid)

    async def _schema(
        self, known: StoredSchema | None, operation: str, key: Any
    ) -> StoredSchema | None:
        """A schema row from memory, else from storage (then remembered: rows never change)."""
        if known is not None:
            metrics.CACHES.hit(operation)
            return known
        metrics.CACHES.miss(operation)
        found: StoredSchema | None = await self._call(operation, key)
        if found is not None:
            self._cache.known.remember((found,))
        return found

    async def versions_of_schema(self, schema_id: int) -> list[tuple[str, int, bool]]:
        found: list[tuple[str, int, bool]] = await self._cached(
            self._cache.holders, schema_id, "versions_of_schema", schema_id
        )
        return list(found)

    def __getattr__(self, operation: str) -> Callable[..., Awaitable[Any]]:
        async def uncached(*args: Any) -> Any:
            return await self._call(operation, *args)

        return uncached
