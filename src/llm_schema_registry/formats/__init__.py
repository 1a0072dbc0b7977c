"""The schema formats, looked up by Confluent's `schemaType` (PROMPT is our own)."""

from __future__ import annotations

from functools import cache
from typing import Any

from llm_schema_registry.formats.base import SchemaFormat, SchemaType


@cache
def format_for(schema_type: SchemaType) -> SchemaFormat[Any]:
    """The format object for a schema type (imported on first use: protoc is heavy)."""
    if schema_type is SchemaType.AVRO:
        from llm_schema_registry.formats.avro import AvroFormat

        return AvroFormat()
    if schema_type is SchemaType.JSON:
        from llm_schema_registry.formats.jsonschema import JsonSchemaFormat

        return JsonSchemaFormat()
    if schema_type is SchemaType.PROMPT:
        from llm_schema_registry.formats.prompt import PromptFormat

        return PromptFormat()
    from llm_schema_registry.formats.protobuf import ProtobufFormat

    return ProtobufFormat()
