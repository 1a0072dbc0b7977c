"""`JsonSchemaFormat`: the JSON Schema implementation of the `SchemaFormat` protocol."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from llm_schema_registry.formats.base import (
    Change,
    DataError,
    FieldInfo,
    Incompatibility,
    ResolvedReference,
    SchemaType,
)
from llm_schema_registry.formats.changes import both_ways
from llm_schema_registry.formats.jsonschema.changes import Difference, describe
from llm_schema_registry.formats.jsonschema.data import JsonSchemaData
from llm_schema_registry.formats.jsonschema.diff import Comparison
from llm_schema_registry.formats.jsonschema.fields import fields
from llm_schema_registry.formats.jsonschema.keywords import Json
from llm_schema_registry.formats.jsonschema.model import JsonSchema
from llm_schema_registry.formats.jsonschema.nodes import Loader, Node
from llm_schema_registry.formats.jsonschema.normalize import compact, normalized_document
from llm_schema_registry.formats.jsonschema.parsing import parse

# Immutable, so shared: a transitive check finds the same few (one property added since
# each of 100 versions) thousands of times.
_incompatibility = lru_cache(maxsize=4096)(Incompatibility)


def _root(schema: JsonSchema) -> tuple[Loader, Node]:
    """The schema's typed view, built once per parsed schema."""
    cached = schema.cache.get("root")
    if cached is None:
        loader = Loader(schema.resolver)
        cached = (loader, loader.load(schema.document, "", schema.draft))
        schema.cache["root"] = cached
    loader, node = cached
    return loader, node


class JsonSchemaFormat:
    """JSON Schema (drafts 4, 6, 7, 2019-09, 2020-12) with Confluent's compatibility rules.

    Compatibility follows Confluent's `SchemaDiff` with the STRICT policy: every change
    between two schemas has a type, and a fixed set of types is compatible. `differences`
    lists all changes (the verbose view); `can_read` only the breaking ones.
    """

    schema_type = SchemaType.JSON
    has_json_schema = True

    def parse(self, text: str, references: Sequence[ResolvedReference] = ()) -> JsonSchema:
        """Validate `text` (JSON, meta-schema, every `$ref` resolvable offline)."""
        return parse(text, references)

    def canonical(self, schema: JsonSchema) -> str:
        """Compact JSON in the submitted key order."""
        return compact(schema.document)

    def identity(self, schema: JsonSchema) -> str:
        """Compact JSON with keys sorted at every level."""
        return schema.identity_text

    def normalized(self, schema: JsonSchema) -> str:
        """Sorted keys plus equivalent spellings folded (`type` lists, `required` sets)."""
        return compact(normalized_document(schema.document), sort_keys=True)

    def render(self, schema: JsonSchema, output_format: str | None) -> str:
        """JSON Schema has no alternative output formats: always the canonical text."""
        return self.canonical(schema)

    def differences(self, old: JsonSchema, new: JsonSchema) -> list[Change]:
        """Every change from `old` to `new`; `backward` where Confluent's comparison of
        old -> new finds it incompatible, `forward` where new -> old breaks at its path."""
        return both_ways(self._compare(old, new), self._compare(new, old), describe)

    def can_read(self, reader: JsonSchema, writer: JsonSchema) -> list[Incompatibility]:
        """Why `reader` may reject data written with `writer` (empty: it cannot)."""
        return [
            _incompatibility(change.kind, change.path, change.message)
            for change in self._compare(original=writer, update=reader, compatible=False)
        ]

    def fields(self, schema: JsonSchema) -> Iterator[FieldInfo]:
        return fields(schema)

    def validator(self, schema: JsonSchema) -> JsonSchemaData:
        return JsonSchemaData(schema)

    def validate(
        self, schema: JsonSchema, datum: Any, message: str | None = None
    ) -> list[DataError]:
        return self.validator(schema).errors(datum, message)

    def json_schema(self, schema: JsonSchema) -> Json:
        """The document itself (as decoded from the schema text)."""
        return schema.document

    def prompt(self, schema: JsonSchema) -> None:
        return None  # describes data, not a prompt

    @staticmethod
    def _compare(
        original: JsonSchema, update: JsonSchema, *, compatible: bool = True
    ) -> list[Difference]:
        """Confluent's one-way comparison: compatible = `update` accepts all `original` data.
        `compatible=False`: only the incompatible changes."""
        original_loader, original_root = _root(original)
        update_loader, update_root = _root(update)
        comparison = Comparison(original_loader, update_loader)
        return comparison.run(original_root, update_root, compatible=compatible)
