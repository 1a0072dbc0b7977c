"""`SqlTx`: the registry's whole transaction in portable SQL (SQLite's, as is)."""

from __future__ import annotations

from llm_schema_registry.storage.queries.contexts import ContextQueries
from llm_schema_registry.storage.queries.lifecycle import LifecycleQueries
from llm_schema_registry.storage.queries.outbox import OutboxQueries
from llm_schema_registry.storage.queries.schemas import SchemaQueries
from llm_schema_registry.storage.queries.settings import SettingsQueries
from llm_schema_registry.storage.queries.versions import VersionQueries


class SqlTx(
    ContextQueries,
    SchemaQueries,
    VersionQueries,
    LifecycleQueries,
    SettingsQueries,
    OutboxQueries,
):
    """One transaction on one connection (see `registry.store.Tx`)."""

    async def begin_write(self, lock: str | None) -> None:
        """First statement of a write transaction. Nothing to do here: SQLite's
        `BEGIN IMMEDIATE` already took the one write lock (see `storage.engine`)."""
