"""The parsed Protobuf schema: the main file's descriptor plus its resolved imports."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool

from llm_schema_registry.formats.protobuf.compiler import build_pool


@dataclass(frozen=True, eq=False)
class ProtobufSchema:
    """A compiled `.proto` file.

    `file` is the main `FileDescriptorProto`; `dependencies` maps every transitively imported
    file name to its descriptor; `reference_versions` maps each *direct* reference's import
    name to its (subject, version), which Confluent's checker uses to skip comparing a type
    that both sides take from the same registered version.
    """

    file: Any  # descriptor_pb2.FileDescriptorProto (protobuf ships no type stubs)
    dependencies: Mapping[str, Any] = field(default_factory=dict)
    reference_versions: Mapping[str, tuple[str, int]] = field(default_factory=dict)

    @property
    def syntax(self) -> str:
        """`proto2`, `proto3` or `editions` (an empty syntax in a descriptor means proto2)."""
        return str(self.file.syntax) or "proto2"

    @cached_property
    def pool(self) -> descriptor_pool.DescriptorPool:
        """A private pool with everything linked, used to read custom options."""
        return build_pool(self.file, self.dependencies)

    def serialized(self) -> bytes:
        """The main file's serialized `FileDescriptorProto`."""
        return bytes(self.file.SerializeToString(deterministic=True))


def clean_descriptor(proto: descriptor_pb2.FileDescriptorProto) -> Any:
    """A copy without what does not change the schema: source info and default json names.

    Descriptors built by other toolchains carry `json_name` on every field; protoc's Python
    output keeps only explicit ones. Dropping the default spelling makes both the same.
    """
    copy = descriptor_pb2.FileDescriptorProto()
    copy.CopyFrom(proto)
    copy.ClearField("source_code_info")

    def visit(message: Any) -> None:
        for fld in (*message.field, *message.extension):
            if fld.HasField("json_name") and fld.json_name == default_json_name(fld.name):
                fld.ClearField("json_name")
        for nested in message.nested_type:
            visit(nested)

    for message in copy.message_type:
        visit(message)
    for ext in copy.extension:
        if ext.HasField("json_name") and ext.json_name == default_json_name(ext.name):
            ext.ClearField("json_name")
    return copy


def default_json_name(name: str) -> str:
    """protoc's default JSON name: underscores dropped, the next letter upper-cased."""
    out: list[str] = []
    upper = False
    for char in name:
        if char == "_":
            upper = True
        elif upper:
            out.append(char.upper())
            upper = False
        else:
            out.append(char)
    return "".join(out)
