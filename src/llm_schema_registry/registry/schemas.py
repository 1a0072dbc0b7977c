"""Turning request text into stored content: parsing, references, canonical forms, hashing."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import OrderedDict
from typing import Any

from llm_schema_registry.formats import format_for
from llm_schema_registry.formats.base import InvalidSchemaError as FormatInvalidSchemaError
from llm_schema_registry.formats.base import ResolvedReference, SchemaType
from llm_schema_registry.registry.errors import InvalidSchemaError
from llm_schema_registry.registry.model import (
    JsonObject,
    NewSchema,
    Reference,
    RegisterRequest,
    StoredSchema,
    SubjectVersion,
)
from llm_schema_registry.registry.store import Tx
from llm_schema_registry.registry.versions import Versions

MAX_REFERENCE_DEPTH = 32
EMPTY_SCHEMA = "Empty schema"  # Confluent's words (KafkaSchemaRegistry)


def with_previous_schema(request: RegisterRequest, live: list[SubjectVersion]) -> RegisterRequest:
    """A registration without a schema, as Confluent's `maybePopulateFromPrevious`
    (KafkaSchemaRegistry) reads it: the latest live version's schema, type and references,
    registered again (a metadata or ruleSet update); on a subject with none, "Empty schema"."""
    if not live:
        raise InvalidSchemaError(EMPTY_SCHEMA)
    previous = live[-1].schema
    return dataclasses.replace(
        request,
        schema=previous.text,
        schema_type=previous.schema_type,
        references=previous.references,
    )


def _digest(*parts: str) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode())
        hasher.update(b"\x00")
    return hasher.hexdigest()


def content_hash(schema_type: SchemaType, identity: str, references: tuple[Reference, ...]) -> str:
    refs = json.dumps([ref.as_json() for ref in references], sort_keys=True)
    return _digest(schema_type.value, identity, refs)


def identity_hash(content: str, metadata: JsonObject | None, rule_set: JsonObject | None) -> str:
    return _digest(
        content, json.dumps(metadata, sort_keys=True), json.dumps(rule_set, sort_keys=True)
    )


class ParsedCache:
    """Parsed schemas by id. Ids are immutable, so entries never go stale; LRU-bounded."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[int, Any] = OrderedDict()

    def get(self, schema_id: int) -> Any | None:
        parsed = self._entries.get(schema_id)
        if parsed is not None:
            self._entries.move_to_end(schema_id)
        return parsed

    def put(self, schema_id: int, parsed: Any) -> None:
        self._entries[schema_id] = parsed
        self._entries.move_to_end(schema_id)
        while len(self._entries) > self._capacity:
            self._entries.popitem(last=False)


class SchemaParser:
    """Parses request and stored schemas, resolving references through a transaction."""

    def __init__(self, cache: ParsedCache) -> None:
        self._cache = cache

    async def resolve(
        self, tx: Tx, references: tuple[Reference, ...], depth: int = 0
    ) -> tuple[tuple[Reference, ...], tuple[ResolvedReference, ...]]:
        """The references with `latest`/-1 pinned, and their texts, recursively."""
        if depth > MAX_REFERENCE_DEPTH:
            raise InvalidSchemaError(
                f"References nest deeper than {MAX_REFERENCE_DEPTH} levels (a reference cycle?)"
            )
        pinned: list[Reference] = []
        resolved: list[ResolvedReference] = []
        for ref in references:
            target = await self._reference_target(tx, ref)
            nested = (await self.resolve(tx, target.schema.references, depth + 1))[1]
            pinned.append(Reference(ref.name, ref.subject, target.version))
            resolved.append(
                ResolvedReference(
                    name=ref.name,
                    subject=ref.subject,
                    version=target.version,
                    schema_type=target.schema.schema_type,
                    text=target.schema.text,
                    references=nested,
                )
            )
        return tuple(pinned), tuple(resolved)

    @staticmethod
    async def _reference_target(tx: Tx, ref: Reference) -> SubjectVersion:
        versions = Versions.stored(ref.subject, await tx.versions(ref.subject))
        if ref.version == -1:  # the newest live version, whatever its lifecycle state
            live = versions.live
            found = live[-1] if live else None
        else:
            found = versions.numbered(ref.version)
        if found is not None:
            return found
        raise InvalidSchemaError(
            f"Invalid schema: reference '{ref.name}' names subject '{ref.subject}' version "
            f"{ref.version}, which does not exist"
        )

    async def parse_request(
        self,
        tx: Tx,
        schema_type: SchemaType,
        text: str,
        references: tuple[Reference, ...],
    ) -> tuple[Any, tuple[Reference, ...]]:
        if not text.strip():  # lookups and checks; registration reuses the latest first
            raise InvalidSchemaError(EMPTY_SCHEMA)
        pinned, resolved = await self.resolve(tx, references)
        return self.parse_text(schema_type, text, resolved), pinned

    @staticmethod
    def parse_text(
        schema_type: SchemaType, text: str, resolved: tuple[ResolvedReference, ...]
    ) -> Any:
        try:
            return format_for(schema_type).parse(text, resolved)
        except FormatInvalidSchemaError as exc:
            raise InvalidSchemaError(f"Invalid schema: {exc}") from exc
        except RecursionError as exc:
            raise InvalidSchemaError("Invalid schema: nested too deeply") from exc

    async def parse_stored(self, tx: Tx, schema: StoredSchema) -> Any:
        parsed = self._cache.get(schema.id)
        if parsed is None:
            _, resolved = await self.resolve(tx, schema.references)
            parsed = self.parse_text(schema.schema_type, schema.text, resolved)
            self._cache.put(schema.id, parsed)
        return parsed


def new_schema(
    parsed: Any,
    schema_type: SchemaType,
    references: tuple[Reference, ...],
    metadata: JsonObject | None,
    rule_set: JsonObject | None,
    normalize: bool,
) -> NewSchema:
    """Stored content for a parsed schema; `normalize` stores Confluent's normalized text."""
    fmt = format_for(schema_type)
    text = fmt.normalized(parsed) if normalize else fmt.canonical(parsed)
    content = content_hash(schema_type, fmt.identity(parsed), references)
    return NewSchema(
        schema_type=schema_type,
        text=text,
        identity_hash=identity_hash(content, metadata, rule_set),
        content_hash=content,
        references=references,
        metadata=metadata,
        rule_set=rule_set,
    )
