"""JSON Schema support: parsing, canonical forms and Confluent-compatible evolution rules."""

from llm_schema_registry.formats.jsonschema.changes import COMPATIBLE_CHANGES, Difference
from llm_schema_registry.formats.jsonschema.format import JsonSchemaFormat
from llm_schema_registry.formats.jsonschema.keywords import DEFAULT_DRAFT, Draft
from llm_schema_registry.formats.jsonschema.model import JsonSchema

__all__ = [
    "COMPATIBLE_CHANGES",
    "DEFAULT_DRAFT",
    "Difference",
    "Draft",
    "JsonSchema",
    "JsonSchemaFormat",
]
