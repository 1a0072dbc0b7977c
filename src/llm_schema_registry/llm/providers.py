"""Each provider's documented limits on JSON Schema, one data table per provider.

Every entry carries the source it comes from in a comment; the lint (`lint.py`) reads these
tables and nothing else. Exports (`RULES`) use each provider's current table. Subjects that
require providers at registration name dated profiles (`PROFILES`, `llmProfiles` in their
config): when a provider changes its rules, a new dated table is added and the old one is
kept as it was, so a subject is never judged by limits it did not choose.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum


class Target(StrEnum):
    OPENAI = "openai"
    OPENAI_TOOL = "openai-tool"
    ANTHROPIC_TOOL = "anthropic-tool"
    GEMINI = "gemini"
    MCP_TOOL = "mcp-tool"
    VLLM = "vllm"
    OPENAI_COMPATIBLE = "openai-compatible"


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

# vLLM structured outputs: https://docs.vllm.ai/en/latest/features/structured_outputs/
# (the `structured_outputs: {"json": ...}` request field; `guided_json` before v0.12.0). The
# default backend `auto` compiles with xgrammar and falls back to guidance (llguidance) when
# vLLM's check `has_xgrammar_unsupported_json_features` (vllm/v1/structured_output/
# backend_xgrammar.py, read 2026) finds multipleOf, uniqueItems/contains/minContains/
# maxContains, an unknown string format, a pattern/format with min/maxLength, or
# propertyNames/patternProperties beside properties. So a keyword is refused here when
# neither engine enforces it:
# - xgrammar, https://github.com/mlc-ai/xgrammar docs/xgrammar_features/json_schema.md
#   ("Supported JSON Schema"): "oneOf: Be regarded as anyOf", "allOf: Only one schema is
#   supported now"; no not, if/then/else, dependentRequired/dependentSchemas.
# - llguidance, https://github.com/guidance-ai/llguidance docs/json_schema.md ("Supported
#   JSON schema features"; it "aims to either produce a grammar conformant to the JSON schema
#   semantics, or give an error"): oneOf "converted to anyOf only when provably equivalent",
#   "allOf - intersection of certain schemas is not supported"; not, if/then/else,
#   dependent*, propertyNames, uniqueItems and contains are not in its list.
# Objects stay open and optional properties optional: both engines follow the schema as is.
_VLLM_UNSUPPORTED = {
    "oneOf": "vLLM: oneOf is decoded as anyOf (xgrammar); exactly-one is not enforced",
    "allOf": "vLLM: xgrammar enforces only a single-schema allOf; guidance cannot intersect all",
    "not": "vLLM: not is supported by neither xgrammar nor guidance",
    "if": "vLLM: if/then/else is supported by neither xgrammar nor guidance",
    "then": "vLLM: if/then/else is supported by neither xgrammar nor guidance",
    "else": "vLLM: if/then/else is supported by neither xgrammar nor guidance",
    "dependentRequired": "vLLM: dependentRequired is supported by neither backend",
    "dependentSchemas": "vLLM: dependentSchemas is supported by neither backend",
    "propertyNames": "vLLM: propertyNames is unsupported by guidance, ignored by xgrammar",
    "uniqueItems": "vLLM: uniqueItems is supported by neither xgrammar nor guidance",
    "contains": "vLLM: contains is supported by neither xgrammar nor guidance",
    "minContains": "vLLM: minContains is supported by neither xgrammar nor guidance",
    "maxContains": "vLLM: maxContains is supported by neither xgrammar nor guidance",
}

VLLM = ProviderRules(
    name="vLLM structured outputs",
    root_object=False,  # any JSON Schema may be the root (a choice, an array, ...)
    root_composition=True,
    all_required=False,
    closed_objects=False,
    refs=True,  # xgrammar: "$ref: Supports internal schema references"; llguidance likewise
    type_lists=True,  # both: "type - both single type and array of types"
    unsupported=_VLLM_UNSUPPORTED,
)

# `response_format: {"type": "json_schema", ...}` on OpenAI-compatible servers, which
# enforce it with a grammar engine: xgrammar (vLLM, SGLang, TensorRT-LLM, MLC-LLM),
# llguidance (vLLM, llama.cpp with LLGuidance), or llama.cpp's own converter (llama.cpp
# server, Ollama's GGUF engine). The table is what all three accept (sources above, and
# https://github.com/ggml-org/llama.cpp grammars/README.md, "JSON Schemas → GBNF":
# "Unsupported features are skipped silently"; "No patternProperties"; "prefixItems is
# broken"; unsupported "uniqueItems", "contains / minContains", "$anchor", "not",
# "if / then / else / dependentSchemas"). xgrammar additionally lacks multipleOf.
_OPENAI_COMPATIBLE_UNSUPPORTED = {
    **{
        keyword: why.replace("vLLM:", "OpenAI-compatible servers:")
        for keyword, why in _VLLM_UNSUPPORTED.items()
    },
    "multipleOf": "OpenAI-compatible servers: multipleOf is not enforced by xgrammar",
    "patternProperties": "OpenAI-compatible servers: llama.cpp has no patternProperties",
    "prefixItems": "OpenAI-compatible servers: prefixItems is broken in llama.cpp",
    "$anchor": "OpenAI-compatible servers: $anchor is not resolved by llama.cpp",
}

OPENAI_COMPATIBLE = ProviderRules(
    name="OpenAI-compatible servers",
    root_object=False,
    root_composition=True,
    all_required=False,  # no strict mode: optional properties stay optional
    closed_objects=False,
    refs=True,  # internal `#/$defs/...` references (all three engines)
    type_lists=True,
    unsupported=_OPENAI_COMPATIBLE_UNSUPPORTED,
)

# OpenAI strict mode as first published with Structured Outputs (August 2024,
# https://openai.com/index/introducing-structured-outputs-in-the-api/). The guide then read
# "A schema may have up to 100 object properties total, with up to 5 levels of nesting"
# (quoted in https://community.openai.com/t/measuring-maximum-depth-and-object-properties-
# in-structured-outputs/918388) and limited property names, definition names and enum values
# to 15,000 characters in total; the API refused "at most 500 enum values in total within a
# single schema" (https://community.openai.com/t/500-enums-limitation-in-structured-output/
# 974416). The other rules were those of `OPENAI`.
OPENAI_2024_08 = replace(
    OPENAI,
    name="OpenAI structured outputs (2024-08 limits)",
    max_depth=5,
    max_properties=100,
    max_enum_values=500,
    max_string_budget=15_000,
)

# Dated profiles: `<provider>@<YYYY-MM>`, the rules as the provider documented them then.
# openai-strict@2026-02: the limits of `OPENAI` above (5,000 properties, 10 levels, 1,000 enum
# values, 120,000 characters), as the Structured Outputs guide lists them in February 2026
# (see also https://jsonschemaprofiles.unitvectorylabs.com/schemas/openai, 202602 baseline).
PROFILES: dict[str, ProviderRules] = {
    "openai-strict@2024-08": OPENAI_2024_08,
    "openai-strict@2026-02": OPENAI,
    "gemini@2026-02": GEMINI,
    "anthropic-tools@2026-02": ANTHROPIC,
    "mcp-tools@2025-06": MCP,  # MCP specification 2025-06-18
}

RULES: dict[Target, ProviderRules] = {
    Target.OPENAI: OPENAI,
    Target.OPENAI_TOOL: OPENAI,
    Target.ANTHROPIC_TOOL: ANTHROPIC,
    Target.GEMINI: GEMINI,
    Target.MCP_TOOL: MCP,
    Target.VLLM: VLLM,
    Target.OPENAI_COMPATIBLE: OPENAI_COMPATIBLE,
}
