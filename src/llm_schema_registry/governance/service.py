"""Governance over a `Store`: lifecycle transitions, rollback, sunset sweeps, consumers,
in-place metadata edits, the subject overview and bulk schema reads.

Every state change and metadata edit is written to `lifecycle_events` in the same
transaction, so the overview's history never disagrees with the states.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from llm_schema_registry.governance import lifecycle
from llm_schema_registry.governance.diff import differences, judged
from llm_schema_registry.governance.lifecycle import Transition
from llm_schema_registry.governance.metadata import owner_of, tags_of
from llm_schema_registry.governance.search import SubjectQuery, SubjectSearch
from llm_schema_registry.registry.contexts import public_id
from llm_schema_registry.registry.contracts import check_metadata
from llm_schema_registry.registry.errors import (
    InactiveVersionConsumerError,
    InvalidLifecycleRequestError,
    SubjectNotFoundError,
    VersionNotFoundError,
)
from llm_schema_registry.registry.model import (
    JsonObject,
    LifecycleEvent,
    StoredSchema,
    SubjectVersion,
)
from llm_schema_registry.registry.outbox import ChangeKind, emit_state_changed
from llm_schema_registry.registry.service import RegistryService
from llm_schema_registry.registry.store import Store, Tx
from llm_schema_registry.registry.versions import (
    Clock,
    State,
    Versions,
    epoch_ms,
    holders,
    sunset_passed,
)

ROLLBACK_GRACE = dt.timedelta(days=30)  # default sunset for versions a rollback deprecates


class GovernanceService:
    """Lifecycle, consumers, search and overview; which versions count is asked of the
    `RegistryService` (its `Versions`), so `latest` and archived versions mean the same
    everywhere, and "now" is its clock."""

    def __init__(self, store: Store, registry: RegistryService) -> None:
        self._store = store
        self._registry = registry
        self._search = SubjectSearch(registry)

    @property
    def clock(self) -> Clock:
        return self._registry.clock

    async def search(self, prefix: str, wanted: SubjectQuery) -> list[str]:
        """Subjects whose latest version matches `wanted` (see `governance.search`)."""
        return await self._search.search(prefix, wanted)

    # ---- lifecycle ---------------------------------------------------------------------

    async def update_version(
        self,
        subject: str,
        spec: str | int,
        transition: Transition | None,
        metadata: JsonObject | None,
    ) -> None:
        """PUT /subjects/{s}/versions/{v}: a state transition and/or new governance metadata."""
        if transition is None and metadata is None:
            raise InvalidLifecycleRequestError("Give a state or metadata to change")
        check_metadata(metadata)
        async with self._store.write(lock=subject) as tx:
            await self._registry.config.check_writable(tx, subject)
            target = await self._target(tx, subject, spec)
            now = self.clock.now()
            ts = epoch_ms(now)
            if transition is not None:
                current = lifecycle.state_of(target)
                done = lifecycle.checked_transition(
                    current, transition, now, subject, target.version
                )
                await self._move(tx, subject, target.version, current, done, ts)
            if metadata is not None:
                await tx.set_version_metadata(subject, target.version, metadata)
                await tx.add_lifecycle_event(
                    LifecycleEvent(subject, target.version, "metadata", None, None, None, ts)
                )
                changed = {
                    "subject": subject,
                    "version": target.version,
                    "old": target.schema.metadata,
                    "new": metadata,
                }
                await tx.emit(ChangeKind.VERSION_METADATA_CHANGED, subject, changed)

    async def rollback(
        self, subject: str, target_version: int, sunset_date: str | None, reason: str | None
    ) -> list[int]:
        """Deprecate every ACTIVE version above `target_version` (no new version is made)."""
        now = self.clock.now()
        sunset = sunset_date or (now + ROLLBACK_GRACE).isoformat()
        why = reason or f"rolled back to version {target_version}"
        async with self._store.write(lock=subject) as tx:
            await self._registry.config.check_writable(tx, subject)
            versions = (await self._registry.versions_in(tx, subject)).require()
            target = next((v for v in versions.checked if v.version == target_version), None)
            if target is None:
                raise VersionNotFoundError(subject, target_version)
            wanted = Transition(State.DEPRECATED, sunset, why)
            ts = epoch_ms(now)
            moved = []
            for version in versions.live:
                if version.version > target_version and version.state == State.ACTIVE:
                    done = lifecycle.checked_transition(
                        State.ACTIVE, wanted, now, subject, version.version
                    )
                    await self._move(tx, subject, version.version, State.ACTIVE, done, ts)
                    moved.append(version.version)
            if target.state == State.DEPRECATED:
                # The target must be what `latest` serves afterwards.
                back = Transition(State.ACTIVE, None, why)
                await self._move(tx, subject, target.version, State.DEPRECATED, back, ts)
        return moved

    async def archive_expired(self) -> list[tuple[str, int]]:
        """Archive every DEPRECATED version whose sunset date has passed; returns them.
        Run periodically by the app (reads already treat them as archived)."""
        now = self.clock.now()
        async with self._store.read() as tx:
            candidates = [v for v in await tx.deprecated_with_sunset() if sunset_passed(v, now)]
        archived: list[tuple[str, int]] = []
        for version in candidates:
            async with self._store.write(lock=version.subject) as tx:
                # Another node's sweep (or a reactivation) may have got there first.
                stored = Versions.stored(version.subject, await tx.versions(version.subject))
                again = stored.numbered(version.version)
                if again is None or not sunset_passed(again, now):
                    continue
                done = Transition(State.ARCHIVED, None, "sunset date passed")
                await self._move(
                    tx, version.subject, version.version, State.DEPRECATED, done, epoch_ms(now)
                )
            archived.append((version.subject, version.version))
        return archived

    @staticmethod
    async def _move(
        tx: Tx, subject: str, version: int, current: State, done: Transition, ts: int
    ) -> None:
        await tx.set_lifecycle(subject, version, done.state, done.sunset_date, done.reason)
        await tx.add_lifecycle_event(
            LifecycleEvent(subject, version, "state", current, done.state, done.reason, ts)
        )
        await emit_state_changed(
            tx,
            subject,
            version,
            current,
            done.state,
            reason=done.reason,
            sunset_date=done.sunset_date,
        )

    async def _target(self, tx: Tx, subject: str, spec: str | int) -> SubjectVersion:
        """The live version `spec` names, archived ones included: a request naming one is
        refused for its state, not as if the version were unknown."""
        versions = (await self._registry.versions_in(tx, subject)).require()
        return versions.pick(spec, archived=True)

    # ---- consumers ---------------------------------------------------------------------

    async def add_consumer(self, subject: str, consumer_id: str, version: int | str) -> None:
        if not consumer_id:
            raise InvalidLifecycleRequestError("consumer_id must not be empty")
        async with self._store.write(lock=subject) as tx:
            target = await self._target(tx, subject, version)
            if target.state in (State.DEPRECATED, State.ARCHIVED):
                raise InactiveVersionConsumerError(
                    f"Version {target.version} of subject '{subject}' is {target.state}: "
                    "consumers may only be registered against DRAFT or ACTIVE versions"
                )
            await tx.set_consumer(subject, consumer_id, target.version, epoch_ms(self.clock.now()))
            registered = {"subject": subject, "consumer_id": consumer_id, "version": target.version}
            await tx.emit(ChangeKind.CONSUMER_REGISTERED, subject, registered)

    async def consumers(self, subject: str) -> list[JsonObject]:
        async with self._store.read() as tx:
            if not await tx.versions(subject):
                raise SubjectNotFoundError(subject)
            rows = await tx.consumers(subject)
        return [{"consumer_id": c, "version": v, "registered_ms": ts} for c, v, ts in rows]

    # ---- diff --------------------------------------------------------------------------

    async def diff(self, subject: str, spec: str | int, against: str | int) -> JsonObject:
        """The changes turning version `against` into `spec`, judged under the subject's
        compatibility level, with the semver bump they call for."""
        new = await self._registry.version(subject, spec, archived=True)
        old = await self._registry.version(subject, against, archived=True)
        if new.schema.schema_type != old.schema.schema_type:
            raise InvalidLifecycleRequestError(
                f"Cannot diff a {old.schema.schema_type} version against a "
                f"{new.schema.schema_type} one"
            )
        async with self._store.read() as tx:
            level = (await self._registry.config.policy(tx, subject)).level
        changes = differences(
            new.schema.schema_type,
            await self._registry.parsed(old.schema),
            await self._registry.parsed(new.schema),
        )
        return {"version": new.version, "against": old.version, **judged(changes, level)}

    # ---- overview and bulk -------------------------------------------------------------

    async def overview(self, subject: str, validations: JsonObject) -> JsonObject:
        versions = (await self._registry.subject_versions(subject)).require()
        live = versions.live
        async with self._store.read() as tx:
            events = await tx.lifecycle_events(subject)
            consumers = await tx.consumers(subject)
            referenced_by: list[JsonObject] = []
            for version in live:
                for schema_id in await tx.referencing_schema_ids(subject, version.version):
                    for holder, number in holders(await tx.versions_of_schema(schema_id)):
                        referenced_by.append(
                            {"subject": holder, "version": number, "to_version": version.version}
                        )
        latest = versions.latest()
        metadata = (latest or live[-1]).schema.metadata
        return {
            "subject": subject,
            "latest": latest.version if latest else None,
            "owner": owner_of(metadata),
            "description": ((metadata or {}).get("properties") or {}).get("description"),
            "tags": sorted(tags_of(metadata)),
            "versions": [
                {
                    "version": v.version,
                    "id": public_id(v.schema.id),
                    "state": v.state,
                    "sunset_date": v.sunset_date,
                    "reason": v.reason,
                }
                for v in live
            ],
            "consumers": [{"consumer_id": c, "version": n} for c, n, _ in consumers],
            "references": [
                {**ref.as_json(), "from_version": v.version}
                for v in live
                for ref in v.schema.references
            ],
            "referenced_by": referenced_by,
            "validations": validations,
            "history": [
                {
                    "version": e.version,
                    "kind": e.kind,
                    "from_state": e.from_state,
                    "to_state": e.to_state,
                    "reason": e.reason,
                    "ts": e.ts,
                }
                for e in events
            ],
        }

    async def bulk(
        self, ids: Iterable[int]
    ) -> tuple[list[tuple[StoredSchema, list[str]]], list[int]]:
        """Schemas by id, each with the subjects holding it (archived versions' schemas
        included: old data stays readable); unknown ids are `missing`. The subjects let the
        edge cut the reply to what the caller may read."""
        found: list[tuple[StoredSchema, list[str]]] = []
        missing: list[int] = []
        async with self._store.read() as tx:
            for schema_id in dict.fromkeys(ids):
                schema = await tx.schema_by_id(schema_id)
                holders = await tx.versions_of_schema(schema_id) if schema is not None else []
                if schema is None or not holders:
                    missing.append(schema_id)
                else:
                    found.append((schema, sorted({subject for subject, _, _ in holders})))
        return found, missing
