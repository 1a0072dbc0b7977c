"""One schema's compiled validator: the format's data checks, then its CEL rules."""

from __future__ import annotations

from typing import Any

from llm_schema_registry.formats import format_for
from llm_schema_registry.formats.base import SchemaType
from llm_schema_registry.validation.result import Issue, RuleFailure, ValidationResult, Warning_
from llm_schema_registry.validation.rules import CompiledRule, compile_rules, failures


class Validator:
    """Compile once per schema (ids are immutable, so callers cache it per id)."""

    def __init__(self, schema_type: SchemaType, parsed: Any, rules: list[CompiledRule]) -> None:
        self.schema_type = schema_type
        self._format = format_for(schema_type)
        self._parsed = parsed
        self._rules = rules
        self._data = self._format.validator(parsed)

    @classmethod
    def for_schema(
        cls, schema_type: SchemaType, parsed: Any, rule_set: dict[str, Any] | None
    ) -> Validator:
        return cls(schema_type, parsed, compile_rules(rule_set))

    def json_schema(self) -> Any | None:
        """The schema as a JSON Schema document, for repair prompts (None: its format has
        none)."""
        return self._format.json_schema(self._parsed)

    def validate(self, record: Any, message: str | None = None) -> ValidationResult:
        result = ValidationResult(errors=self._data.errors(record, message))
        if not result.valid:
            return result  # rules assume a record of the right shape
        for rule, why in failures(self._rules, record):
            result.rule_failures.append(RuleFailure(rule.name, rule.level, why))
            if rule.level == "STRICT":
                result.errors.append(Issue("$", why))
            elif rule.level == "WARN":
                result.warnings.append(Warning_(rule.name, why))
        return result
