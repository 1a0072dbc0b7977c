"""What every query of one transaction shares."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from llm_schema_registry.registry.model import StoredSchema
from llm_schema_registry.registry.store import ScopeSettings
from llm_schema_registry.storage.known import KnownSchemas


class TxState:
    """One transaction's connection and what it learned along the way."""

    def __init__(self, conn: AsyncConnection, known: KnownSchemas) -> None:
        self._conn = conn
        self._known = known
        # Schema rows this transaction read or wrote: the store adds them to `known` once
        # the transaction has ended well (committed rows only, see KnownSchemas).
        self.learned: dict[int, StoredSchema] = {}
        self.added: set[int] = set()  # schema ids this transaction stored
        # Versions were removed for good: schema ids may have stopped resolving.
        self.removed_ids = False
        # Settings read along with the subject lock (PostgreSQL); dropped on any edit.
        self._settings: dict[str, ScopeSettings] = {}
        # Change events: written unless the store turned them off; how many this one wrote.
        self.events_enabled = True
        self.emitted = 0
        self.held_events: list[dict[str, object]] = []  # not yet written (queries/outbox.py)

    def added_here(self, schema_id: int) -> bool:
        return schema_id in self.added

    def _learn(self, schema: StoredSchema) -> StoredSchema:
        self.learned[schema.id] = schema
        return schema
