"""Registration checks: rules a parsed schema must pass before it is registered.

The registry owns the hook (`RegistrationCheck`); services above it implement it (security's
registration policies: PII-like names, size, required metadata). `RegistryService` runs every
check on the parsed schema inside the registration, before anything is looked up or stored,
so no check needs a parser of its own. A check answers warnings, or refuses the schema by
raising `RegistrationBlockedError`.

What the checks found in a request is reported to whoever opened `reporting()` around it:
the registration route (the warnings go into its reply) and the audit trail (warnings and
refusals are recorded). With no report open a check's findings cost nothing more.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol

from llm_schema_registry.formats.base import SchemaFormat
from llm_schema_registry.registry.errors import RegistryError
from llm_schema_registry.registry.model import JsonObject


@dataclass(frozen=True, slots=True)
class Violation:
    """One rule a schema breaks: `policy` names the rule (pii, max_properties, max_depth,
    required_metadata), `action` is warn or block, `path` where in the schema."""

    policy: str
    action: str
    path: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {
            "policy": self.policy,
            "action": self.action,
            "path": self.path,
            "message": self.message,
        }


class RegistrationBlockedError(RegistryError):
    """A registration check refused the schema; `violations` lists every rule it breaks."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations = tuple(violations)
        super().__init__("Registration blocked by policy")


class RegistrationCheck(Protocol):
    """A rule every registration passes through (implemented above the registry)."""

    def check_registration(
        self, subject: str, fmt: SchemaFormat[Any], schema: Any, metadata: JsonObject | None
    ) -> list[Violation]:
        """Warnings about `schema` (parsed by `fmt`) registered under `subject` with
        `metadata`; raises RegistrationBlockedError, listing every violation, to refuse it."""
        ...


@dataclass
class CheckReport:
    """What the checks of one request found: warnings, and the violations of a refusal."""

    warnings: list[Violation] = field(default_factory=list)
    refused: list[Violation] = field(default_factory=list)


_report: ContextVar[CheckReport | None] = ContextVar("registration_checks", default=None)


@contextmanager
def reporting() -> Iterator[CheckReport]:
    """The report of the checks run inside the block; nested blocks share the outer report."""
    current = _report.get()
    if current is not None:
        yield current
        return
    report = CheckReport()
    token = _report.set(report)
    try:
        yield report
    finally:
        _report.reset(token)


def run_checks(
    checks: Sequence[RegistrationCheck],
    subject: str,
    fmt: SchemaFormat[Any],
    schema: Any,
    metadata: JsonObject | None,
) -> list[Violation]:
    """Every check's warnings (reported too); a refusal is reported and raised."""
    report = _report.get()
    try:
        warnings = [w for c in checks for w in c.check_registration(subject, fmt, schema, metadata)]
    except RegistrationBlockedError as blocked:
        if report is not None:
            report.refused.extend(blocked.violations)
        raise
    if report is not None:
        report.warnings.extend(warnings)
    return warnings
