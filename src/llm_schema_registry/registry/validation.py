"""Validating data against registered schemas: compiled validators cached per schema id."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from llm_schema_registry.observability import metrics
from llm_schema_registry.registry.errors import RegistryError
from llm_schema_registry.registry.model import StoredSchema
from llm_schema_registry.registry.sampling import SampleService
from llm_schema_registry.registry.service import RegistryService
from llm_schema_registry.registry.usage import UsageRecorder
from llm_schema_registry.validation import ValidationResult, Validator


class InvalidValidationRequestError(RegistryError):
    """A /validate request that names no schema, or gives no data."""


@dataclass(frozen=True, slots=True)
class ValidationTarget:
    """The schema to validate against; `subject` reports rule failures and, with `version`
    (0: no version of `subject` holds the schema), counts usage."""

    schema: StoredSchema
    subject: str
    version: int


class DataValidation:
    """Finds the schema a request names and validates records with its rules; counts the
    records validated per subject version (this node's, and cluster-wide through `usage`)."""

    def __init__(
        self,
        registry: RegistryService,
        usage: UsageRecorder | None = None,
        samples: SampleService | None = None,
    ) -> None:
        self._registry = registry
        self._usage = usage or UsageRecorder(None)
        self._samples = samples  # keeps records that passed, where a subject asks for them
        # Schema ids are immutable, so a compiled validator stays right for good.
        self._compiled: dict[int, Validator] = {}
        # Governance overview: records validated per subject on this node, valid or not.
        self._counts: dict[str, dict[str, int]] = {}

    def counts_for(self, subject: str) -> dict[str, int]:
        return dict(self._counts.get(subject, {"valid": 0, "invalid": 0}))

    async def target(
        self, schema_id: int | None, subject: str | None, version: str | int | None
    ) -> ValidationTarget:
        """The schema a request names: by id (reported under `subject`, else its first
        holder), or a subject's version (`latest` when none is given)."""
        if schema_id is not None:
            schema = await self._registry.schema_by_id(schema_id)
            holders = await self._registry.versions_of_schema(schema_id, deleted=True)
            name = subject or (holders[0][0] if holders else "")
            number = next((v for s, v in holders if s == name), 0)
            return ValidationTarget(schema, name, number)
        if subject is None:
            raise InvalidValidationRequestError("Give either schema_id or subject (and version)")
        found = await self._registry.version(subject, version if version is not None else "latest")
        return ValidationTarget(found.schema, subject, found.version)

    def count(self, target: ValidationTarget, valid: int, invalid: int) -> None:
        """Counts records checked elsewhere (a raw model reply) as validations."""
        counts = self._counts.setdefault(target.subject, {"valid": 0, "invalid": 0})
        counts["valid"] += valid
        counts["invalid"] += invalid
        self._usage.validated(target.subject, target.version, valid, invalid)

    async def validate(
        self, target: ValidationTarget, records: list[Any], message: str | None
    ) -> list[ValidationResult]:
        schema, subject = target.schema, target.subject
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
        valid = sum(1 for result in results if result.valid)
        self.count(target, valid, len(results) - valid)
        passed = [record for record, result in zip(records, results, strict=True) if result.valid]
        await self.keep(target, passed)
        return results

    async def keep(self, target: ValidationTarget, records: list[Any]) -> None:
        """Records that passed (`records`, or a model reply's JSON) as samples of the
        target's subject, if it keeps any."""
        if self._samples is not None:
            await self._samples.keep(target.subject, target.schema, records)
