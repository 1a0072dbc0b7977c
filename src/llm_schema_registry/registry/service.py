"""The registry's rules: registration, lookup, versions, deletion and compatibility.

Knows nothing of HTTP or SQL: it talks to formats, `compatibility.check` and a `Store`.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from llm_schema_registry.compatibility import CompatibilityLevel
from llm_schema_registry.formats import format_for
from llm_schema_registry.governance import lifecycle
from llm_schema_registry.governance.limits import DEFAULT_MAX_VERSIONS, archive_over_limit
from llm_schema_registry.governance.search import SearchIndex, SubjectQuery
from llm_schema_registry.observability import metrics
from llm_schema_registry.registry.changes import record_change
from llm_schema_registry.registry.config import ConfigService
from llm_schema_registry.registry.contracts import (
    check_metadata,
    check_rule_set,
    effective_contract,
    merge_metadata,
    merge_rule_sets,
)
from llm_schema_registry.registry.errors import (
    IdConflictError,
    IncompatibleSchemaError,
    InvalidLifecycleRequestError,
    InvalidRuleSetError,
    InvalidSchemaError,
    InvalidSubjectError,
    OperationNotPermittedError,
    ReferenceExistsError,
    SchemaNotFoundError,
    SchemaTooLargeError,
    SubjectNotFoundError,
    SubjectNotSoftDeletedError,
    SubjectSoftDeletedError,
    VersionNotFoundError,
    VersionNotSoftDeletedError,
    VersionSoftDeletedError,
)
from llm_schema_registry.registry.model import (
    JsonObject,
    Mode,
    RegisterRequest,
    StoredSchema,
    SubjectVersion,
)
from llm_schema_registry.registry.schemas import (
    ParsedCache,
    SchemaParser,
    content_hash,
    new_schema,
    parse_version,
)
from llm_schema_registry.registry.store import Store, Tx
from llm_schema_registry.registry.verdicts import checked, describe
from llm_schema_registry.validation.rules import RuleCompileError, compile_rules


def _now_ms() -> int:
    return int(time.time() * 1000)


ARCHIVED = lifecycle.State.ARCHIVED
# Versions data may be written with: compatibility is checked against these only. A DRAFT is
# checked when registered (so activating it later is safe); ARCHIVED ones are retired.
_CHECKED_STATES = (lifecycle.State.ACTIVE, lifecycle.State.DEPRECATED)


def _effective(versions: list[SubjectVersion], now: Any) -> list[SubjectVersion]:
    """Versions as of `now`: a DEPRECATED version past its sunset date reads as ARCHIVED even
    before the sweeper (governance) has written that down."""
    if not any(v.state == lifecycle.State.DEPRECATED for v in versions):
        return versions
    return [
        dataclasses.replace(v, state=ARCHIVED) if lifecycle.sunset_passed(v, now) else v
        for v in versions
    ]


def check_subject(subject: str) -> None:
    if not subject or subject.isspace() or any(ord(c) < 32 for c in subject) or len(subject) > 4096:
        raise InvalidSubjectError(subject)


def _pick(
    versions: list[SubjectVersion],
    spec: str | int,
    *,
    deleted: bool,
    archived: bool = False,
) -> SubjectVersion:
    """The version a path names. `latest` is the highest ACTIVE version, else the highest
    DEPRECATED one (never a DRAFT or an ARCHIVED one); ARCHIVED versions are hidden unless
    `archived`."""
    number = parse_version(spec)
    visible = [
        v for v in versions if (deleted or not v.deleted) and (archived or v.state != ARCHIVED)
    ]
    if number is None:
        found = lifecycle.latest(visible)
        if found is not None:
            return found
    else:
        for version in visible:
            if version.version == number:
                return version
    subject = versions[0].subject if versions else ""
    raise VersionNotFoundError(subject, "latest" if number is None else number)


class RegistryService:
    """Registration, lookup, listing, deletion and compatibility over a `Store`."""

    def __init__(
        self,
        store: Store,
        *,
        parsed_cache_size: int = 4096,
        max_schema_bytes: int = 1024 * 1024,
        clock: lifecycle.Clock | None = None,
    ) -> None:
        self._store = store
        self.clock: lifecycle.Clock = clock or lifecycle.SystemClock()
        self._search_index: tuple[int, SearchIndex] | None = None
        self._parser = SchemaParser(ParsedCache(parsed_cache_size))
        self._max_schema_bytes = max_schema_bytes
        self.config = ConfigService(store)

    # ---- reads -------------------------------------------------------------------------

    async def schema_by_id(self, schema_id: int) -> StoredSchema:
        async with self._store.read() as tx:
            schema = await tx.schema_by_id(schema_id)
            if schema is None or not await tx.versions_of_schema(schema_id):
                raise SchemaNotFoundError(f"Schema {schema_id} not found")
            return schema

    async def schema_by_guid(self, guid: str) -> StoredSchema:
        async with self._store.read() as tx:
            schema = await tx.schema_by_guid(guid)
            if schema is None or not await tx.versions_of_schema(schema.id):
                raise SchemaNotFoundError(f"Schema {guid} not found")
            return schema

    async def max_schema_id(self) -> int:
        async with self._store.read() as tx:
            return await tx.max_schema_id()

    async def parsed(self, schema: StoredSchema) -> Any:
        """The parsed form of a stored schema (cached by id)."""
        async with self._store.read() as tx:
            return await self._parser.parse_stored(tx, schema)

    async def render(self, schema: StoredSchema, output_format: str | None) -> str:
        if not output_format:
            return schema.text
        async with self._store.read() as tx:
            parsed = await self._parser.parse_stored(tx, schema)
        return format_for(schema.schema_type).render(parsed, output_format)

    async def versions_of_schema(
        self, schema_id: int, *, deleted: bool = False
    ) -> list[tuple[str, int]]:
        async with self._store.read() as tx:
            found = await tx.versions_of_schema(schema_id)
        if not found:
            raise SchemaNotFoundError(f"Schema {schema_id} not found")
        return [(subject, version) for subject, version, gone in found if deleted or not gone]

    async def subjects(
        self, *, prefix: str = "", deleted: bool = False, deleted_only: bool = False
    ) -> list[str]:
        async with self._store.read() as tx:
            rows = await tx.subjects()
        if deleted_only:
            return [s for s, live in rows if not live and s.startswith(prefix)]
        return [s for s, live in rows if (live or deleted) and s.startswith(prefix)]

    async def subject_versions(self, subject: str) -> list[SubjectVersion]:
        """Every version of `subject` (soft-deleted and archived included) with its lifecycle
        state as of now."""
        async with self._store.read() as tx:
            return _effective(await tx.versions(subject), self.clock.now())

    async def versions(
        self,
        subject: str,
        *,
        deleted: bool = False,
        deleted_only: bool = False,
        archived: bool = False,
    ) -> list[int]:
        versions = await self.subject_versions(subject)
        shown = [v for v in versions if archived or v.state != ARCHIVED]
        if deleted_only:
            chosen = [v.version for v in shown if v.deleted]
        else:
            chosen = [v.version for v in shown if deleted or not v.deleted]
        if not chosen and not any(deleted or not v.deleted for v in versions):
            raise SubjectNotFoundError(subject)
        return chosen

    async def version(
        self, subject: str, spec: str | int, *, deleted: bool = False, archived: bool = False
    ) -> SubjectVersion:
        parse_version(spec)  # an invalid version is 42202 even for an unknown subject
        versions = await self.subject_versions(subject)
        if not any(deleted or not v.deleted for v in versions):
            raise SubjectNotFoundError(subject)
        return _pick(versions, spec, deleted=deleted, archived=archived)

    async def all_versions(
        self, *, prefix: str = "", deleted: bool = False, latest_only: bool = False
    ) -> list[SubjectVersion]:
        async with self._store.read() as tx:
            every = _effective(await tx.all_versions(prefix), self.clock.now())
        rows = [v for v in every if (deleted or not v.deleted) and v.state != ARCHIVED]
        if latest_only:
            by_subject: dict[str, list[SubjectVersion]] = {}
            for row in rows:
                by_subject.setdefault(row.subject, []).append(row)
            picked = (lifecycle.latest(group) for group in by_subject.values())
            rows = [row for row in picked if row is not None]
        return rows

    async def search(self, prefix: str, wanted: SubjectQuery) -> list[str]:
        """Governance search over subjects with a live version (see `governance.search`).

        The index is rebuilt only when the store's change counter moves (a write here, or
        one another node announced) or a sunset date passes; a store without a counter
        rebuilds it every time."""
        now = self.clock.now()
        generation = getattr(getattr(self._store, "cache", None), "generation", None)
        index = self._search_index
        if index is None or generation is None or index[0] != generation or not index[1].fresh(now):
            async with self._store.read() as tx:
                built = SearchIndex(await tx.all_versions(""), now)
            self._search_index = (generation, built) if generation is not None else None
            return built.search(prefix, wanted)
        return index[1].search(prefix, wanted)

    async def referenced_by(self, subject: str, spec: str | int) -> list[int]:
        target = await self.version(subject, spec, deleted=True)
        async with self._store.read() as tx:
            ids = await tx.referencing_schema_ids(subject, target.version)
            return [i for i in ids if any(not gone for *_, gone in await tx.versions_of_schema(i))]

    async def latest_with_metadata(
        self, subject: str, wanted: dict[str, str], *, deleted: bool = False
    ) -> SubjectVersion:
        versions = await self.subject_versions(subject)
        if not versions:
            raise SubjectNotFoundError(subject)
        for version in reversed(versions):
            properties = (version.schema.metadata or {}).get("properties") or {}
            if version.state not in _CHECKED_STATES:
                continue  # never serve a DRAFT or ARCHIVED version as "the latest with…"
            if (deleted or not version.deleted) and all(
                properties.get(k) == v for k, v in wanted.items()
            ):
                return version
        raise SchemaNotFoundError(
            f"No version of subject '{subject}' has metadata properties {wanted}"
        )

    # ---- lookup and registration --------------------------------------------------------

    async def lookup(
        self,
        subject: str,
        request: RegisterRequest,
        *,
        normalize: bool = False,
        deleted: bool = False,
    ) -> SubjectVersion:
        async with self._store.read() as tx:
            every = _effective(await tx.versions(subject), self.clock.now())
            if not any(deleted or not v.deleted for v in every):
                raise SubjectNotFoundError(subject)
            # Serializers look schemas up: never hand them a DRAFT or an ARCHIVED version.
            versions = [v for v in every if v.state in _CHECKED_STATES]
            normalize = normalize or (await self.config.policy(tx, subject)).normalize
            parsed, refs = await self._parser.parse_request(
                tx, request.schema_type, request.schema, request.references
            )
            match = await self._find_match(tx, versions, request, parsed, refs, normalize, deleted)
        if match is None:
            raise SchemaNotFoundError("Schema not found")
        return match

    async def _find_match(
        self,
        tx: Tx,
        versions: list[SubjectVersion],
        request: RegisterRequest,
        parsed: Any,
        refs: Any,
        normalize: bool,
        deleted: bool,
    ) -> SubjectVersion | None:
        fmt = format_for(request.schema_type)
        wanted = content_hash(request.schema_type, fmt.identity(parsed), refs)
        wanted_normal = fmt.normalized(parsed) if normalize else None
        for version in reversed(versions):
            stored = version.schema
            if (version.deleted and not deleted) or stored.schema_type != request.schema_type:
                continue
            if request.metadata is not None and stored.metadata != request.metadata:
                continue
            if request.rule_set is not None and stored.rule_set != request.rule_set:
                continue
            if stored.content_hash == wanted:
                return version
            if wanted_normal is not None and stored.references == refs:
                other = await self._parser.parse_stored(tx, stored)
                if fmt.normalized(other) == wanted_normal:
                    return version
        return None

    async def register(
        self, subject: str, request: RegisterRequest, *, normalize: bool = False
    ) -> SubjectVersion:
        check_subject(subject)
        if len(request.schema.encode()) > self._max_schema_bytes:
            raise SchemaTooLargeError(len(request.schema.encode()), self._max_schema_bytes)
        check_metadata(request.metadata)
        check_rule_set(request.rule_set)
        if request.state not in (None, lifecycle.State.DRAFT, lifecycle.State.ACTIVE):
            raise InvalidLifecycleRequestError(
                f"A version is registered as DRAFT or ACTIVE, not {request.state}"
            )
        try:
            compile_rules(request.rule_set)  # a rule that does not compile is refused up front
        except RuleCompileError as error:
            raise InvalidRuleSetError(f"Invalid ruleSet: {error}") from None
        try:
            async with self._store.write(lock=subject) as tx:
                result = await self._register(tx, subject, request, normalize)
        except IncompatibleSchemaError:
            metrics.REGISTRATIONS.labels("incompatible").inc()
            raise
        except InvalidSchemaError:
            metrics.REGISTRATIONS.labels("invalid").inc()
            raise
        except Exception:
            metrics.REGISTRATIONS.labels("error").inc()
            raise
        metrics.REGISTRATIONS.labels("success").inc()
        record_change(None, {"subject": subject, "version": result.version, "id": result.schema.id})
        return result

    async def _register(
        self, tx: Tx, subject: str, request: RegisterRequest, normalize: bool
    ) -> SubjectVersion:
        policy = await self.config.policy(tx, subject)
        if not policy.mode.writable:
            raise OperationNotPermittedError(f"Subject {subject} is in read-only mode")
        importing = policy.mode is Mode.IMPORT
        if request.id is not None and not importing:
            raise OperationNotPermittedError(
                "A schema id can only be given while the subject is in IMPORT mode"
            )
        versions = _effective(await tx.versions(subject), self.clock.now())
        live = [v for v in versions if not v.deleted and v.state in _CHECKED_STATES]
        normalize = normalize or policy.normalize
        parsed, refs = await self._parser.parse_request(
            tx, request.schema_type, request.schema, request.references
        )
        if not importing:
            existing = await self._find_match(tx, live, request, parsed, refs, normalize, False)
            if existing is not None:
                return existing
        metadata, rule_set = self._contract(policy.config, request, live, importing)
        content = new_schema(parsed, request.schema_type, refs, metadata, rule_set, normalize)
        if not importing and live:
            found = await self._incompatibilities(tx, policy.level, parsed, content, live)
            if found:
                raise IncompatibleSchemaError(subject, found)
        stored = await self._store_content(tx, content, request.id)
        number = request.version if importing and request.version else None
        if number is None:
            number = (max(v.version for v in versions) + 1) if versions else 1
        elif any(v.version == number for v in versions):
            same = next(v for v in versions if v.version == number)
            if same.schema.id == stored.id:
                return same
            raise OperationNotPermittedError(
                f"Version {number} of subject '{subject}' already exists with another schema"
            )
        ts = _now_ms()
        await tx.add_version(subject, number, stored.id, ts)
        state = lifecycle.State.DRAFT if request.state == lifecycle.State.DRAFT else None
        if state is not None:
            await tx.set_lifecycle(subject, number, state, None, None)
        limit = int(policy.config.get("maxVersions", DEFAULT_MAX_VERSIONS))
        await archive_over_limit(tx, subject, versions, limit, ts)
        return SubjectVersion(subject, number, stored, False, ts, state or lifecycle.State.ACTIVE)

    @staticmethod
    def _contract(
        config: JsonObject,
        request: RegisterRequest,
        live: list[SubjectVersion],
        importing: bool,
    ) -> tuple[Any, Any]:
        """metadata and ruleSet: the request's, else the previous version's, merged with the
        config's defaults (under) and overrides (over); IMPORT keeps what it is given."""
        if importing:
            return request.metadata, request.rule_set
        previous = live[-1].schema if live else None
        metadata = effective_contract(
            request.metadata,
            previous.metadata if previous else None,
            config.get("defaultMetadata"),
            config.get("overrideMetadata"),
            merge_metadata,
        )
        rule_set = effective_contract(
            request.rule_set,
            previous.rule_set if previous else None,
            config.get("defaultRuleSet"),
            config.get("overrideRuleSet"),
            merge_rule_sets,
        )
        return metadata, rule_set

    async def _store_content(self, tx: Tx, content: Any, explicit_id: int | None) -> StoredSchema:
        if explicit_id is not None:
            same = await tx.schema_by_hash(content.identity_hash)
            if same is not None:
                if same.id == explicit_id:
                    return same
                raise IdConflictError(
                    f"This schema is already registered with id {same.id}, not {explicit_id}"
                )
            if await tx.schema_by_id(explicit_id) is not None:
                raise IdConflictError(
                    f"Schema id {explicit_id} is already used by different content"
                )
            return await tx.add_schema(content, explicit_id)
        return await tx.stored_or_added(content)

    async def _incompatibilities(
        self,
        tx: Tx,
        level: CompatibilityLevel,
        parsed: Any,
        content: Any,
        live: list[SubjectVersion],
    ) -> list[str]:
        # Parse only what `level` compares with (`check` reads the latest alone unless the
        # level is transitive, nothing under NONE); the others keep their places as None.
        compared = len(live) if level.transitive else 1
        if level is CompatibilityLevel.NONE:
            compared = 0
        first = len(live) - compared
        olds = [
            await self._parser.parse_stored(tx, v.schema) if i >= first else None
            for i, v in enumerate(live)
        ]
        findings = checked(content.schema_type, level, parsed, olds)
        return describe(findings, live, level)

    # ---- compatibility -----------------------------------------------------------------

    async def check_compatibility(
        self,
        subject: str,
        spec: str | int | None,
        request: RegisterRequest,
        *,
        normalize: bool = False,
    ) -> list[str]:
        """Messages explaining incompatibility; empty when compatible."""
        if spec is not None:
            parse_version(spec)
        async with self._store.read() as tx:
            versions = _effective(await tx.versions(subject), self.clock.now())
            live = [v for v in versions if not v.deleted and v.state in _CHECKED_STATES]
            if spec is not None:
                if not live:
                    raise SubjectNotFoundError(subject)
                live = [_pick(versions, spec, deleted=False)]
            parsed, _refs = await self._parser.parse_request(
                tx, request.schema_type, request.schema, request.references
            )
            if not live:
                return []
            level = (await self.config.policy(tx, subject)).level
            if spec is not None and level.transitive:
                level = CompatibilityLevel(level.removesuffix("_TRANSITIVE"))
            olds = [await self._parser.parse_stored(tx, v.schema) for v in live]
        findings = checked(request.schema_type, level, parsed, olds)
        return describe(findings, live, level)

    # ---- deletion ----------------------------------------------------------------------

    async def delete_subject(self, subject: str, *, permanent: bool = False) -> list[int]:
        async with self._store.write(lock=subject) as tx:
            await self._check_writable(tx, subject)
            versions = await tx.versions(subject)
            if not versions:
                raise SubjectNotFoundError(subject)
            live = [v.version for v in versions if not v.deleted]
            if permanent and live:
                raise SubjectNotSoftDeletedError(subject)
            if not permanent and not live:
                raise SubjectSoftDeletedError(subject)
            targets = [v.version for v in versions] if permanent else live
            await self._check_unreferenced(tx, subject, targets, permanent=permanent)
            if permanent:
                await tx.remove_versions(subject, targets)
                await tx.delete_config(subject)
                await tx.delete_mode(subject)
            else:
                await tx.mark_deleted(subject, targets)
        record_change({"subject": subject, "versions": targets, "permanent": permanent}, None)
        return targets

    async def delete_version(
        self, subject: str, spec: str | int, *, permanent: bool = False
    ) -> int:
        explicit = parse_version(spec) is not None
        async with self._store.write(lock=subject) as tx:
            await self._check_writable(tx, subject)
            versions = await tx.versions(subject)
            if not versions:
                raise SubjectNotFoundError(subject)
            # A number names a version even when soft-deleted (to report 40406 or erase it).
            target = _pick(versions, spec, deleted=permanent or explicit)
            if permanent and not target.deleted:
                raise VersionNotSoftDeletedError(subject, target.version)
            if not permanent and target.deleted:
                raise VersionSoftDeletedError(subject, target.version)
            await self._check_unreferenced(tx, subject, [target.version], permanent=permanent)
            if permanent:
                await tx.remove_versions(subject, [target.version])
            else:
                await tx.mark_deleted(subject, [target.version])
        record_change({"subject": subject, "version": target.version, "permanent": permanent}, None)
        return target.version

    async def _check_writable(self, tx: Tx, subject: str) -> None:
        if not (await self.config.policy(tx, subject)).mode.writable:
            raise OperationNotPermittedError(f"Subject {subject} is in read-only mode")

    @staticmethod
    async def _check_unreferenced(
        tx: Tx, subject: str, versions: list[int], *, permanent: bool
    ) -> None:
        """A referenced version may not go; erasing it also needs soft-deleted referrers gone,
        or their references could never be resolved again."""
        for number in versions:
            for schema_id in await tx.referencing_schema_ids(subject, number):
                holders = await tx.versions_of_schema(schema_id)
                if any(permanent or not gone for *_, gone in holders):
                    raise ReferenceExistsError(
                        f"One or more references exist to the schema "
                        f"{{magic=1,keytype=SCHEMA,subject={subject},version={number}}}."
                    )
