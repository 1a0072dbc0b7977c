"""JSON instances against a parsed JSON Schema (jsonschema-rs, offline, every error)."""

from __future__ import annotations

from typing import Any

from llm_schema_registry.formats.base import DataError, json_path
from llm_schema_registry.formats.jsonschema.model import JsonSchema
from llm_schema_registry.formats.jsonschema.parsing import build_validator


class JsonSchemaData:
    """A `DataValidator` for one schema (compile once, validate many)."""

    def __init__(self, schema: JsonSchema) -> None:
        self._validator = build_validator(schema.document, schema.draft, schema.documents)

    def errors(self, datum: Any, message: str | None = None) -> list[DataError]:
        return [
            DataError(json_path(list(error.instance_path)), error.message)
            for error in self._validator.iter_errors(datum)
        ]
