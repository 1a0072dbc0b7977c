"""Data validation: records against a parsed schema and its data-contract rules.

Pure Python (no HTTP, no SQL), so the server and an offline client validate the same way.
Entry point: `Validator.for_schema(schema_type, parsed, rule_set)` once per schema, then
`validator.validate(record)` per record -> `ValidationResult`. For a single record,
`validate_record(schema_type, parsed, rule_set, record, message=None)` does both (it compiles
every time: keep a `Validator` when validating many records).
"""

from typing import Any

from llm_schema_registry.formats.base import SchemaType
from llm_schema_registry.validation.result import Issue, ValidationResult, Warning_
from llm_schema_registry.validation.validator import Validator

__all__ = ["Issue", "ValidationResult", "Validator", "Warning_", "validate_record"]


def validate_record(
    schema_type: SchemaType,
    parsed_schema: Any,
    rule_set: dict[str, Any] | None,
    record: Any,
    message: str | None = None,
) -> ValidationResult:
    """One record against a parsed schema (`format_for(schema_type).parse(...)`) and its
    data-contract rules; `message` names the Protobuf message (default: the file's first)."""
    return Validator.for_schema(schema_type, parsed_schema, rule_set).validate(record, message)
