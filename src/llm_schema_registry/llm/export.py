"""A registered JSON Schema as the exact payload each provider expects, linted (and fixed).

Payload shapes, from each provider's API reference:
- openai: the Chat Completions `response_format`
  (https://platform.openai.com/docs/api-reference/chat/create#chat-create-response_format):
  `{"type": "json_schema", "json_schema": {"name", "description", "schema", "strict"}}`.
- openai-tool: a Chat Completions `tools` entry
  (https://platform.openai.com/docs/api-reference/chat/create#chat-create-tools):
  `{"type": "function", "function": {"name", "description", "parameters", "strict"}}`.
- anthropic-tool: a Messages API tool
  (https://docs.anthropic.com/en/api/messages#body-tools): `{"name", "description",
  "input_schema"}`.
- gemini: `generationConfig` of generateContent
  (https://ai.google.dev/api/generate-content#generationconfig): `{"responseMimeType":
  "application/json", "responseSchema": Schema}` with upper-case `Type` enum values.
- mcp-tool: an MCP Tool (https://modelcontextprotocol.io/specification/2025-06-18/server/
  tools#tool): `{"name", "title", "description", "inputSchema"}`.
- vllm: the request's extra body for vLLM's structured outputs
  (https://docs.vllm.ai/en/latest/features/structured_outputs/): `{"structured_outputs":
  {"json": schema}}`; vLLM before 0.12 took the same schema as `{"guided_json": schema}`.
- openai-compatible: `response_format` as OpenAI-compatible servers (vLLM, SGLang,
  llama.cpp, Ollama, LM Studio) read it: `{"type": "json_schema", "json_schema": {"name",
  "description", "schema"}}`, without OpenAI's `strict` (their grammars always constrain).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from llm_schema_registry.llm.fixes import Fix, apply_fixes
from llm_schema_registry.llm.lint import Finding, lint
from llm_schema_registry.llm.names import provider_name
from llm_schema_registry.llm.providers import RULES, Target
from llm_schema_registry.llm.refs import embed_references
from llm_schema_registry.llm.walk import walk


class ExportError(Exception):
    """The schema cannot be exported (not JSON Schema, or not a JSON object)."""


@dataclass
class Export:
    payload: dict[str, Any]
    findings: list[Finding] = field(default_factory=list)
    fixes: list[Fix] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "payload": self.payload,
            "findings": [f.as_json() for f in self.findings],
            "fixes": [f.as_json() for f in self.fixes],
        }


def export(
    target: Target,
    schema: Any,
    *,
    subject: str,
    version: int | None = None,
    fix: bool = False,
    name: str | None = None,
    references: Mapping[str, Any] | None = None,
) -> Export:
    """`schema` (a JSON Schema document) as `target`'s payload; `fix` applies safe rewrites
    first and the findings are those left afterwards. `references`: the documents the schema
    names in `$ref` (name -> JSON Schema), embedded so the payload is self-contained."""
    if not isinstance(schema, dict):
        raise ExportError("only a JSON Schema object can be exported to an LLM provider")
    rules = RULES[target]
    fixes: list[Fix] = []
    document = embed_references(copy.deepcopy(schema), references or {})
    if fix:
        document, fixes = apply_fixes(document, rules)
    findings = lint(document, rules)
    tool_name = provider_name(name or subject)
    description = str(
        schema.get("description")
        or schema.get("title")
        or f"{subject}" + (f" version {version}" if version is not None else "")
    )
    return Export(_payload(target, document, tool_name, description), findings, fixes)


def _payload(target: Target, schema: dict[str, Any], name: str, description: str) -> dict[str, Any]:
    if target is Target.OPENAI:
        return {
            "type": "json_schema",
            "json_schema": {
                "name": name,
                "description": description,
                "schema": schema,
                "strict": True,
            },
        }
    if target is Target.OPENAI_TOOL:
        return {
            "type": "function",
            "function": {
                "name": name,
                "description": description,
                "parameters": schema,
                "strict": True,
            },
        }
    if target is Target.ANTHROPIC_TOOL:
        return {"name": name, "description": description, "input_schema": schema}
    if target is Target.VLLM:
        return {"structured_outputs": {"json": schema}}
    if target is Target.OPENAI_COMPATIBLE:
        return {
            "type": "json_schema",
            "json_schema": {"name": name, "description": description, "schema": schema},
        }
    if target is Target.MCP_TOOL:
        title = str(schema.get("title") or name)
        return {"name": name, "title": title, "description": description, "inputSchema": schema}
    return {"responseMimeType": "application/json", "responseSchema": _gemini_types(schema)}


def _gemini_types(schema: dict[str, Any]) -> dict[str, Any]:
    """Gemini's `Type` enum is upper case (STRING, OBJECT, ...)."""
    converted = copy.deepcopy(schema)
    for node in walk(converted):
        if isinstance(node.schema.get("type"), str):
            node.schema["type"] = node.schema["type"].upper()
    return converted
