"""Registration checks: rules a parsed schema must pass before it is registered.

The registry owns the hook (`RegistrationCheck`); services above it implement it (security's
registration policies: PII-like names, size, required metadata). `RegistryService` runs every
check on the parsed schema inside the registration, before anything is looked up or stored,
so no check needs a parser of its own. A check answers warnings, or refuses the schema by
raising `RegistrationBlockedError`.

A `ConfiguredCheck` is one a subject's config switches on under a key of its own (LLM provider
profiles: `llmProfiles`): the registry accepts the key when the config is set if the check
finds nothing wrong with the value, runs it on every registration under that config (refusing
with `ConfiguredCheckError`) and reports its findings as incompatibilities in compatibility
checks.

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
    """One rule a schema breaks: `policy` names the policy (pii, max_properties, max_depth,
    required_metadata) or configured profile (openai-strict@2026-02), `action` is warn or
    block, `path` where in the schema, `rule` the profile's rule (max-depth) if any."""

    policy: str
    action: str
    path: str
    message: str
    rule: str = ""

    def as_json(self) -> dict[str, str]:
        found = {
            "policy": self.policy,
            "action": self.action,
            "path": self.path,
            "message": self.message,
        }
        return {**found, "rule": self.rule} if self.rule else found


class RegistrationBlockedError(RegistryError):
    """A registration check refused the schema; `violations` lists every rule it breaks."""

    def __init__(
        self, violations: Sequence[Violation], message: str = "Registration blocked by policy"
    ) -> None:
        self.violations = tuple(violations)
        super().__init__(message)


class ConfiguredCheckError(RegistrationBlockedError):
    """A check the subject's config switched on refused the schema (each finding listed)."""

    def __init__(self, subject: str, keys: Sequence[str], violations: Sequence[Violation]) -> None:
        shown = "; ".join(f"{v.policy} {v.rule} at {v.path}: {v.message}" for v in violations[:5])
        more = f"; and {len(violations) - 5} more" if len(violations) > 5 else ""
        configured = " and ".join(keys)
        super().__init__(
            violations, f"Schema refused by {configured} of subject '{subject}': {shown}{more}"
        )


class RegistrationCheck(Protocol):
    """A rule every registration passes through (implemented above the registry)."""

    def check_registration(
        self, subject: str, fmt: SchemaFormat[Any], schema: Any, metadata: JsonObject | None
    ) -> list[Violation]:
        """Warnings about `schema` (parsed by `fmt`) registered under `subject` with
        `metadata`; raises RegistrationBlockedError, listing every violation, to refuse it."""
        ...


class RegistrationGate(Protocol):
    """An asynchronous last word on a registration, under the subject's effective `config`,
    once the schema is known compatible and before it is stored (the samples gate: it
    reads stored records). Refuses by raising a `RegistryError`."""

    async def check_gate(
        self, subject: str, config: JsonObject, fmt: SchemaFormat[Any], schema: Any
    ) -> None: ...


class ConfiguredFinding(Protocol):
    """One rule of a configured check that a schema breaks."""

    @property
    def policy(self) -> str: ...  # which of the configured values (a profile name)

    @property
    def rule(self) -> str: ...

    @property
    def path(self) -> str: ...

    @property
    def message(self) -> str: ...


class ConfiguredCheck(Protocol):
    """A check a subject's config switches on under `key` (implemented above the registry)."""

    @property
    def key(self) -> str: ...

    def config_errors(self, value: Any) -> list[str]:
        """Why `value` cannot be stored under `key` (empty: it can)."""
        ...

    def findings(
        self, fmt: SchemaFormat[Any], schema: Any, value: Any
    ) -> Sequence[ConfiguredFinding]:
        """What `schema` (parsed by `fmt`) breaks under the configured `value`."""
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


def configured_violations(
    checks: Sequence[ConfiguredCheck], config: JsonObject, fmt: SchemaFormat[Any], schema: Any
) -> dict[str, list[Violation]]:
    """The findings of each check `config` switches on, as blocking violations, by key."""
    found: dict[str, list[Violation]] = {}
    for check in checks:
        if not config.get(check.key):
            continue
        violations = [
            Violation(finding.policy, "block", finding.path, finding.message, finding.rule)
            for finding in check.findings(fmt, schema, config[check.key])
        ]
        if violations:
            found[check.key] = violations
    return found


def run_configured(
    checks: Sequence[ConfiguredCheck],
    subject: str,
    config: JsonObject,
    fmt: SchemaFormat[Any],
    schema: Any,
) -> None:
    """Refuse (reported and raised) a schema the checks `config` switches on find fault with."""
    by_key = configured_violations(checks, config, fmt, schema)
    if not by_key:
        return
    found = [violation for violations in by_key.values() for violation in violations]
    report = _report.get()
    if report is not None:
        report.refused.extend(found)
    raise ConfiguredCheckError(subject, list(by_key), found)
