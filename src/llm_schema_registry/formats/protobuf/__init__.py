"""Protobuf schema format: protoc via grpcio-tools, Confluent canonical text and rules."""

from llm_schema_registry.formats.protobuf.compatibility import COMPATIBLE_CHANGES, Difference
from llm_schema_registry.formats.protobuf.format import ProtobufFormat
from llm_schema_registry.formats.protobuf.schema import ProtobufSchema

__all__ = ["COMPATIBLE_CHANGES", "Difference", "ProtobufFormat", "ProtobufSchema"]
