"""The storage interface the registry depends on; `storage/` implements it.

A `Store` hands out transactions. Everything a request reads or writes happens inside one,
so a registration is atomic and a failed request changes nothing. A transaction (`Tx`) is
the sum of six small concerns, so code that needs one of them can say so:

- `SchemaTx`: schema content rows (immutable once stored) and the references between them.
- `VersionTx`: subject versions, the numbered bindings of a subject to a schema.
- `LifecycleTx`: governance bookkeeping on versions: lifecycle states and their history,
  in-place metadata edits, registered consumers.
- `SettingsTx`: compatibility config and mode, registry-wide ("" scope) and per subject.
- `EventTx`: the change-event outbox, written in the transaction of the change it describes.
- `ContextTx`: named contexts, their key numbers and id counters (`registry.contexts`).
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
    """Registry-wide and one subject's own config and mode, as stored (None: not set)."""

    global_config: JsonObject | None
    subject_config: JsonObject | None
    global_mode: str | None
    subject_mode: str | None


class SchemaTx(Protocol):
    """Schema content: stored once under an id and a guid, found again by its identity hash.

    Rows never change once committed; ids only grow and are never handed out twice.
    """

    async def schema_by_id(self, schema_id: int) -> StoredSchema | None: ...

    async def schema_by_guid(self, guid: str) -> StoredSchema | None: ...

    async def schema_by_hash(self, identity_hash: str) -> StoredSchema | None: ...

    async def schemas_in_use(self, schema_ids: Sequence[int]) -> list[StoredSchema]:
        """Those of `schema_ids` that some version (soft-deleted included) holds: what
        `GET /schemas/ids/{id}` answers, for many ids in one query."""
        ...

    async def schemas_in_use_after(self, after: int, below: int, limit: int) -> list[StoredSchema]:
        """`schemas_in_use` by key order: up to `limit` rows with `after` < key < `below`,
        lowest first (a scan in pages, each resuming after the last key of the one before)."""
        ...

    async def stored_or_added(self, schema: NewSchema) -> StoredSchema:
        """The stored copy of this content (same identity hash), added under the next id if
        absent; the store may do both in one round trip."""
        ...

    async def add_schema(self, schema: NewSchema, explicit_id: int | None = None) -> StoredSchema:
        """Store content the caller found absent (`schema_by_hash`) in this transaction, under
        the next id or `explicit_id`; ids never go backwards. Where other processes write
        concurrently the store re-checks under its id lock and returns their copy."""
        ...

    async def max_schema_id(self, low: int = 0, high: int | None = None) -> int:
        """The highest key in [low, high) (high None: unbounded), 0 if none."""
        ...

    def added_here(self, schema_id: int) -> bool:
        """True when this transaction stored `schema_id` (a new id, not one found)."""
        ...

    async def referencing_schema_ids(self, subject: str, version: int) -> list[SchemaId]:
        """Ids of schemas whose references name (subject, version)."""
        ...


class VersionTx(Protocol):
    """Subject versions: which schema each version of a subject holds, soft deletes included."""

    async def versions(self, subject: str) -> list[SubjectVersion]:
        """Every version of `subject`, soft-deleted included, oldest first."""
        ...

    async def all_versions(self, subject_prefix: str = "") -> list[SubjectVersion]:
        """Every version of every subject starting with `subject_prefix`, by subject, version."""
        ...

    async def deprecated_with_sunset(self) -> list[SubjectVersion]:
        """Every DEPRECATED version with a sunset date (what the sunset sweeps look at: a few
        rows, where `all_versions` would read the whole registry every sweep)."""
        ...

    async def subjects(self) -> list[tuple[str, bool]]:
        """(subject, has a live version) for every subject with any stored version."""
        ...

    async def versions_of_schema(self, schema_id: int) -> list[tuple[str, int, bool]]:
        """(subject, version, deleted) of every version holding `schema_id`."""
        ...

    async def count_versions(self) -> list[tuple[str, bool, int]]:
        """(schema type, soft-deleted, number of subject versions)."""
        ...

    async def add_version(self, subject: str, version: int, schema_id: int, ts: int) -> None: ...

    async def mark_deleted(self, subject: str, versions: Sequence[int]) -> None:
        """Soft delete: the versions stay stored, flagged deleted."""
        ...

    async def remove_versions(self, subject: str, versions: Sequence[int]) -> None:
        """Permanent delete: the version rows go (their schema ids may stop resolving)."""
        ...


class LifecycleTx(Protocol):
    """Governance state kept beside versions: lifecycle, its history, metadata, consumers."""

    async def set_lifecycle(
        self, subject: str, version: int, state: str, sunset_date: str | None, reason: str | None
    ) -> None:
        """A version's lifecycle state (see `governance.lifecycle`)."""
        ...

    async def set_version_metadata(self, subject: str, version: int, metadata: JsonObject) -> None:
        """Replace this version's metadata in place (the schema is untouched)."""
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


class SettingsTx(Protocol):
    """Compatibility config and mode by scope: a subject, or "" (GLOBAL_SCOPE) registry-wide."""

    async def settings(self, subject: str) -> ScopeSettings:
        """Registry-wide and `subject`'s own config and mode, in one read."""
        ...

    async def config(self, scope: str) -> JsonObject | None: ...

    async def set_config(self, scope: str, config: JsonObject) -> None: ...

    async def delete_config(self, scope: str) -> None: ...

    async def mode(self, scope: str) -> str | None: ...

    async def set_mode(self, scope: str, mode: str) -> None: ...

    async def delete_mode(self, scope: str) -> None: ...


class ContextTx(Protocol):
    """Named contexts (`registry.contexts`): the number a context's schema keys carry, and
    its own id counter. The default context "." is not among them (number 0, the counter
    `SchemaTx.add_schema` uses)."""

    async def contexts(self) -> list[tuple[str, int]]:
        """(name, number) of every named context, by name."""
        ...

    async def context_number(self, context: str) -> int | None: ...

    async def next_id_in_context(self, context: str, explicit_id: int | None) -> tuple[int, int]:
        """(number, id): the context's number, the context created if new, and its next id,
        or `explicit_id`, which moves the counter past it. The counter stays locked until the
        transaction ends, so an id is handed out once."""
        ...

    async def add_schema_as(self, schema: NewSchema, key: int) -> StoredSchema:
        """Store content under exactly `key` (an id the caller took from a counter)."""
        ...

    async def delete_context(self, context: str) -> None: ...


class EventTx(Protocol):
    """The outbox side of a write transaction (kinds and data: `registry.outbox`)."""

    async def emit(
        self, kind: str, subject: str | None, data: JsonObject, *, once: str | None = None
    ) -> bool:
        """Record a change event, committed or rolled back with this transaction.

        `once`: an idempotency key; when an event with it exists nothing is written and False
        is returned (two nodes' sunset sweeps emit one reminder). A store with events turned
        off writes nothing and returns True.
        """
        ...


class Tx(SchemaTx, VersionTx, LifecycleTx, SettingsTx, ContextTx, EventTx, Protocol):
    """One database transaction: every concern above, committed or rolled back together."""


class Store(Protocol):
    """Hands out transactions; `write(lock=subject)` serializes writers of that subject.

    `start` prepares storage (migrations) before the first transaction; `ping` raises when
    storage cannot be reached.
    """

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    def read(self) -> AbstractAsyncContextManager[Tx]: ...

    def write(self, lock: str | None = None) -> AbstractAsyncContextManager[Tx]: ...

    async def ping(self) -> None: ...
