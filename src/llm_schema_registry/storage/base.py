"""The narrow storage interface the registry service depends on.

A `Store` hands out transactions. Everything a request reads or writes happens inside one,
so a registration is atomic and a failed request changes nothing. Engines differ only in
`storage/sql.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol

from llm_schema_registry.registry.model import (
    JsonObject,
    LifecycleEvent,
    NewSchema,
    SchemaId,
    StoredSchema,
    SubjectVersion,
)


@dataclass(frozen=True)
class ScopeSettings:
    global_config: JsonObject | None
    subject_config: JsonObject | None
    global_mode: str | None
    subject_mode: str | None


class Tx(Protocol):
    """One database transaction."""

    async def schema_by_id(self, schema_id: int) -> StoredSchema | None: ...

    async def schema_by_guid(self, guid: str) -> StoredSchema | None: ...

    async def schema_by_hash(self, identity_hash: str) -> StoredSchema | None: ...

    async def stored_or_added(self, schema: NewSchema) -> StoredSchema:
        """The stored copy of this content (same identity hash), added under the next id if
        absent; the store may do both in one round trip."""
        ...

    async def add_schema(self, schema: NewSchema, explicit_id: int | None = None) -> StoredSchema:
        """Store content the caller found absent (`schema_by_hash`) in this transaction, under
        the next id or `explicit_id`; ids never go backwards. Where other processes write
        concurrently the store re-checks under its id lock and returns their copy."""
        ...

    async def max_schema_id(self) -> int: ...

    async def count_versions(self) -> list[tuple[str, bool, int]]:
        """(schema type, soft-deleted, number of subject versions)."""
        ...

    async def versions(self, subject: str) -> list[SubjectVersion]:
        """Every version of `subject`, soft-deleted included, oldest first."""
        ...

    async def all_versions(self, subject_prefix: str = "") -> list[SubjectVersion]:
        """Every version of every subject starting with `subject_prefix`, by subject, version."""
        ...

    async def subjects(self) -> list[tuple[str, bool]]:
        """(subject, has a live version) for every subject with any stored version."""
        ...

    async def versions_of_schema(self, schema_id: int) -> list[tuple[str, int, bool]]:
        """(subject, version, deleted) of every version holding `schema_id`."""
        ...

    async def referencing_schema_ids(self, subject: str, version: int) -> list[SchemaId]:
        """Ids of schemas whose references name (subject, version)."""
        ...

    async def add_version(self, subject: str, version: int, schema_id: int, ts: int) -> None: ...

    async def set_lifecycle(
        self, subject: str, version: int, state: str, sunset_date: str | None, reason: str | None
    ) -> None:
        """Governance: a version's lifecycle state (see `governance.lifecycle`)."""
        ...

    async def set_version_metadata(self, subject: str, version: int, metadata: JsonObject) -> None:
        """Governance: replace this version's metadata in place (the schema is untouched)."""
        ...

    async def add_lifecycle_event(self, event: LifecycleEvent) -> None: ...

    async def lifecycle_events(self, subject: str) -> list[LifecycleEvent]:
        """Oldest first."""
        ...

    async def set_consumer(self, subject: str, consumer_id: str, version: int, ts: int) -> None:
        """Record (or move) a consumer of `subject` at `version`."""
        ...

    async def consumers(self, subject: str) -> list[tuple[str, int, int]]:
        """(consumer id, version, registered ms) by consumer id."""
        ...

    async def mark_deleted(self, subject: str, versions: Sequence[int]) -> None: ...

    async def remove_versions(self, subject: str, versions: Sequence[int]) -> None: ...

    async def settings(self, subject: str) -> ScopeSettings:
        """Registry-wide and `subject`'s own config and mode, in one read."""
        ...

    async def config(self, scope: str) -> JsonObject | None: ...

    async def set_config(self, scope: str, config: JsonObject) -> None: ...

    async def delete_config(self, scope: str) -> None: ...

    async def mode(self, scope: str) -> str | None: ...

    async def set_mode(self, scope: str, mode: str) -> None: ...

    async def delete_mode(self, scope: str) -> None: ...


class Store(Protocol):
    """Hands out transactions; `write(lock=subject)` serializes writers of that subject."""

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    def read(self) -> AbstractAsyncContextManager[Tx]: ...

    def write(self, lock: str | None = None) -> AbstractAsyncContextManager[Tx]: ...

    async def ping(self) -> None: ...
