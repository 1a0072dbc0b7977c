"""One schema's compiled validator: the format's data checks, then its CEL rules."""

from __future__ import annotations

from typing import Any

from llm_schema_registry.formats.base import SchemaType
from llm_schema_registry.validation.avro import avro_errors
from llm_schema_registry.validation.result import Issue, RuleFailure, ValidationResult, Warning_
from llm_schema_registry.validation.rules import CompiledRule, compile_rules, failures


class Validator:
    """Compile once per schema (ids are immutable, so callers cache it per id)."""

    def __init__(self, schema_type: SchemaType, parsed: Any, rules: list[CompiledRule]) -> None:
        self.schema_type = schema_type
        self._parsed = parsed
        self._rules = rules
        self._data: Any = None
        if schema_type is SchemaType.JSON:
            from llm_schema_registry.validation.jsonschema import JsonSchemaData

            self._data = JsonSchemaData(parsed)
        elif schema_type is SchemaType.PROTOBUF:
            from llm_schema_registry.validation.protobuf import ProtobufData

            self._data = ProtobufData(parsed)

    @classmethod
    def for_schema(
        cls, schema_type: SchemaType, parsed: Any, rule_set: dict[str, Any] | None
    ) -> Validator:
        return cls(schema_type, parsed, compile_rules(rule_set))

    def validate(self, record: Any, message: str | None = None) -> ValidationResult:
        result = ValidationResult(errors=self._data_errors(record, message))
        if not result.valid:
            return result  # rules assume a record of the right shape
        for rule, why in failures(self._rules, record):
            result.rule_failures.append(RuleFailure(rule.name, rule.level, why))
            if rule.level == "STRICT":
                result.errors.append(Issue("$", why))
            elif rule.level == "WARN":
                result.warnings.append(Warning_(rule.name, why))
        return result

    def _data_errors(self, record: Any, message: str | None) -> list[Issue]:
        if self.schema_type is SchemaType.AVRO:
            return avro_errors(self._parsed.fastavro, record)
        if self.schema_type is SchemaType.PROTOBUF:
            errors: list[Issue] = self._data.errors(record, message)
            return errors
        found: list[Issue] = self._data.errors(record)
        return found
