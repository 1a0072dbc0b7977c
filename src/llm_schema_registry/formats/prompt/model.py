"""The parsed prompt template the format hands back to the registry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from llm_schema_registry.formats.base import Message, OutputSchema
from llm_schema_registry.formats.jsonschema import JsonSchema
from llm_schema_registry.formats.prompt.template import MessageTemplate


@dataclass(frozen=True, eq=False)
class PromptSchema:
    """A validated prompt template; a `PromptTemplate` (formats/base.py).

    `document` is the decoded JSON as submitted. `variables` is the effective variables
    schema: the submitted one, closed (`additionalProperties: false`) unless it says
    otherwise, so a call passes declared variables only. `output_schema` is the parsed
    output schema (None without one), `output` where it is registered.
    """

    document: dict[str, Any]
    messages: tuple[MessageTemplate, ...]
    variables: JsonSchema
    output: OutputSchema | None
    output_schema: JsonSchema | None
    settings: Mapping[str, Any]
    identity_text: str = field(repr=False)

    def render(self, variables: Mapping[str, Any]) -> list[Message]:
        """Every message rendered with `variables` (checked against `variables` first)."""
        return [Message(message.role, message.render(variables)) for message in self.messages]
