"""Rendering a registered prompt template: variables checked, then the messages rendered.

Through the format protocol (`SchemaFormat.prompt`): a version whose format offers no prompt
template is refused with `NotAPromptError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from llm_schema_registry.formats import format_for
from llm_schema_registry.formats.base import Message, OutputSchema, RenderError
from llm_schema_registry.registry.errors import (
    InvalidVariablesError,
    NotAPromptError,
    PromptRenderError,
)
from llm_schema_registry.registry.model import SubjectVersion


@dataclass(frozen=True)
class RenderedPrompt:
    """The messages of `version` rendered, its output schema and model settings."""

    version: SubjectVersion
    messages: list[Message]
    output: OutputSchema | None
    settings: Mapping[str, Any]


def render_prompt(
    version: SubjectVersion, parsed: Any, variables: Mapping[str, Any]
) -> RenderedPrompt:
    fmt = format_for(version.schema.schema_type)
    template = fmt.prompt(parsed)
    if template is None:
        raise NotAPromptError(
            f"Subject '{version.subject}' version {version.version} is "
            f"{version.schema.schema_type.value}, not a prompt template: only PROMPT "
            "versions render"
        )
    errors = fmt.validate(parsed, variables)
    if errors:
        raise InvalidVariablesError([(error.path, error.message) for error in errors])
    try:
        messages = template.render(variables)
    except RenderError as error:
        raise PromptRenderError(f"The template failed to render: {error}") from None
    return RenderedPrompt(version, messages, template.output, template.settings)
