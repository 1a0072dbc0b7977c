"""`ProtobufFormat`: the SchemaFormat implementation for Protobuf."""

from __future__ import annotations

import base64
from collections.abc import Iterator, Sequence
from typing import Any

from google.protobuf import descriptor_pb2

from llm_schema_registry.formats.base import (
    Change,
    DataError,
    FieldInfo,
    Incompatibility,
    InvalidSchemaError,
    ResolvedReference,
    SchemaType,
)
from llm_schema_registry.formats.changes import both_ways
from llm_schema_registry.formats.protobuf import compatibility, compiler
from llm_schema_registry.formats.protobuf.data import ProtobufData
from llm_schema_registry.formats.protobuf.fields import fields
from llm_schema_registry.formats.protobuf.naming import Names
from llm_schema_registry.formats.protobuf.printer import print_schema
from llm_schema_registry.formats.protobuf.schema import ProtobufSchema, clean_descriptor


def _sources(references: Sequence[ResolvedReference]) -> compiler.Sources:
    """Every referenced file, transitively, as sorted (import name, text) pairs."""
    found: dict[str, str] = {}

    def visit(refs: Sequence[ResolvedReference]) -> None:
        for ref in refs:
            compiler.check_import_name(ref.name)
            if ref.name.startswith(compiler.WELL_KNOWN_PREFIX):
                continue  # always the built-in copy: registries treat these as well-known
            if not ref.text.strip() and compiler.is_builtin(ref.name):
                continue
            known = found.get(ref.name)
            if known is not None and known != ref.text:
                raise InvalidSchemaError(
                    f"Invalid Protobuf schema: reference '{ref.name}' resolves to two "
                    "different schemas."
                )
            found[ref.name] = ref.text
            visit(ref.references)

    visit(references)
    return tuple(sorted(found.items()))


class ProtobufFormat:
    """Protobuf schemas: protoc-compiled, printed Confluent-style, Confluent's evolution rules.

    `parse` accepts `.proto` text or a base64 serialized `FileDescriptorProto`; both give the
    same canonical text. `differences` lists every change (compatible or not) between two
    versions, for diff views; `can_read` keeps the incompatible ones.
    """

    schema_type = SchemaType.PROTOBUF
    has_json_schema = False

    def parse(self, text: str, references: Sequence[ResolvedReference] = ()) -> ProtobufSchema:
        sources = _sources(references)
        versions = {ref.name: (ref.subject, ref.version) for ref in references}
        proto = compiler.decode_descriptor(text)
        if proto is None:
            main_raw, dep_raws = compiler.compile_text(text, sources)
            main = descriptor_pb2.FileDescriptorProto.FromString(main_raw)
        else:
            main = clean_descriptor(proto)
            dep_raws = compiler.compile_imports(tuple(main.dependency), sources)
        deps = {}
        for raw in dep_raws:
            dep = descriptor_pb2.FileDescriptorProto.FromString(raw)
            deps[dep.name] = dep
        schema = ProtobufSchema(main, deps, versions)
        if proto is not None:
            _ = schema.pool  # links the decoded descriptor: raises InvalidSchemaError if broken
        return schema

    def canonical(self, schema: ProtobufSchema) -> str:
        return print_schema(schema)

    def identity(self, schema: ProtobufSchema) -> str:
        return print_schema(schema)

    def normalized(self, schema: ProtobufSchema) -> str:
        return print_schema(schema, normalize=True)

    def render(self, schema: ProtobufSchema, output_format: str | None) -> str:
        if output_format == "serialized":
            return base64.b64encode(schema.serialized()).decode("ascii")
        if output_format == "ignore_extensions":
            return print_schema(schema, ignore_extensions=True)
        return print_schema(schema)

    def can_read(self, reader: ProtobufSchema, writer: ProtobufSchema) -> list[Incompatibility]:
        return compatibility.incompatibilities(reader=reader, writer=writer)

    def differences(self, old: ProtobufSchema, new: ProtobufSchema) -> list[Change]:
        """Every change from `old` to `new` (Confluent's differences, original = old), with
        `forward` where comparing new -> old breaks at the same path."""
        ahead = compatibility.differences(old, new)
        behind = compatibility.differences(new, old)
        return both_ways(ahead, behind, Names(old, new).describe)

    def fields(self, schema: ProtobufSchema) -> Iterator[FieldInfo]:
        return fields(schema)

    def validator(self, schema: ProtobufSchema) -> ProtobufData:
        return ProtobufData(schema)

    def validate(
        self, schema: ProtobufSchema, datum: Any, message: str | None = None
    ) -> list[DataError]:
        return self.validator(schema).errors(datum, message)

    def json_schema(self, schema: ProtobufSchema) -> None:
        return None  # no JSON Schema is derived from .proto files

    def prompt(self, schema: ProtobufSchema) -> None:
        return None  # describes data, not a prompt
