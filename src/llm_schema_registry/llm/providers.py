"""Each provider's documented limits on JSON Schema, one data table per provider.

Every entry carries the source it comes from in a comment; the lint (`lint.py`) reads these
tables and nothing else, so a provider changing its rules is a one-line edit here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Target(StrEnum):
    OPENAI = "openai"
    OPENAI_TOOL = "openai-tool"
    ANTHROPIC_TOOL = "anthropic-tool"
    GEMINI = "gemini"
    MCP_TOOL = "mcp-tool"


@dataclass(frozen=True)
class ProviderRules:
    """What one provider accepts. `None` for a limit: the provider documents none."""

    name: str
    root_object: bool  # the root schema must be `type: object`
    root_composition: bool  # anyOf/oneOf/allOf allowed at the root
    all_required: bool  # every property listed in `required`
    closed_objects: bool  # `additionalProperties: false` on every object
    refs: bool  # `$ref`/`$defs` understood
    type_lists: bool  # `"type": ["string", "null"]` understood (else `nullable: true`)
    max_depth: int | None = None
    max_properties: int | None = None
    max_enum_values: int | None = None
    max_string_budget: int | None = None
    # keyword -> why it is refused (the message of the finding)
    unsupported: dict[str, str] = field(default_factory=dict)


# https://platform.openai.com/docs/guides/structured-outputs#supported-schemas
# (section "Supported schemas", read 2025-06); the same rules apply to `strict: true`
# function tools: https://platform.openai.com/docs/guides/function-calling#strict-mode
_OPENAI_UNSUPPORTED = {
    # "Composition: ... anyOf" is the only composition keyword listed as supported
    "allOf": "allOf is not supported in strict mode",
    "oneOf": "oneOf is not supported in strict mode (use anyOf)",
    "not": "not is not supported in strict mode",
    "if": "if/then/else is not supported in strict mode",
    "then": "if/then/else is not supported in strict mode",
    "else": "if/then/else is not supported in strict mode",
    "dependentRequired": "dependentRequired is not supported in strict mode",
    "dependentSchemas": "dependentSchemas is not supported in strict mode",
    # "Some type-specific keywords are not yet supported" (Objects / Strings / Arrays lists)
    "patternProperties": "patternProperties is not supported in strict mode",
    "unevaluatedProperties": "unevaluatedProperties is not supported in strict mode",
    "propertyNames": "propertyNames is not supported in strict mode",
    "minProperties": "minProperties is not supported in strict mode",
    "maxProperties": "maxProperties is not supported in strict mode",
    "minLength": "minLength is not supported in strict mode",
    "maxLength": "maxLength is not supported in strict mode",
    "unevaluatedItems": "unevaluatedItems is not supported in strict mode",
    "contains": "contains is not supported in strict mode",
    "minContains": "minContains is not supported in strict mode",
    "maxContains": "maxContains is not supported in strict mode",
    "uniqueItems": "uniqueItems is not supported in strict mode",
}

OPENAI = ProviderRules(
    name="OpenAI structured outputs",
    # "Root objects must not be anyOf and must be an object"
    root_object=True,
    root_composition=False,
    # "All fields must be required" (optional = a union with null)
    all_required=True,
    # "additionalProperties: false must always be set in objects"
    closed_objects=True,
    # "Definitions are supported", "Recursive schemas are supported"
    refs=True,
    # "emulate an optional parameter by using a union type with null"
    type_lists=True,
    # "up to 10 levels of nesting"
    max_depth=10,
    # "A schema may have up to 5000 object properties total"
    max_properties=5000,
    # "A schema may have up to 1000 enum values across all enum properties"
    max_enum_values=1000,
    # "total string length of all property names, definition names, enum values, and const
    # values cannot exceed 120,000 characters"
    max_string_budget=120_000,
    unsupported=_OPENAI_UNSUPPORTED,
)

# Anthropic tool use: https://docs.anthropic.com/en/docs/build-with-claude/tool-use
# "input_schema: A JSON Schema object defining the expected parameters for the tool";
# the API rejects a tool whose input_schema is not `type: object` at the root.
ANTHROPIC = ProviderRules(
    name="Anthropic tools",
    root_object=True,
    root_composition=False,  # the root must be a plain object schema (see above)
    all_required=False,
    closed_objects=False,
    refs=True,  # full JSON Schema, $ref/$defs included
    type_lists=True,
)

# Gemini structured output: https://ai.google.dev/api/generate-content#generationconfig and
# the Schema object https://ai.google.dev/api/caching#Schema ("a select subset of an
# OpenAPI 3.0 schema object"). Fields it lists: type, format, title, description, nullable,
# enum, maxItems, minItems, properties, required, minProperties, maxProperties, minLength,
# maxLength, pattern, example, anyOf, propertyOrdering, default, items, minimum, maximum.
_GEMINI_UNSUPPORTED = {
    keyword: f"{keyword} is not part of Gemini's Schema object (OpenAPI 3.0 subset)"
    for keyword in (
        "$schema",
        "$id",
        "$comment",
        "additionalProperties",
        "allOf",
        "oneOf",
        "not",
        "const",
        "if",
        "then",
        "else",
        "patternProperties",
        "dependentRequired",
        "dependentSchemas",
        "unevaluatedProperties",
        "propertyNames",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "uniqueItems",
        "contains",
        "prefixItems",
        "examples",
    )
}

GEMINI = ProviderRules(
    name="Google Gemini responseSchema",
    root_object=False,  # any Schema type may be the root
    root_composition=True,
    all_required=False,
    closed_objects=False,
    # the Schema object has no $ref/$defs: references must be inlined
    refs=False,
    # the Schema object's `type` is one Type enum value; null-ability is `nullable: true`
    type_lists=False,
    unsupported=_GEMINI_UNSUPPORTED,
)

# MCP tools: https://modelcontextprotocol.io/specification/2025-06-18/server/tools#tool
# "inputSchema: JSON Schema defining expected parameters" whose schema (schema.ts, Tool)
# is `{type: "object", properties?, required?}`.
MCP = ProviderRules(
    name="MCP tools",
    root_object=True,
    root_composition=False,
    all_required=False,
    closed_objects=False,
    refs=True,
    type_lists=True,
)

RULES: dict[Target, ProviderRules] = {
    Target.OPENAI: OPENAI,
    Target.OPENAI_TOOL: OPENAI,
    Target.ANTHROPIC_TOOL: ANTHROPIC,
    Target.GEMINI: GEMINI,
    Target.MCP_TOOL: MCP,
}
