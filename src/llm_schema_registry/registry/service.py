"""The registry's rules: registration, compatibility and deletion, on top of its reads.

Knows nothing of HTTP or SQL: it talks to formats, `compatibility.check` and a `Store`. Which
versions count is decided in `versions.py`; reads live in `reads.py`, deletion in
`deletion.py`, the `maxVersions` rule in `limits.py`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Sequence
from dataclasses import replace
from typing import Any

from llm_schema_registry.compatibility import CompatibilityLevel
from llm_schema_registry.formats import format_for
from llm_schema_registry.observability import metrics
from llm_schema_registry.registry import deletion, outbox
from llm_schema_registry.registry.changes import record_change
from llm_schema_registry.registry.checks import (
    ConfiguredCheck,
    RegistrationCheck,
    RegistrationGate,
    configured_violations,
    run_checks,
    run_configured,
)
from llm_schema_registry.registry.contexts import (
    DEFAULT_CONTEXT,
    PREFIX,
    QualifiedSubject,
    check_context,
    context_of,
    context_prefix,
    identity_in_context,
    normalize_context,
    public_id,
    qualified_references,
    schema_key,
)
from llm_schema_registry.registry.contracts import (
    check_metadata,
    check_rule_set,
    effective_contract,
    merge_metadata,
    merge_rule_sets,
)
from llm_schema_registry.registry.errors import (
    ContextNotEmptyError,
    ContextNotFoundError,
    IdConflictError,
    IncompatibleSchemaError,
    InvalidLifecycleRequestError,
    InvalidRuleSetError,
    InvalidSchemaError,
    InvalidSubjectError,
    OperationNotPermittedError,
    SchemaTooLargeError,
)
from llm_schema_registry.registry.limits import archive_over_limit, version_limit
from llm_schema_registry.registry.model import (
    JsonObject,
    Mode,
    NewSchema,
    Reference,
    RegisterRequest,
    StoredSchema,
    SubjectVersion,
)
from llm_schema_registry.registry.reads import RegistryReads
from llm_schema_registry.registry.schemas import (
    ParsedCache,
    SchemaParser,
    new_schema,
    with_previous_schema,
)
from llm_schema_registry.registry.store import Store, Tx
from llm_schema_registry.registry.verdicts import Comparisons, checked, describe, describe_refusals
from llm_schema_registry.registry.versions import (
    Clock,
    State,
    SystemClock,
    Versions,
    epoch_ms,
    parse_version,
)
from llm_schema_registry.validation.rules import RuleCompileError, compile_rules


def check_subject(subject: str) -> None:
    if not subject or subject.isspace() or any(ord(c) < 32 for c in subject) or len(subject) > 4096:
        raise InvalidSubjectError(subject)
    if subject.startswith(PREFIX):  # qualified: a valid context, and a name within it
        qualified = QualifiedSubject.parse(subject)
        check_context(qualified.context)
        if not qualified.name or qualified.name.isspace():  # `:.ctx:` is the context itself
            raise InvalidSubjectError(subject)


class RegistryService(RegistryReads):
    """Registration, lookup, listing, deletion and compatibility over a `Store`."""

    def __init__(
        self,
        store: Store,
        *,
        parsed_cache_size: int = 4096,
        max_schema_bytes: int = 1024 * 1024,
        clock: Clock | None = None,
        checks: Sequence[RegistrationCheck] = (),
        configured_checks: Sequence[ConfiguredCheck] = (),
    ) -> None:
        super().__init__(
            store,
            SchemaParser(ParsedCache(parsed_cache_size)),
            clock or SystemClock(),
            configured_checks,
        )
        self._max_schema_bytes = max_schema_bytes
        self._checks = tuple(checks)  # run on every registration's parsed schema
        # switched on per subject by their config keys (llmProfiles): registration and
        # compatibility checks
        self._configured = tuple(configured_checks)
        self._gates: list[RegistrationGate] = []  # see add_gate
        self._comparisons = Comparisons()

    def add_gate(self, gate: RegistrationGate) -> None:
        """Run `gate` on every new version before it is stored (services built on this
        registry add themselves: the samples gate)."""
        self._gates.append(gate)

    # ---- registration ------------------------------------------------------------------

    async def register(
        self, subject: str, request: RegisterRequest, *, normalize: bool = False
    ) -> SubjectVersion:
        check_subject(subject)
        if len(request.schema.encode()) > self._max_schema_bytes:
            raise SchemaTooLargeError(len(request.schema.encode()), self._max_schema_bytes)
        check_metadata(request.metadata)
        check_rule_set(request.rule_set)
        if request.state not in (None, State.DRAFT, State.ACTIVE):
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
        record_change(
            None, {"subject": subject, "version": result.version, "id": public_id(result.schema.id)}
        )
        return result

    async def _register(
        self, tx: Tx, subject: str, request: RegisterRequest, normalize: bool
    ) -> SubjectVersion:
        policy = await self.config.check_writable(tx, subject)
        importing = policy.mode is Mode.IMPORT
        if request.id is not None and not importing:
            raise OperationNotPermittedError(
                "A schema id can only be given while the subject is in IMPORT mode"
            )
        now = self.clock.now()
        versions = Versions.as_of(subject, await tx.versions(subject), now)
        live = versions.checked
        normalize = normalize or policy.normalize
        if not request.schema.strip():
            request = with_previous_schema(request, live)
        parsed, refs = await self._parser.parse_request(
            tx,
            request.schema_type,
            request.schema,
            qualified_references(subject, request.references),
        )
        # Registration checks (registry/checks.py): may warn, or refuse before anything else.
        fmt = format_for(request.schema_type)
        run_checks(self._checks, subject, fmt, parsed, request.metadata)
        run_configured(self._configured, subject, policy.config, fmt, parsed)
        if not importing:
            existing = await self._find_match(tx, live, request, parsed, refs, normalize)
            if existing is not None:
                return existing
        metadata, rule_set = self._contract(policy.config, request, live, importing)
        content = new_schema(parsed, request.schema_type, refs, metadata, rule_set, normalize)
        if not importing and live:
            found = await self._incompatibilities(tx, policy.level, parsed, content, live)
            if found:
                raise IncompatibleSchemaError(subject, found)
        if not importing:
            for gate in self._gates:
                await gate.check_gate(subject, policy.config, fmt, parsed)
        stored = await self._store_content(tx, content, request.id, context_of(subject))
        number = request.version if importing and request.version else None
        if number is None:
            number = versions.next_number
        elif (same := versions.numbered(number)) is not None:
            if same.schema.id == stored.id:
                return same
            raise OperationNotPermittedError(
                f"Version {number} of subject '{subject}' already exists with another schema"
            )
        ts = epoch_ms(now)
        state = State.DRAFT if request.state == State.DRAFT else None
        made = SubjectVersion(subject, number, stored, False, ts, state or State.ACTIVE)
        # Emitted before the version row is written (same transaction, so the same outcome):
        # a store may then write both in one statement.
        await outbox.emit_registered(tx, made, tx.added_here(stored.id))
        await tx.add_version(subject, number, stored.id, ts)
        if state is not None:
            await tx.set_lifecycle(subject, number, state, None, None)
        await archive_over_limit(tx, versions, version_limit(policy.config), ts)
        return made

    @staticmethod
    def _contract(
        config: JsonObject,
        request: RegisterRequest,
        live: list[SubjectVersion],
        importing: bool,
    ) -> tuple[JsonObject | None, JsonObject | None]:
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

    async def _store_content(
        self, tx: Tx, content: NewSchema, explicit_id: int | None, context: str
    ) -> StoredSchema:
        """The stored copy of `content` in `context`'s id space, added if absent."""
        if context != DEFAULT_CONTEXT:
            return await self._store_in_context(tx, content, explicit_id, context)
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

    async def _store_in_context(
        self, tx: Tx, content: NewSchema, explicit_id: int | None, context: str
    ) -> StoredSchema:
        """As `_store_content`, in a named context: same content is the same schema only
        within the context, and ids come from the context's own counter."""
        number = await tx.context_number(context)
        if number is not None:
            same = await self._same_in_context(tx, content, number, explicit_id, context)
            if same is not None:
                return same
        number, new_id = await tx.next_id_in_context(context, explicit_id)
        # The counter is ours until commit; another node may have stored the same content
        # while we waited for it: then theirs is the one (our id stays unused).
        same = await self._same_in_context(tx, content, number, explicit_id, context)
        if same is not None:
            return same
        salted = replace(content, identity_hash=identity_in_context(content.identity_hash, number))
        return await tx.add_schema_as(salted, schema_key(number, new_id))

    @staticmethod
    async def _same_in_context(
        tx: Tx, content: NewSchema, number: int, explicit_id: int | None, context: str
    ) -> StoredSchema | None:
        """This content as stored in the context numbered `number`, if it is; an explicit
        id naming other content there (or this content under another id) conflicts."""
        same = await tx.schema_by_hash(identity_in_context(content.identity_hash, number))
        if explicit_id is None:
            return same
        if same is not None and public_id(same.id) != explicit_id:
            raise IdConflictError(
                f"This schema is already registered in context {context} with id "
                f"{public_id(same.id)}, not {explicit_id}"
            )
        if same is None and await tx.schema_by_id(schema_key(number, explicit_id)) is not None:
            raise IdConflictError(
                f"Schema id {explicit_id} is already used in context {context} by other content"
            )
        return same

    async def _incompatibilities(
        self,
        tx: Tx,
        level: CompatibilityLevel,
        parsed: Any,
        content: NewSchema,
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
        candidate = ("content", content.content_hash)  # what stores it under one id
        keys = self._comparison_keys(parsed, content.references, candidate, live, olds)
        remembered = self._comparisons.can_read(content.schema_type, keys)
        findings = checked(content.schema_type, level, parsed, olds, remembered)
        return describe(findings, live, level)

    @staticmethod
    def _comparison_keys(
        parsed: Any,
        references: tuple[Reference, ...],
        candidate: Hashable,
        live: list[SubjectVersion],
        olds: list[Any],
    ) -> dict[int, Hashable]:
        """What names each parsed schema's content for `Comparisons` (see there)."""
        if references:
            return {}
        keys: dict[int, Hashable] = {id(parsed): candidate}
        for version, old in zip(live, olds, strict=True):
            if old is not None and not version.schema.references:
                keys[id(old)] = ("id", version.schema.id)
        return keys

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
        number = None if spec is None else parse_version(spec)
        async with self._store.read() as tx:
            versions = await self.versions_in(tx, subject)
            live = versions.checked
            if spec is not None and number is None:
                # `latest` of a subject with no version is compatible: CI checks a schema
                # before its first registration (Confluent's CompatibilityResource).
                newest = versions.latest()
                live = [newest] if newest is not None else []
            elif number is not None:  # unknown, soft- or hard-deleted: 40402, subject or not
                live = [versions.pick(number)]
            parsed, _refs = await self._parser.parse_request(
                tx,
                request.schema_type,
                request.schema,
                qualified_references(subject, request.references),
            )
            policy = await self.config.policy(tx, subject)
            # what the subject's configured checks (llmProfiles) refuse is incompatible too
            refused = configured_violations(
                self._configured, policy.config, format_for(request.schema_type), parsed
            )
            if not live:
                return describe_refusals(refused)
            level = policy.level
            if spec is not None and level.transitive:
                level = CompatibilityLevel(level.removesuffix("_TRANSITIVE"))
            olds = [await self._parser.parse_stored(tx, v.schema) for v in live]
        candidate = ("text", hashlib.sha256(request.schema.encode()).digest())
        keys = self._comparison_keys(parsed, request.references, candidate, live, olds)
        remembered = self._comparisons.can_read(request.schema_type, keys)
        findings = checked(request.schema_type, level, parsed, olds, remembered)
        return describe_refusals(refused) + describe(findings, live, level)

    # ---- deletion ----------------------------------------------------------------------

    async def delete_context(self, name: str) -> None:
        """Forget a named context that holds no subject (soft-deleted ones included)."""
        context = normalize_context(name)
        if context == DEFAULT_CONTEXT:
            raise ContextNotEmptyError(context)  # the default context always exists
        async with self._store.write() as tx:
            if await tx.context_number(context) is None:
                raise ContextNotFoundError(context)
            prefix = context_prefix(context)
            if any(subject.startswith(prefix) for subject, _ in await tx.subjects()):
                raise ContextNotEmptyError(context)
            await tx.delete_context(context)
        record_change({"context": context}, None)

    async def delete_subject(self, subject: str, *, permanent: bool = False) -> list[int]:
        async with self._store.write(lock=subject) as tx:
            await self.config.check_writable(tx, subject)
            found = await self.versions_in(tx, subject)
            targets = await deletion.delete_subject(tx, found, permanent=permanent)
            await tx.emit(
                outbox.ChangeKind.SUBJECT_DELETED,
                subject,
                {"subject": subject, "versions": targets, "permanent": permanent},
            )
        record_change({"subject": subject, "versions": targets, "permanent": permanent}, None)
        return targets

    async def delete_version(
        self, subject: str, spec: str | int, *, permanent: bool = False
    ) -> int:
        number = parse_version(spec)
        async with self._store.write(lock=subject) as tx:
            await self.config.check_writable(tx, subject)
            found = await self.versions_in(tx, subject)
            deleted = await deletion.delete_version(tx, found, number, permanent=permanent)
            await tx.emit(
                outbox.ChangeKind.VERSION_DELETED,
                subject,
                {"subject": subject, "version": deleted, "permanent": permanent},
            )
        record_change({"subject": subject, "version": deleted, "permanent": permanent}, None)
        return deleted
