"""First reads of `GET /schemas/ids/{id}`, coalesced: one query for every id missed at once.

The front layer answers an id from its pre-encoded bodies once read; the first read of each id
used to go through the framework and a query of its own (~1.7 ms of CPU each), which is what
a node restarted in front of a large registry does for every id clients ask. Here the misses
that arrive while a query is out wait for the next one, which reads them all
(`RegistryService.schemas_in_use`), and their bodies enter the cache. An id not found, or any
error, falls through to the framework, which answers it as before (404, 503...).

A permanent delete clears the body cache (on any node, through the change feed); a batch
read before that clear is not cached after it (`SchemaBodyCache.clears`).
"""

from __future__ import annotations

import asyncio
import itertools
import logging

from llm_schema_registry.api.deps import by_id_json
from llm_schema_registry.api.front import CachedBody, SchemaBodyCache
from llm_schema_registry.observability import metrics
from llm_schema_registry.registry.service import RegistryService

BATCH = 500  # ids per query
_log = logging.getLogger(__name__)


class ColdReads:
    """Loads bodies of ids missing from a `SchemaBodyCache`, many per query."""

    def __init__(self, registry: RegistryService, cache: SchemaBodyCache) -> None:
        self._registry = registry
        self._cache = cache
        self._waiting: dict[int, asyncio.Future[CachedBody | None]] = {}
        self._reader: asyncio.Task[None] | None = None

    async def body(self, schema_id: int) -> CachedBody | None:
        """The id's body, cached; None when the framework should answer (not found, error)."""
        future = self._waiting.get(schema_id)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self._waiting[schema_id] = future
            if self._reader is None:
                self._reader = asyncio.create_task(self._read_all(), name="cold-reads")
        # Shielded: a client that goes away must not cancel the answer others wait for.
        return await asyncio.shield(future)

    async def _read_all(self) -> None:
        try:
            while self._waiting:
                await asyncio.sleep(0)  # let this turn of the loop's other misses join
                batch = dict(itertools.islice(self._waiting.items(), BATCH))
                for schema_id in batch:
                    del self._waiting[schema_id]
                await self._read(batch)
        finally:
            self._reader = None

    async def _read(self, batch: dict[int, asyncio.Future[CachedBody | None]]) -> None:
        clears = self._cache.clears
        try:
            found = await self._registry.schemas_in_use(list(batch))
        except Exception as exc:  # the framework will answer each id, with the right error
            _log.debug("cold read of %d ids failed: %s", len(batch), type(exc).__name__)
            found = {}
        metrics.CACHES.miss("schema_bodies_batched")
        for schema_id, future in batch.items():
            body = None
            schema = found.get(schema_id)
            if schema is not None and self._cache.clears == clears:
                body = self._cache.put(schema_id, by_id_json(schema))
            if not future.done():
                future.set_result(body)
