"""A raw model reply checked against a schema: extraction, validation, a repair prompt."""

from __future__ import annotations

from typing import Any, Protocol

from llm_schema_registry.formats.base import SchemaType
from llm_schema_registry.llm.output import extract_json, repair_prompt
from llm_schema_registry.validation import Validator


class StoredSchemaLike(Protocol):
    @property
    def schema_type(self) -> SchemaType: ...
    @property
    def text(self) -> str: ...
    @property
    def rule_set(self) -> Any: ...


class SchemaSource(Protocol):
    async def parsed(self, schema: Any) -> Any: ...


def check_llm_output(
    reply: str, validator: Validator, schema: Any | None = None, message: str | None = None
) -> dict[str, Any]:
    """`{valid, errors, warnings, extracted, source, notes, repair_prompt}`; `repair_prompt`
    is null when the reply is valid. `schema` (the JSON Schema document) goes in the prompt."""
    found = extract_json(reply)
    if found.error is not None:
        errors = [{"path": "$", "message": found.error}]
        return {
            "valid": False,
            "errors": errors,
            "warnings": [],
            "extracted": None,
            "source": found.source,
            "notes": found.notes,
            "repair_prompt": repair_prompt(errors, schema),
        }
    result = validator.validate(found.value, message).as_json()
    prompt = None if result["valid"] else repair_prompt(result["errors"], schema)
    return {
        **result,
        "extracted": found.value,
        "source": found.source,
        "notes": found.notes,
        "repair_prompt": prompt,
    }


async def llm_output_result(
    registry: SchemaSource, schema: StoredSchemaLike, reply: str, message: str | None
) -> dict[str, Any]:
    """`check_llm_output` against a stored schema (what `POST /validate` with `llm_output`
    answers); the schema goes into the repair prompt when its format offers JSON Schema."""
    parsed = await registry.parsed(schema)
    validator = Validator.for_schema(schema.schema_type, parsed, schema.rule_set)
    return check_llm_output(reply, validator, validator.json_schema(), message)
