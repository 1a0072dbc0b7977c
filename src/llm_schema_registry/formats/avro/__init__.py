"""Avro for the registry: parse (strictly), canonical texts and Java-compatible checks."""

from __future__ import annotations

from llm_schema_registry.formats.avro.format import AvroFormat
from llm_schema_registry.formats.avro.model import AvroSchema

__all__ = ["AvroFormat", "AvroSchema"]
