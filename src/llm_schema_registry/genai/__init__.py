"""The GenAI schema pack (FR-6.1-6.3): canonical LLM event schemas, each in JSON Schema and
Avro, with owner, tags, description and (for cost) CEL data-contract rules."""

from llm_schema_registry.genai.pack import PACK, PACK_VERSION, PackSchema

__all__ = ["PACK", "PACK_VERSION", "PackSchema"]
