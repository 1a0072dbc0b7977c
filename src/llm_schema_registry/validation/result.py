"""What validating one record produces."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from llm_schema_registry.formats.base import DataError

# A reason the record is invalid: the format's data errors, and failed STRICT rules at `$`.
Issue = DataError


@dataclass(frozen=True)
class Warning_:
    """A WARN-level rule the record failed (the record stays valid)."""

    rule: str
    message: str


@dataclass(frozen=True)
class RuleFailure:
    rule: str
    level: str  # STRICT | WARN | MONITOR
    message: str


@dataclass
class ValidationResult:
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    rule_failures: list[RuleFailure] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    def as_json(self) -> dict[str, Any]:
        if not self.errors and not self.warnings:
            # most records of a batch; no comprehensions to build two empty lists
            return {"valid": True, "errors": [], "warnings": []}
        return {
            "valid": self.valid,
            "errors": [{"path": e.path, "message": e.message} for e in self.errors],
            "warnings": [{"rule": w.rule, "message": w.message} for w in self.warnings],
        }
