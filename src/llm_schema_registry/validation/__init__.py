"""Data validation: records against a parsed schema and its data-contract rules.

Pure Python (no HTTP, no SQL), so the server and an offline client validate the same way.
Entry point: `Validator.for_schema(schema_type, parsed, rule_set)` once per schema, then
`validator.validate(record)` per record -> `ValidationResult`.
"""

from llm_schema_registry.validation.result import Issue, ValidationResult, Warning_
from llm_schema_registry.validation.validator import Validator

__all__ = ["Issue", "ValidationResult", "Validator", "Warning_"]
