"""The SDK's cache: schemas by id forever (ids are immutable), a subject's latest version
for a TTL (default 5 minutes), dropped as soon as the registry answers 404/410 for it."""

from __future__ import annotations

import time
from collections.abc import Callable

from llm_schema_registry.client.models import CacheStats, RegisteredSchema

DEFAULT_LATEST_TTL = 300.0


class SchemaCache:
    def __init__(
        self, latest_ttl: float = DEFAULT_LATEST_TTL, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.latest_ttl = latest_ttl
        self._clock = clock
        self._by_id: dict[int, RegisteredSchema] = {}
        self._latest: dict[str, tuple[float, RegisteredSchema]] = {}
        self._hits = 0
        self._misses = 0

    def by_id(self, schema_id: int) -> RegisteredSchema | None:
        return self._count(self._by_id.get(schema_id))

    def put_id(self, schema: RegisteredSchema) -> None:
        self._by_id[schema.id] = schema

    def latest(self, subject: str) -> RegisteredSchema | None:
        entry = self._latest.get(subject)
        if entry is not None and entry[0] <= self._clock():
            del self._latest[subject]
            entry = None
        return self._count(entry[1] if entry else None)

    def put_latest(self, subject: str, schema: RegisteredSchema) -> None:
        if self.latest_ttl > 0:
            self._latest[subject] = (self._clock() + self.latest_ttl, schema)

    def invalidate(self, subject: str) -> None:
        """The registry said the subject (or its version) is gone, or it changed here."""
        self._latest.pop(subject, None)

    @property
    def stats(self) -> CacheStats:
        return CacheStats(self._hits, self._misses)

    def _count(self, found: RegisteredSchema | None) -> RegisteredSchema | None:
        if found is None:
            self._misses += 1
        else:
            self._hits += 1
        return found
