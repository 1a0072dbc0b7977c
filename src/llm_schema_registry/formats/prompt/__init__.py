"""Prompt templates (`PROMPT`): messages rendered from declared variables, versioned and
checked for compatibility like any other schema."""

from llm_schema_registry.formats.prompt.format import PromptFormat
from llm_schema_registry.formats.prompt.model import PromptSchema

__all__ = ["PromptFormat", "PromptSchema"]
