"""Samples: real records kept per subject, replayed against a proposed version.

Two sets per subject, one table (`SampleStore`, implemented in `storage/samples_sql.py`):

- recent: a bounded reservoir of the newest records that passed `/validate`, switched on by
  `"sampleRecords": N` in the subject's (or the global) config; the oldest go first.
- curated: records a team uploads (`POST /subjects/{s}/samples`, e.g. an evaluation set of
  LLM outputs); with `"samplesGate": true` a registration rejecting any of them is refused.

Fields the schema's metadata tags PII (Confluent's `metadata.tags`: a field path, with `*`
for one level and `**` for any number, mapped to its tags) are removed before a record is
stored, from both sets: the registry never keeps them. Replaying is the format's own data
validator (`SchemaFormat.validator`), so every schema type works the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from llm_schema_registry.formats.base import DataValidator
from llm_schema_registry.registry.errors import RegistryError
from llm_schema_registry.registry.model import JsonObject

SAMPLE_RECORDS_KEY = "sampleRecords"  # config: how many recent validated records to keep
SAMPLES_GATE_KEY = "samplesGate"  # config: refuse registrations rejecting a curated sample
MAX_SAMPLE_RECORDS = 100_000  # the largest reservoir a config may ask for
EXAMPLES = 5  # rejected samples shown in a report
PII_TAG = "PII"


class SampleKind(StrEnum):
    RECENT = "recent"
    CURATED = "curated"


@dataclass(frozen=True, slots=True)
class Sample:
    """One stored record (PII-tagged fields already removed)."""

    id: int
    subject: str
    kind: SampleKind
    record: Any
    created_ms: int

    def as_json(self) -> JsonObject:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "record": self.record,
            "created_ms": self.created_ms,
        }


@dataclass(frozen=True, slots=True)
class SampleReport:
    """What replaying samples against a proposed version found: `examples` are the first
    rejected samples (at most five), each with its errors."""

    checked: int
    rejected: int
    examples: tuple[JsonObject, ...] = ()

    def as_json(self) -> JsonObject:
        return {"checked": self.checked, "rejected": self.rejected, "examples": list(self.examples)}


class SampleStore(Protocol):
    """Samples of every subject, shared by every node (the registry's database)."""

    async def add_samples(
        self, subject: str, kind: SampleKind, records: Sequence[Any], created_ms: int, keep: int
    ) -> list[int]:
        """Store `records` (JSON values) and return their ids; then, for `keep` > 0, delete
        all but the newest `keep` samples of this kind. One transaction."""
        ...

    async def samples(self, subject: str, kinds: Iterable[SampleKind]) -> list[Sample]:
        """The samples of these kinds, oldest first."""
        ...

    async def count_samples(self, subject: str) -> dict[SampleKind, int]: ...

    async def delete_samples(
        self, subject: str, kind: SampleKind, ids: Sequence[int] | None
    ) -> int:
        """Delete the samples of `kind` (only `ids`, if given); returns how many."""
        ...

    async def close(self) -> None: ...


class InvalidSamplesRequestError(RegistryError):
    """A samples upload that is not a non-empty list of records, or too large."""


class SamplesRejectedError(RegistryError):
    """`samplesGate`: the proposed version rejects curated samples (the report lists them)."""

    def __init__(self, subject: str, report: SampleReport) -> None:
        self.report = report
        super().__init__(
            f"Schema refused by samplesGate of subject '{subject}': it rejects "
            f"{report.rejected} of {report.checked} curated samples"
        )


def replay(validator: DataValidator, samples: Sequence[Sample]) -> SampleReport:
    """Check every sample with the proposed version's validator."""
    rejected = 0
    examples: list[JsonObject] = []
    for sample in samples:
        errors = validator.errors(sample.record)
        if not errors:
            continue
        rejected += 1
        if len(examples) < EXAMPLES:
            found = [{"path": error.path, "message": error.message} for error in errors]
            examples.append({**sample.as_json(), "errors": found})
    return SampleReport(len(samples), rejected, tuple(examples))


# ---- PII: tagged field paths, removed before anything is stored ---------------------------

Pattern = tuple[str, ...]


def pii_patterns(metadata: JsonObject | None) -> list[Pattern]:
    """The field paths `metadata.tags` tags PII (`$.a.b`, `a.b`, `**.ssn`, `a.*.c`)."""
    tags = (metadata or {}).get("tags")
    if not isinstance(tags, Mapping):
        return []
    found: list[Pattern] = []
    for path, names in tags.items():
        if not isinstance(names, list | tuple | set):
            continue
        if any(isinstance(name, str) and name.upper() == PII_TAG for name in names):
            parts = tuple(part for part in str(path).split(".") if part)
            found.append(parts[1:] if parts and parts[0] == "$" else parts)
    return found


def matches(pattern: Pattern, path: Pattern) -> bool:
    """Confluent's wildcards: `*` is one level, `**` any number (none included)."""
    if not pattern:
        return not path
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(matches(rest, path[i:]) for i in range(len(path) + 1))
    return bool(path) and head in ("*", path[0]) and matches(rest, path[1:])


def redact(record: Any, patterns: Sequence[Pattern], path: Pattern = ()) -> Any:
    """`record` without the object members at tagged paths (list items are looked into:
    their path is their list's)."""
    if not patterns:
        return record
    if isinstance(record, dict):
        kept = {}
        for key, value in record.items():
            inner = (*path, str(key))
            if not any(matches(pattern, inner) for pattern in patterns):
                kept[key] = redact(value, patterns, inner)
        return kept
    if isinstance(record, list):
        return [redact(item, patterns, path) for item in record]
    return record
