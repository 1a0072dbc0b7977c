"""The process's one memory of schema rows (`KnownSchemas`)."""

from __future__ import annotations

from collections.abc import Iterable

from llm_schema_registry.registry.model import StoredSchema

# How many schema rows a process keeps decoded in memory (then it starts over).
KNOWN_SCHEMAS_LIMIT = 100_000


class KnownSchemas:
    """Committed schema rows by id and by guid, shared by every transaction of a store.

    A committed schema row never changes and its id is never handed out again, so an entry
    never goes stale and needs no invalidation. Only committed rows may enter: an id from a
    rolled-back transaction can come back with other content (SQLite's counter row; an
    explicit id on import). Stores add what a transaction read or wrote once it has ended
    well; `CachedStore` answers by-id and by-guid reads from here, and the PostgreSQL store
    joins version rows to the schemas found here instead of reading them again.
    """

    def __init__(self, limit: int = KNOWN_SCHEMAS_LIMIT) -> None:
        self._limit = limit
        self._by_id: dict[int, StoredSchema] = {}
        self._by_guid: dict[str, StoredSchema] = {}

    def by_id(self, schema_id: int) -> StoredSchema | None:
        return self._by_id.get(schema_id)

    def by_guid(self, guid: str) -> StoredSchema | None:
        return self._by_guid.get(guid)

    def remember(self, rows: Iterable[StoredSchema]) -> None:
        """Keep committed `rows`; when they would not fit, forget everything first."""
        new = [row for row in rows if row.id not in self._by_id]
        if len(self._by_id) + len(new) > self._limit:
            self._by_id.clear()
            self._by_guid.clear()
        for row in new:
            self._by_id[row.id] = row
            self._by_guid[row.guid] = row

    def __len__(self) -> int:
        return len(self._by_id)
