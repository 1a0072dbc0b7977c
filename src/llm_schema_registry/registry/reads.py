"""The registry's reads: schemas by id, subjects, versions, lookup of a schema in a subject.

Which versions a reader sees is decided by `versions.Versions`, as of the registry's clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from llm_schema_registry.formats import format_for
from llm_schema_registry.registry.checks import ConfiguredCheck
from llm_schema_registry.registry.config import ConfigService
from llm_schema_registry.registry.contexts import (
    DEFAULT_CONTEXT,
    context_number_of,
    context_of,
    prefix_matcher,
    public_id,
    qualified_references,
    schema_key,
)
from llm_schema_registry.registry.errors import SchemaNotFoundError, SubjectNotFoundError
from llm_schema_registry.registry.model import (
    ID_SPACE,
    RegisterRequest,
    StoredSchema,
    SubjectVersion,
)
from llm_schema_registry.registry.prompts import RenderedPrompt, render_prompt
from llm_schema_registry.registry.schemas import SchemaParser, content_hash
from llm_schema_registry.registry.store import Store, Tx
from llm_schema_registry.registry.versions import Clock, Versions, holders, parse_version


class RegistryReads:
    """Lookups and listings over a `Store`; the base of `RegistryService`."""

    def __init__(
        self,
        store: Store,
        parser: SchemaParser,
        clock: Clock,
        configured: Sequence[ConfiguredCheck] = (),
    ) -> None:
        self._store = store
        self._parser = parser
        self.clock = clock
        self.config = ConfigService(store, configured)

    @property
    def generation(self) -> int | None:
        """A counter the store moves on every change (here, or announced by another node);
        None when the store keeps none. Caches of derived views key on it."""
        cache = getattr(self._store, "cache", None)
        found = getattr(cache, "generation", None)
        return found if isinstance(found, int) else None

    def changed_since(self, generation: int) -> set[str] | None:
        """The subjects changed since the store's counter read `generation` (see
        `generation`); None when the store cannot tell, or the change was registry-wide."""
        cache = getattr(self._store, "cache", None)
        changed_since = getattr(cache, "changed_since", None)
        if changed_since is None:
            return None
        found = changed_since(generation)
        return found if isinstance(found, set) else None

    # ---- schemas -----------------------------------------------------------------------

    async def schema_by_id(self, schema_id: int, subject: str | None = None) -> StoredSchema:
        """Schema `schema_id` in the context `subject` is in (the default one if None)."""
        async with self._store.read() as tx:
            key = await self._key(tx, schema_id, subject)
            schema = None if key is None else await tx.schema_by_id(key)
            if schema is None or not await tx.versions_of_schema(schema.id):
                raise SchemaNotFoundError(f"Schema {schema_id} not found")
            return schema

    @staticmethod
    async def _key(tx: Tx, schema_id: int, subject: str | None) -> int | None:
        """The storage key of `schema_id` in `subject`'s context; None: no such context."""
        context = context_of(subject)
        if context == DEFAULT_CONTEXT:
            return schema_id
        number = await tx.context_number(context)
        return None if number is None else schema_key(number, schema_id)

    async def schemas_in_use(self, schema_ids: Sequence[int]) -> dict[int, StoredSchema]:
        """`schema_by_id` of many ids at once: the ones found, by id."""
        async with self._store.read() as tx:
            return {s.id: s for s in await tx.schemas_in_use(schema_ids)}

    async def schemas_in_use_after(self, after: int, limit: int) -> list[StoredSchema]:
        """The next `limit` schemas `schema_by_id` answers in the default context, by id
        after `after`: one short read each, so a scan over all of them holds no locks."""
        async with self._store.read() as tx:
            found: list[StoredSchema] = await tx.schemas_in_use_after(after, ID_SPACE, limit)
            return found

    async def schema_by_guid(self, guid: str) -> StoredSchema:
        async with self._store.read() as tx:
            schema = await tx.schema_by_guid(guid)
            if schema is None or not await tx.versions_of_schema(schema.id):
                raise SchemaNotFoundError(f"Schema {guid} not found")
            return schema

    async def max_schema_id(self, subject: str | None = None) -> int:
        """The highest id in `subject`'s context (the default one if None)."""
        async with self._store.read() as tx:
            low = await self._key(tx, 0, subject)
            if low is None:
                return 0
            return public_id(await tx.max_schema_id(low, low + ID_SPACE))

    async def context_of_schema(self, schema: StoredSchema) -> str:
        """The context whose id space `schema` is stored in."""
        number = context_number_of(schema.id)
        if number == 0:
            return DEFAULT_CONTEXT
        async with self._store.read() as tx:
            names = [name for name, found in await tx.contexts() if found == number]
        return names[0] if names else DEFAULT_CONTEXT

    async def contexts(self) -> list[str]:
        """Every context: the default one, then the named ones by name."""
        async with self._store.read() as tx:
            return [DEFAULT_CONTEXT, *(name for name, _ in await tx.contexts())]

    async def parsed(self, schema: StoredSchema) -> Any:
        """The parsed form of a stored schema (cached by id)."""
        async with self._store.read() as tx:
            return await self._parser.parse_stored(tx, schema)

    async def parse_request(self, request: RegisterRequest) -> Any:
        """A proposed schema, parsed with its references resolved (nothing is stored)."""
        async with self._store.read() as tx:
            parsed, _ = await self._parser.parse_request(
                tx, request.schema_type, request.schema, request.references
            )
        return parsed

    async def render(self, schema: StoredSchema, output_format: str | None) -> str:
        if not output_format:
            return schema.text
        async with self._store.read() as tx:
            parsed = await self._parser.parse_stored(tx, schema)
        return format_for(schema.schema_type).render(parsed, output_format)

    async def render_prompt(
        self, subject: str, spec: str | int, variables: Mapping[str, Any]
    ) -> RenderedPrompt:
        """A prompt template version rendered with `variables` (checked against its
        variables schema first)."""
        found = await self.version(subject, spec)
        return render_prompt(found, await self.parsed(found.schema), variables)

    async def versions_of_schema(
        self, schema_id: int, *, deleted: bool = False, subject: str | None = None
    ) -> list[tuple[str, int]]:
        """(subject, version) holding `schema_id` in `subject`'s context (default if None)."""
        async with self._store.read() as tx:
            key = await self._key(tx, schema_id, subject)
            found = [] if key is None else await tx.versions_of_schema(key)
        if not found:
            raise SchemaNotFoundError(f"Schema {schema_id} not found")
        return holders(found, deleted=deleted)

    # ---- subjects and versions -----------------------------------------------------------

    async def subjects(
        self, *, prefix: str = "", deleted: bool = False, deleted_only: bool = False
    ) -> list[str]:
        async with self._store.read() as tx:
            rows = await tx.subjects()
        matches = prefix_matcher(prefix)
        if deleted_only:
            return [s for s, live in rows if not live and matches(s)]
        return [s for s, live in rows if (live or deleted) and matches(s)]

    async def subject_versions(self, subject: str) -> Versions:
        """Every version of `subject`, with its lifecycle state as of now."""
        async with self._store.read() as tx:
            return await self.versions_in(tx, subject)

    async def versions_in(self, tx: Tx, subject: str) -> Versions:
        """`subject_versions` inside the caller's transaction (one that writes, say)."""
        return Versions.as_of(subject, await tx.versions(subject), self.clock.now())

    async def versions_of(self, subjects: Iterable[str]) -> list[Versions]:
        """`subject_versions` of each of `subjects`, in one read."""
        async with self._store.read() as tx:
            now = self.clock.now()
            return [Versions.as_of(s, await tx.versions(s), now) for s in subjects]

    async def versions_by_subject(self, prefix: str = "") -> list[Versions]:
        """Every subject starting with `prefix` (by name) with its versions as of now."""
        async with self._store.read() as tx:
            return Versions.by_subject(await tx.all_versions(prefix), self.clock.now())

    async def versions(
        self,
        subject: str,
        *,
        deleted: bool = False,
        deleted_only: bool = False,
        archived: bool = False,
    ) -> list[int]:
        found = await self.subject_versions(subject)
        if deleted_only:
            chosen = [
                v.version for v in found.visible(deleted=True, archived=archived) if v.deleted
            ]
        else:
            chosen = [v.version for v in found.visible(deleted=deleted, archived=archived)]
        if not chosen:
            found.require(deleted=deleted)
        return chosen

    async def version(
        self, subject: str, spec: str | int, *, deleted: bool = False, archived: bool = False
    ) -> SubjectVersion:
        parse_version(spec)  # an invalid version is 42202 even for an unknown subject
        found = (await self.subject_versions(subject)).require(deleted=deleted)
        return found.pick(spec, deleted=deleted, archived=archived)

    async def all_versions(
        self, *, prefix: str = "", deleted: bool = False, latest_only: bool = False
    ) -> list[SubjectVersion]:
        """Versions of every subject starting with `prefix` (archived ones hidden)."""
        subjects = await self.versions_by_subject(prefix)
        if latest_only:
            picked = (found.latest(deleted=deleted) for found in subjects)
            return [version for version in picked if version is not None]
        return [version for found in subjects for version in found.visible(deleted=deleted)]

    async def referenced_by(self, subject: str, spec: str | int) -> list[int]:
        target = await self.version(subject, spec, deleted=True)
        async with self._store.read() as tx:
            ids = await tx.referencing_schema_ids(subject, target.version)
            return [public_id(i) for i in ids if holders(await tx.versions_of_schema(i))]

    async def latest_with_metadata(
        self, subject: str, wanted: dict[str, str], *, deleted: bool = False
    ) -> SubjectVersion:
        found = await self.subject_versions(subject)
        if not found.every:
            raise SubjectNotFoundError(subject)
        for version in reversed(found.servable(deleted=deleted)):
            properties = (version.schema.metadata or {}).get("properties") or {}
            if all(properties.get(k) == v for k, v in wanted.items()):
                return version
        raise SchemaNotFoundError(
            f"No version of subject '{subject}' has metadata properties {wanted}"
        )

    # ---- lookup --------------------------------------------------------------------------

    async def lookup(
        self,
        subject: str,
        request: RegisterRequest,
        *,
        normalize: bool = False,
        deleted: bool = False,
    ) -> SubjectVersion:
        """The version of `subject` holding this schema; serializers look schemas up, so
        never a DRAFT or an ARCHIVED one."""
        async with self._store.read() as tx:
            found = (await self.versions_in(tx, subject)).require(deleted=deleted)
            normalize = normalize or (await self.config.policy(tx, subject)).normalize
            parsed, refs = await self._parser.parse_request(
                tx,
                request.schema_type,
                request.schema,
                qualified_references(subject, request.references),
            )
            candidates = found.servable(deleted=deleted)
            match = await self._find_match(tx, candidates, request, parsed, refs, normalize)
        if match is None:
            raise SchemaNotFoundError("Schema not found")
        return match

    async def _find_match(
        self,
        tx: Tx,
        candidates: list[SubjectVersion],
        request: RegisterRequest,
        parsed: Any,
        refs: Any,
        normalize: bool,
    ) -> SubjectVersion | None:
        """The newest of `candidates` with the same schema (and contract, when given)."""
        fmt = format_for(request.schema_type)
        wanted = content_hash(request.schema_type, fmt.identity(parsed), refs)
        wanted_normal = fmt.normalized(parsed) if normalize else None
        for version in reversed(candidates):
            stored = version.schema
            if stored.schema_type != request.schema_type:
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
