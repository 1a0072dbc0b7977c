"""Text + references -> a validated `PromptSchema`, or `InvalidSchemaError` saying where.

A prompt template is a JSON object:

    {"description": "...",                                   optional
     "messages": [{"role": "system", "content": "..."}, ...],  the templates
     "variables": {"type": "object", "properties": {...}},      a JSON Schema of the call
     "output_schema": {"$ref": "<reference name>"},           optional: a JSON Schema subject
     "model": {"name": "...", "temperature": 0.2}}            optional model settings

Every variable a template reads must be declared under `variables.properties`. The output
schema is one of the schema's Confluent `references`, named by its `$ref`, and must be a
JSON Schema.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from llm_schema_registry.formats.base import (
    InvalidSchemaError,
    OutputSchema,
    ResolvedReference,
    SchemaType,
)
from llm_schema_registry.formats.jsonschema import JsonSchema, JsonSchemaFormat
from llm_schema_registry.formats.jsonschema.normalize import compact
from llm_schema_registry.formats.jsonschema.parsing import decode
from llm_schema_registry.formats.prompt.model import PromptSchema
from llm_schema_registry.formats.prompt.template import MessageTemplate, compile_template

KEYS = ("description", "messages", "variables", "output_schema", "model")
ROLES = ("system", "developer", "user", "assistant")
NO_VARIABLES: dict[str, Any] = {"type": "object", "properties": {}}
_JSON = JsonSchemaFormat()


def parse(text: str, references: Sequence[ResolvedReference] = ()) -> PromptSchema:
    document = decode(text, "prompt template")
    if not isinstance(document, dict):
        raise InvalidSchemaError(
            "A prompt template is a JSON object with messages, variables, output_schema and model"
        )
    unknown = sorted(set(document) - set(KEYS))
    if unknown:
        raise InvalidSchemaError(
            f"Unknown key(s) in the prompt template: {', '.join(unknown)} "
            f"(allowed: {', '.join(KEYS)})"
        )
    if not isinstance(document.get("description", ""), str):
        raise InvalidSchemaError("description must be a string")
    settings = document.get("model", {})
    if not isinstance(settings, dict):
        raise InvalidSchemaError("model must be a JSON object of model settings")
    variables = _variables(document.get("variables"), references)
    output = _output(document.get("output_schema"), references)
    return PromptSchema(
        document=document,
        messages=_messages(document.get("messages"), variables),
        variables=variables,
        output=output[0] if output else None,
        output_schema=output[1] if output else None,
        settings=settings,
        identity_text=compact(document, sort_keys=True),
    )


def _variables(value: Any, references: Sequence[ResolvedReference]) -> JsonSchema:
    """The effective variables schema: closed unless `additionalProperties` says otherwise."""
    given = NO_VARIABLES if value is None else value
    if not isinstance(given, dict) or given.get("type") != "object":
        raise InvalidSchemaError(
            'variables must be a JSON Schema with "type": "object"; its properties are '
            "the variables"
        )
    if not isinstance(given.get("properties", {}), dict):
        raise InvalidSchemaError("variables.properties must be an object")
    effective = {**given, "additionalProperties": given.get("additionalProperties", False)}
    try:
        return _JSON.parse(compact(effective), references)
    except InvalidSchemaError as error:
        raise InvalidSchemaError(f"variables: {error}") from None


def _messages(value: Any, variables: JsonSchema) -> tuple[MessageTemplate, ...]:
    if not isinstance(value, list) or not value:
        raise InvalidSchemaError('messages must be a non-empty list of {"role", "content"}')
    declared = set(variables.document.get("properties") or {})
    found = []
    for index, message in enumerate(value):
        where = f"messages[{index}]"
        if not isinstance(message, dict) or set(message) != {"role", "content"}:
            raise InvalidSchemaError(f'{where} must be {{"role": ..., "content": ...}}')
        role, content = message["role"], message["content"]
        if role not in ROLES:
            raise InvalidSchemaError(f"{where}.role must be one of {', '.join(ROLES)}")
        if not isinstance(content, str):
            raise InvalidSchemaError(f"{where}.content must be a string (the template)")
        template = compile_template(role, content, f"{where}.content")
        undeclared = sorted(template.variables - declared)
        if undeclared:
            names = ", ".join(f"'{name}'" for name in undeclared)
            raise InvalidSchemaError(
                f"{where}.content uses the undeclared variable(s) {names}: declare each "
                "under variables.properties"
            )
        found.append(template)
    return tuple(found)


def _output(
    value: Any, references: Sequence[ResolvedReference]
) -> tuple[OutputSchema, JsonSchema] | None:
    if value is None:
        return None
    name = value.get("$ref") if isinstance(value, dict) and len(value) == 1 else None
    if not isinstance(name, str):
        raise InvalidSchemaError(
            'output_schema must be {"$ref": "<reference name>"}, naming one of the '
            "schema's references"
        )
    reference = next((r for r in references if r.name == name), None)
    if reference is None:
        known = ", ".join(f"'{r.name}'" for r in references) or "none"
        raise InvalidSchemaError(
            f"output_schema names '{name}', which is not one of the schema's references "
            f"(references: {known})"
        )
    if reference.schema_type is not SchemaType.JSON:
        raise InvalidSchemaError(
            f"output_schema must be a JSON Schema; reference '{name}' is "
            f"{reference.schema_type.value}"
        )
    try:
        parsed = _JSON.parse(reference.text, reference.references)
    except InvalidSchemaError as error:
        raise InvalidSchemaError(f"output_schema: {error}") from None
    output = OutputSchema(
        name, reference.subject, reference.version, parsed.document, dict(parsed.documents)
    )
    return output, parsed
