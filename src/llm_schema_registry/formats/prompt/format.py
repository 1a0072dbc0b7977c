"""`PromptFormat`: prompt templates (`PROMPT`) as an implementation of `SchemaFormat`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from llm_schema_registry.formats.base import (
    Change,
    DataError,
    DataValidator,
    FieldInfo,
    Incompatibility,
    ResolvedReference,
    SchemaType,
)
from llm_schema_registry.formats.jsonschema import JsonSchemaFormat
from llm_schema_registry.formats.jsonschema.keywords import Json
from llm_schema_registry.formats.jsonschema.normalize import compact, normalized_document
from llm_schema_registry.formats.prompt import diff
from llm_schema_registry.formats.prompt.model import PromptSchema
from llm_schema_registry.formats.prompt.parsing import parse

_JSON = JsonSchemaFormat()


class PromptFormat:
    """Prompt templates: chat messages in a sandboxed template language, the JSON Schema of
    the variables a call passes, an optional output schema (a registered JSON Schema) and
    model settings. See docs/prompts.md.

    The data a prompt describes is a call's variables: `validator`, `fields` and
    `json_schema` are those of the variables schema (a Pydantic model or a tool definition
    of a prompt is its arguments). The output schema is a subject of its own, exported and
    validated there; `render` of `POST .../render` returns it beside the messages.
    """

    schema_type = SchemaType.PROMPT
    has_json_schema = True

    def parse(self, text: str, references: Sequence[ResolvedReference] = ()) -> PromptSchema:
        """Validate the document, the variables schema, every template (against the allowlist
        and the declared variables) and the output schema reference."""
        return parse(text, references)

    def canonical(self, schema: PromptSchema) -> str:
        """Compact JSON in the submitted key order."""
        return compact(schema.document)

    def identity(self, schema: PromptSchema) -> str:
        """Compact JSON with keys sorted at every level."""
        return schema.identity_text

    def normalized(self, schema: PromptSchema) -> str:
        """Sorted keys, and the variables schema normalized as JSON Schema is."""
        document: dict[str, Any] = dict(schema.document)
        if "variables" in document:
            document["variables"] = normalized_document(document["variables"])
        return compact(document, sort_keys=True)

    def render(self, schema: PromptSchema, output_format: str | None) -> str:
        """No alternative output formats: always the canonical text."""
        return self.canonical(schema)

    def can_read(self, reader: PromptSchema, writer: PromptSchema) -> list[Incompatibility]:
        return diff.can_read(reader, writer)

    def differences(self, old: PromptSchema, new: PromptSchema) -> list[Change]:
        return diff.differences(old, new)

    def fields(self, schema: PromptSchema) -> Iterator[FieldInfo]:
        """The variables (and what they nest), as JSON Schema lists properties."""
        return _JSON.fields(schema.variables)

    def validator(self, schema: PromptSchema) -> DataValidator:
        """Checks a call's variables object."""
        return _JSON.validator(schema.variables)

    def validate(
        self, schema: PromptSchema, datum: Any, message: str | None = None
    ) -> list[DataError]:
        return self.validator(schema).errors(datum, message)

    def json_schema(self, schema: PromptSchema) -> Json:
        """The effective variables schema (closed unless it says otherwise)."""
        return _JSON.json_schema(schema.variables)

    def prompt(self, schema: PromptSchema) -> PromptSchema:
        return schema
