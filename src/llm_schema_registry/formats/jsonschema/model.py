"""The parsed JSON Schema the format hands back to the registry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from llm_schema_registry.formats.base import ResolvedReference
from llm_schema_registry.formats.jsonschema.keywords import Draft, Json
from llm_schema_registry.formats.jsonschema.resolver import Resolver


@dataclass(frozen=True, eq=False)
class JsonSchema:
    """A validated JSON Schema document with its draft and resolved references.

    `document` is the decoded JSON in its original key order; `documents` maps each
    reference name (as `$ref` writes it, transitive ones included) to its decoded JSON.
    Two instances are equal when their sorted-key text and reference names are.
    """

    document: Json
    draft: Draft
    references: tuple[ResolvedReference, ...]
    documents: Mapping[str, Json]
    resolver: Resolver = field(repr=False)
    identity_text: str = field(repr=False)
    # Comparison builds a typed view of the schema lazily; it is cached here per instance.
    cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def _key(self) -> tuple[str, tuple[str, ...]]:
        return self.identity_text, tuple(sorted(self.documents))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JsonSchema) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())
