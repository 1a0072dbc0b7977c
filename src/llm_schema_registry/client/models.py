"""Typed results of the SDK (frozen dataclasses built from the registry's JSON)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Reference:
    name: str
    subject: str
    version: int


@dataclass(frozen=True)
class RegisteredSchema:
    """A schema as the registry holds it; `subject`/`version` are None when fetched by id."""

    id: int
    schema: str
    schema_type: str = "AVRO"
    subject: str | None = None
    version: int | None = None
    references: tuple[Reference, ...] = ()
    metadata: dict[str, Any] | None = None
    rule_set: dict[str, Any] | None = None
    state: str | None = None

    @classmethod
    def from_json(cls, body: dict[str, Any], schema_id: int | None = None) -> RegisteredSchema:
        return cls(
            id=int(body.get("id", schema_id or 0)),
            schema=str(body["schema"]),
            schema_type=str(body.get("schemaType") or "AVRO"),
            subject=body.get("subject"),
            version=body.get("version"),
            references=tuple(
                Reference(r["name"], r["subject"], int(r["version"]))
                for r in body.get("references") or []
            ),
            metadata=body.get("metadata"),
            rule_set=body.get("ruleSet"),
            state=body.get("state"),
        )

    def as_json(self) -> dict[str, Any]:
        """The registry's JSON spelling (also the bundle's)."""
        found: dict[str, Any] = {
            "id": self.id,
            "schema": self.schema,
            "schemaType": self.schema_type,
            "subject": self.subject,
            "version": self.version,
            "references": [
                {"name": r.name, "subject": r.subject, "version": r.version}
                for r in self.references
            ],
        }
        if self.metadata is not None:
            found["metadata"] = self.metadata
        if self.rule_set is not None:
            found["ruleSet"] = self.rule_set
        if self.state is not None:
            found["state"] = self.state
        return found


@dataclass(frozen=True)
class CompatibilityResult:
    """`samples`: with `samples=True`, the subject's stored samples replayed against the
    schema: `{"checked", "rejected", "examples": [first five, each with its errors]}`."""

    is_compatible: bool
    messages: list[str] = field(default_factory=list)
    samples: dict[str, Any] | None = None


@dataclass(frozen=True)
class Problem:
    path: str
    message: str


@dataclass(frozen=True)
class RuleWarning:
    rule: str
    message: str


@dataclass(frozen=True)
class ValidationOutcome:
    """One record's result; `repair_prompt`/`extracted` are set for LLM output checks."""

    valid: bool
    errors: list[Problem] = field(default_factory=list)
    warnings: list[RuleWarning] = field(default_factory=list)
    extracted: Any = None
    notes: list[str] = field(default_factory=list)
    repair_prompt: str | None = None

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> ValidationOutcome:
        return cls(
            valid=bool(body["valid"]),
            errors=[Problem(e["path"], e["message"]) for e in body.get("errors") or []],
            warnings=[RuleWarning(w["rule"], w["message"]) for w in body.get("warnings") or []],
            extracted=body.get("extracted"),
            notes=list(body.get("notes") or []),
            repair_prompt=body.get("repair_prompt"),
        )


@dataclass(frozen=True)
class ExportResult:
    """A provider payload, the strictness findings left and the fixes applied."""

    payload: dict[str, Any]
    findings: list[dict[str, str]]
    fixes: list[dict[str, str]]


@dataclass(frozen=True)
class RenderedPrompt:
    """A prompt template rendered by the registry: the chat messages to send, the model
    settings, and the output schema (JSON Schema, or a provider's payload when rendered for
    a `target`, with what that provider would refuse in `output_findings`)."""

    subject: str
    version: int
    messages: list[dict[str, str]]
    model: dict[str, Any] = field(default_factory=dict)
    output_schema: dict[str, Any] | None = None
    output_findings: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> RenderedPrompt:
        return cls(
            subject=str(body["subject"]),
            version=int(body["version"]),
            messages=[dict(message) for message in body["messages"]],
            model=dict(body.get("model") or {}),
            output_schema=body.get("output_schema"),
            output_findings=list(body.get("output_findings") or []),
        )


@dataclass(frozen=True)
class CacheStats:
    hits: int
    misses: int

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0
