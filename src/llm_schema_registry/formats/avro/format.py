"""`AvroFormat`: the `SchemaFormat` implementation for Avro."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import fastavro

from llm_schema_registry.formats.avro import diff
from llm_schema_registry.formats.avro.canonical import JsonWriter, dumps
from llm_schema_registry.formats.avro.compatibility import can_read
from llm_schema_registry.formats.avro.data import AvroData
from llm_schema_registry.formats.avro.fields import fields
from llm_schema_registry.formats.avro.model import AvroSchema, NamedNode, Node
from llm_schema_registry.formats.avro.parsing import SchemaParser
from llm_schema_registry.formats.base import (
    Change,
    DataError,
    FieldInfo,
    Incompatibility,
    InvalidSchemaError,
    ResolvedReference,
    SchemaType,
)


class AvroFormat:
    """Avro schemas as Confluent handles them.

    Stateless and cheap to build; one instance can serve every request. `parse` is strict
    where fastavro is lenient (names, duplicates, defaults, nested unions, fixed sizes) and
    resolves references depth-first so their named types are known by full name.
    """

    schema_type = SchemaType.AVRO
    has_json_schema = False

    def parse(self, text: str, references: Sequence[ResolvedReference] = ()) -> AvroSchema:
        known: dict[str, NamedNode] = {}
        loaded: set[tuple[str, int]] = set()
        for reference in references:
            _load_reference(reference, known, loaded)
        referenced = dict(known)
        parser = SchemaParser(known)
        root = parser.parse_text(text)
        return AvroSchema(
            text=text,
            root=root,
            defined=parser.defined,
            referenced=referenced,
            fastavro=_fastavro_parse(root),
        )

    def canonical(self, schema: AvroSchema) -> str:
        # Types from references stay references (by name), as in Confluent's canonicalString.
        written = {id(node) for node in schema.referenced.values()}
        return dumps(JsonWriter(written=written).value(schema.root))

    def identity(self, schema: AvroSchema) -> str:
        # The canonical text already fixes key order and whitespace yet keeps docs, defaults,
        # aliases and properties, which is exactly what decides "same schema".
        return self.canonical(schema)

    def normalized(self, schema: AvroSchema) -> str:
        written = {id(node) for node in schema.referenced.values()}
        return dumps(JsonWriter(qualify=True, written=written).value(schema.root))

    def render(self, schema: AvroSchema, output_format: str | None) -> str:
        if output_format == "resolved":
            return dumps(JsonWriter().value(schema.root))
        return self.canonical(schema)

    def can_read(self, reader: AvroSchema, writer: AvroSchema) -> list[Incompatibility]:
        return can_read(reader.root, writer.root)

    def differences(self, old: AvroSchema, new: AvroSchema) -> list[Change]:
        return diff.differences(old.root, new.root)

    def fields(self, schema: AvroSchema) -> Iterator[FieldInfo]:
        return fields(schema)

    def validator(self, schema: AvroSchema) -> AvroData:
        return AvroData(schema.fastavro)

    def validate(
        self, schema: AvroSchema, datum: Any, message: str | None = None
    ) -> list[DataError]:
        return self.validator(schema).errors(datum, message)

    def json_schema(self, schema: AvroSchema) -> None:
        return None  # Avro schemas are not offered to LLM providers as JSON Schema

    def prompt(self, schema: AvroSchema) -> None:
        return None  # describes data, not a prompt


def _load_reference(
    reference: ResolvedReference, known: dict[str, NamedNode], loaded: set[tuple[str, int]]
) -> None:
    """Parse a reference (its own references first) into `known`, once per subject version."""
    key = (reference.subject, reference.version)
    if key in loaded:
        return
    loaded.add(key)
    if reference.schema_type is not SchemaType.AVRO:
        raise InvalidSchemaError(
            f"Reference '{reference.name}' is a {reference.schema_type} schema, not Avro"
        )
    for inner in reference.references:
        _load_reference(inner, known, loaded)
    try:
        SchemaParser(known).parse_text(reference.text)
    except InvalidSchemaError as exc:
        raise InvalidSchemaError(f"Invalid reference '{reference.name}': {exc}") from None


def _fastavro_parse(root: Node) -> Any:
    """fastavro's parsed form, self-contained (references inlined) for data handling."""
    source = JsonWriter(qualify=True, for_fastavro=True).value(root)
    try:
        return fastavro.parse_schema(source)
    except Exception as exc:  # fastavro raises several unrelated exception types
        raise InvalidSchemaError(f"Invalid schema: {exc}") from None
