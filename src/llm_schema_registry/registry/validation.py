"""Validating data against registered schemas: compiled validators cached per schema id."""

from __future__ import annotations

import time
from typing import Any

from llm_schema_registry.observability import metrics
from llm_schema_registry.registry.errors import RegistryError
from llm_schema_registry.registry.model import StoredSchema
from llm_schema_registry.registry.service import RegistryService
from llm_schema_registry.validation import ValidationResult, Validator


class InvalidValidationRequestError(RegistryError):
    """A /validate request that names no schema, or gives no data."""


class DataValidation:
    """Finds the schema a request names and validates records with its rules."""

    def __init__(self, registry: RegistryService) -> None:
        self._registry = registry
        # Schema ids are immutable, so a compiled validator stays right for good.
        self._compiled: dict[int, Validator] = {}
        # Governance overview: records validated per subject on this node, valid or not.
        self._counts: dict[str, dict[str, int]] = {}

    def counts_for(self, subject: str) -> dict[str, int]:
        return dict(self._counts.get(subject, {"valid": 0, "invalid": 0}))

    async def target(
        self, schema_id: int | None, subject: str | None, version: str | int | None
    ) -> tuple[StoredSchema, str]:
        """The schema to validate against, and the subject to report rule failures under."""
        if schema_id is not None:
            schema = await self._registry.schema_by_id(schema_id)
            holders = await self._registry.versions_of_schema(schema_id, deleted=True)
            return schema, subject or (holders[0][0] if holders else "")
        if subject is None:
            raise InvalidValidationRequestError("Give either schema_id or subject (and version)")
        found = await self._registry.version(subject, version if version is not None else "latest")
        return found.schema, subject

    async def validate(
        self, schema: StoredSchema, subject: str, records: list[Any], message: str | None
    ) -> list[ValidationResult]:
        validator = self._compiled.get(schema.id)
        if validator is None:
            parsed = await self._registry.parsed(schema)
            validator = Validator.for_schema(schema.schema_type, parsed, schema.rule_set)
            self._compiled[schema.id] = validator
        timer = metrics.VALIDATION_DURATION.labels(schema.schema_type.value)
        results = []
        for record in records:
            started = time.perf_counter()
            result = validator.validate(record, message)
            timer.observe(time.perf_counter() - started)
            for failure in result.rule_failures:
                metrics.RULE_FAILURES.labels(subject, failure.rule, failure.level).inc()
            results.append(result)
        counts = self._counts.setdefault(subject, {"valid": 0, "invalid": 0})
        valid = sum(1 for result in results if result.valid)
        counts["valid"] += valid
        counts["invalid"] += len(results) - valid
        return results
