"""What the security layer keeps in storage: API keys and the audit chain (`SecurityStore`).

Owned here, implemented in `storage/security_sql.py`; the composition root (`api/app.py`,
or the CLI) builds the implementation and hands it in.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from typing import Protocol

from llm_schema_registry.security.model import ApiKey, AuditEntry, AuditQuery

# The `prev_hash` of the first audit entry: the chain starts from nothing.
GENESIS_HASH = "0" * 64

# Given the new entry's id and the previous entry's hash, the entry (with its own hash).
EntryBuilder = Callable[[int, str], AuditEntry]


class SecurityStore(Protocol):
    """API keys and the append-only, hash-chained audit log, shared by every node.

    Appends are serialized across every process sharing the storage, so the chain never
    forks: the entry `build` makes links to the last one stored when it is written.
    """

    async def close(self) -> None: ...

    async def add_key(self, key: ApiKey) -> None: ...

    async def key(self, key_id: str) -> ApiKey | None: ...

    async def keys(self) -> list[ApiKey]:
        """Oldest first."""
        ...

    async def revoke_key(self, key_id: str, now_ms: int) -> bool:
        """True when the key existed (revoking twice keeps the first time)."""
        ...

    async def append(self, build: EntryBuilder) -> AuditEntry:
        """Stores the entry `build(id, prev_hash)` makes, ids counting up from 1 and
        `prev_hash` the last entry's hash (`GENESIS_HASH` for the first)."""
        ...

    async def append_many(self, builds: Sequence[EntryBuilder]) -> list[AuditEntry]:
        """`append` for each of `builds` in order, in one transaction: all stored or none."""
        ...

    async def entries(self, query: AuditQuery) -> list[AuditEntry]:
        """The entries `query` selects, in chain order."""
        ...

    async def newest(self) -> AuditEntry | None:
        """The last entry of the chain (None while the log is empty)."""
        ...

    def chain(self, batch: int = 1000) -> AsyncIterator[AuditEntry]:
        """Every entry in chain (id) order, read `batch` at a time."""
        ...
