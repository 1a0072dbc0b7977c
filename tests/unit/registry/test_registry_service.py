"""The registry service on a real SQLite store: what registration, reads and deletion see
of versions in each lifecycle state, soft-deleted or not, as the clock moves."""

from __future__ import annotations

import json

import pytest
from registry_support import MovableClock, record, set_state

from llm_schema_registry.registry.errors import (
    IncompatibleSchemaError,
    OperationNotPermittedError,
    ReferenceExistsError,
    SchemaNotFoundError,
    SubjectNotFoundError,
    SubjectNotSoftDeletedError,
    VersionNotFoundError,
    VersionNotSoftDeletedError,
    VersionSoftDeletedError,
)
from llm_schema_registry.registry.model import Reference, RegisterRequest
from llm_schema_registry.registry.service import RegistryService
from llm_schema_registry.registry.versions import State, epoch_ms
from llm_schema_registry.storage.sql import SqlStore

# ---- registration ------------------------------------------------------------------------


async def test_registering_the_same_schema_twice_returns_the_first_version(
    registry: RegistryService, clock: MovableClock
) -> None:
    first = await registry.register("s", record())
    again = await registry.register("s", record())
    assert (first.version, again.version, again.schema.id) == (1, 1, first.schema.id)
    assert first.ts == epoch_ms(clock.now())  # stamped by the registry's one clock


async def test_a_draft_is_listed_but_never_latest_nor_looked_up(registry: RegistryService) -> None:
    await registry.register("s", record())
    draft = RegisterRequest(schema=record("a").schema, state=State.DRAFT)
    assert (await registry.register("s", draft)).state == State.DRAFT
    assert await registry.versions("s") == [1, 2]
    assert (await registry.version("s", "latest")).version == 1
    with pytest.raises(SchemaNotFoundError):
        await registry.lookup("s", record("a"))


async def test_compatibility_is_checked_against_active_and_deprecated_versions_only(
    registry: RegistryService, store: SqlStore, clock: MovableClock
) -> None:
    await registry.register("s", record())
    await registry.register("s", record("a"))
    with pytest.raises(IncompatibleSchemaError):
        await registry.register("s", record(required="b"))
    await set_state(store, "s", 2, State.DEPRECATED, clock.date_in(1))
    assert await registry.check_compatibility("s", None, record(required="b")) != []
    await registry.delete_version("s", 2)  # soft-deleted versions are not checked
    await set_state(store, "s", 1, State.ARCHIVED)
    assert await registry.check_compatibility("s", None, record(required="b")) == []
    assert (await registry.register("s", record(required="b"))).version == 3


async def test_a_passed_sunset_hides_a_version_before_anything_is_written(
    registry: RegistryService, store: SqlStore, clock: MovableClock
) -> None:
    await registry.register("s", record())
    await registry.register("s", record("a"))
    await set_state(store, "s", 2, State.DEPRECATED, clock.date_in(1))
    await set_state(store, "s", 1, State.DEPRECATED, clock.date_in(5))
    assert (await registry.version("s", "latest")).version == 2
    clock.advance(days=2)
    assert await registry.versions("s") == [1]
    assert await registry.versions("s", archived=True) == [1, 2]
    assert (await registry.version("s", "latest")).version == 1
    assert (await registry.version("s", 2, archived=True)).state == State.ARCHIVED
    with pytest.raises(VersionNotFoundError):
        await registry.version("s", 2)
    assert [v.version for v in await registry.all_versions(latest_only=True)] == [1]


async def test_registering_past_max_versions_archives_the_oldest(
    registry: RegistryService, store: SqlStore
) -> None:
    await registry.config.set_config("s", {"maxVersions": 2})
    for fields in [(), ("a",), ("a", "b")]:
        await registry.register("s", record(*fields))
    assert await registry.versions("s") == [2, 3]
    assert await registry.versions("s", archived=True) == [1, 2, 3]
    async with store.read() as tx:
        events = await tx.lifecycle_events("s")
    assert [(e.version, e.to_state, e.reason) for e in events] == [
        (1, State.ARCHIVED, "maxVersions exceeded")
    ]


async def test_a_read_only_subject_refuses_registration_and_deletion(
    registry: RegistryService,
) -> None:
    await registry.register("s", record())
    await registry.config.set_mode("s", "READONLY")
    with pytest.raises(OperationNotPermittedError):
        await registry.register("s", record("a"))
    with pytest.raises(OperationNotPermittedError):
        await registry.delete_version("s", 1)


# ---- reads -------------------------------------------------------------------------------


async def test_lookup_finds_soft_deleted_versions_only_when_asked(
    registry: RegistryService,
) -> None:
    await registry.register("s", record())
    await registry.register("s", record("a"))
    await registry.delete_version("s", 1)
    with pytest.raises(SchemaNotFoundError):
        await registry.lookup("s", record())
    assert (await registry.lookup("s", record(), deleted=True)).version == 1


async def test_latest_with_metadata_skips_drafts_and_soft_deleted_versions(
    registry: RegistryService,
) -> None:
    owned = {"properties": {"owner": "a"}}
    first = record()
    first.metadata = owned
    await registry.register("s", first)
    second = RegisterRequest(schema=record("a").schema, metadata=owned, state=State.DRAFT)
    await registry.register("s", second)
    assert (await registry.latest_with_metadata("s", {"owner": "a"})).version == 1
    await registry.delete_version("s", 1)
    with pytest.raises(SchemaNotFoundError):
        await registry.latest_with_metadata("s", {"owner": "a"})
    found = await registry.latest_with_metadata("s", {"owner": "a"}, deleted=True)
    assert found.version == 1


async def test_an_unknown_subject_is_not_found(registry: RegistryService) -> None:
    with pytest.raises(SubjectNotFoundError):
        await registry.versions("nope")
    with pytest.raises(SubjectNotFoundError):
        await registry.version("nope", 1)


# ---- deletion and references -------------------------------------------------------------


async def test_versions_are_soft_deleted_before_they_are_erased(registry: RegistryService) -> None:
    await registry.register("s", record())
    await registry.register("s", record("a"))
    with pytest.raises(VersionNotSoftDeletedError):
        await registry.delete_version("s", 2, permanent=True)
    assert await registry.delete_version("s", "latest") == 2
    with pytest.raises(VersionSoftDeletedError):
        await registry.delete_version("s", 2)
    assert await registry.versions("s", deleted_only=True) == [2]
    assert await registry.delete_version("s", 2, permanent=True) == 2
    assert await registry.versions("s", deleted=True) == [1]
    with pytest.raises(SubjectNotSoftDeletedError):
        await registry.delete_subject("s", permanent=True)
    assert await registry.delete_subject("s") == [1]
    assert await registry.subjects() == []
    assert await registry.subjects(deleted=True) == ["s"]
    assert await registry.delete_subject("s", permanent=True) == [1]
    assert await registry.subjects(deleted=True) == []


async def test_a_referenced_version_stays_until_its_referrers_are_erased(
    registry: RegistryService,
) -> None:
    await registry.register("base", record())
    ref = Reference("Event", "base", 1)
    text = json.dumps(
        {"type": "record", "name": "Outer", "fields": [{"name": "e", "type": "Event"}]}
    )
    outer = await registry.register("outer", RegisterRequest(schema=text, references=(ref,)))
    assert await registry.referenced_by("base", 1) == [outer.schema.id]
    with pytest.raises(ReferenceExistsError):
        await registry.delete_version("base", 1)
    await registry.delete_subject("outer")
    assert await registry.referenced_by("base", 1) == []
    assert await registry.versions_of_schema(outer.schema.id) == []
    assert await registry.versions_of_schema(outer.schema.id, deleted=True) == [("outer", 1)]
    await registry.delete_version("base", 1)
    with pytest.raises(ReferenceExistsError):  # a soft-deleted referrer still resolves it
        await registry.delete_version("base", 1, permanent=True)
