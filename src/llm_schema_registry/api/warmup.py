"""Schema bodies loaded into memory in the background after start (`SchemaWarmup`).

A node that restarts in front of a large registry would otherwise send every id's first read
to storage (`api.cold_reads` coalesces those, but each still waits on a query). After start,
without holding readiness back, the warm-up reads the schemas `GET /schemas/ids/{id}` answers
(held by some version, default context) in id order, a page per short read transaction (so
it never holds locks or a snapshot), pre-encodes their bodies into the `SchemaBodyCache`, and
stops once the cache's byte bound (REGISTRY_SCHEMA_BODY_CACHE_BYTES, the memory setting) is
reached: it never evicts what clients read. `schema_registry_body_cache_entries` and
`schema_registry_body_cache_bytes` tell how much is loaded.

A permanent delete clears the cache (on any node, through the change feed) and bumps
`SchemaBodyCache.clears`: a page read before that clear is read again instead of entering
after it, so a body gone for good is never served from here; a clear after the warm-up ended
starts it again (`refill`), so a delete does not leave the node cold. The change feed also
clears the cache when it connects (notices may have been missed before), so the warm-up waits
until the feed is connected: started earlier, its work could be thrown away once done.
"""

from __future__ import annotations

import asyncio
import logging

from llm_schema_registry import tasks
from llm_schema_registry.api.deps import by_id_json
from llm_schema_registry.api.front import SchemaBodyCache
from llm_schema_registry.observability import metrics
from llm_schema_registry.registry.service import RegistryService

PAGE = 500  # schemas per read transaction (encoding a page holds the loop ~5 ms)
RETRY_SECONDS = 5.0  # after a failed read (storage down): try the same page again
_log = logging.getLogger(__name__)


class SchemaWarmup:
    """Fills a `SchemaBodyCache` from storage once, in the background (`start`/`close`)."""

    def __init__(
        self,
        registry: RegistryService,
        cache: SchemaBodyCache,
        page: int = PAGE,
        *,
        feed_connected: asyncio.Event | None = None,
    ) -> None:
        self._registry = registry
        self._cache = cache
        self._page = page
        self._feed_connected = feed_connected  # set once the change feed listens
        self._task: asyncio.Task[None] | None = None
        self._serving = False  # between start() and close(): refills allowed
        self.loaded = 0  # bodies this warm-up put in the cache (every run)
        self.done = asyncio.Event()

    def start(self) -> None:
        self._serving = True
        metrics.BODY_CACHE_WARMUP.set(1)
        self._task = asyncio.create_task(self._run(), name="schema-warmup")

    def refill(self) -> None:
        """The cache was emptied (a permanent delete on some node): load it again once the run
        before has ended. A run in progress notices the clear and starts over by itself."""
        if self._serving and self._task is not None and self._task.done():
            self.start()

    async def close(self) -> None:
        self._serving = False
        task, self._task = self._task, None
        await tasks.stop(task)

    async def _run(self) -> None:
        try:
            if self._feed_connected is not None:
                await self._feed_connected.wait()
            await self.run()
        finally:
            metrics.BODY_CACHE_WARMUP.set(0)
            self.done.set()

    async def run(self) -> None:
        """Load pages until the cache is full or every schema is in; then return."""
        after = 0
        started = asyncio.get_running_loop().time()
        seen = self._cache.clears
        while True:
            clears = self._cache.clears
            if clears != seen:  # a permanent delete emptied the cache: fill it from the start
                after, seen = 0, clears
            try:
                page = await self._registry.schemas_in_use_after(after, self._page)
            except Exception as exc:  # storage down: serving goes on; so does the warm-up, later
                _log.warning("schema warm-up paused: %s", type(exc).__name__)
                await asyncio.sleep(RETRY_SECONDS)
                continue
            if self._cache.clears != clears:
                continue  # read before a permanent delete: read this page again
            for schema in page:
                if not self._cache.put_if_room(schema.id, by_id_json(schema)):
                    self._finished(started, full=True)
                    return
                self.loaded += 1
            if len(page) < self._page:
                self._finished(started, full=False)
                return
            after = page[-1].id
            await asyncio.sleep(0)  # requests waiting on the loop go first

    def _finished(self, started: float, *, full: bool) -> None:
        took = asyncio.get_running_loop().time() - started
        _log.info(
            "schema warm-up: %d bodies (%d bytes) loaded in %.1f s%s",
            self.loaded,
            self._cache.size_bytes,
            took,
            ", cache full" if full else "",
        )
