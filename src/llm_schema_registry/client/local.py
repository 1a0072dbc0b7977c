"""Validation on the caller's side, with the server's validators and CEL rules."""

from __future__ import annotations

import json
from typing import Any

from llm_schema_registry.client.models import (
    Problem,
    RegisteredSchema,
    RuleWarning,
    ValidationOutcome,
)
from llm_schema_registry.llm.check import check_llm_output
from llm_schema_registry.validation import ValidationResult, Validator


def outcome(result: ValidationResult) -> ValidationOutcome:
    return ValidationOutcome(
        valid=result.valid,
        errors=[Problem(e.path, e.message) for e in result.errors],
        warnings=[RuleWarning(w.rule, w.message) for w in result.warnings],
    )


def llm_outcome(
    reply: str, validator: Validator, schema: RegisteredSchema, message: str | None
) -> ValidationOutcome:
    """A raw model reply checked as `POST /validate` with `llm_output` does."""
    document = validator.json_schema()
    return ValidationOutcome.from_json(check_llm_output(reply, validator, document, message))


def dumps_model_schema(schema: dict[str, Any]) -> str:
    return json.dumps(schema, separators=(",", ":"))
