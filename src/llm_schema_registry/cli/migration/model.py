"""What a registry holds, as the importer sees it: Confluent's model, nothing of ours.

A `Snapshot` is read from a live registry's REST API (`source`) or replayed from a `_schemas`
dump (`dump`); the target is read the same way, so planning and verifying compare two
snapshots. A snapshot holds one context (Confluent's schema contexts): subjects of a named
context are qualified (`:.team-a:orders-value`), its ids are that context's.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from llm_schema_registry.registry.config import config_update
from llm_schema_registry.registry.errors import RegistryError

JsonObject = dict[str, Any]

DEFAULT_CONTEXT = "."
DEFAULT_LEVEL = "BACKWARD"
DEFAULT_MODE = "READWRITE"


@dataclass(frozen=True)
class Ref:
    """Confluent's reference: `name` as the schema uses it, the subject version it names."""

    name: str
    subject: str
    version: int

    def as_json(self) -> JsonObject:
        return {"name": self.name, "subject": self.subject, "version": self.version}


@dataclass(frozen=True)
class Schema:
    """Schema content as Confluent serves it (`GET /schemas/ids/{id}`, a version's body)."""

    text: str
    schema_type: str = "AVRO"
    references: tuple[Ref, ...] = ()
    metadata: JsonObject | None = None
    rule_set: JsonObject | None = None

    @classmethod
    def from_json(cls, body: JsonObject) -> Schema:
        refs = tuple(
            Ref(str(r["name"]), str(r["subject"]), int(r["version"]))
            for r in body.get("references") or ()
        )
        return cls(
            text=str(body["schema"]),
            schema_type=str(body.get("schemaType") or "AVRO").upper(),
            references=refs,
            metadata=body.get("metadata") or None,
            rule_set=body.get("ruleSet") or None,
        )

    def as_json(self) -> JsonObject:
        """The fields a registration sends (Confluent's names; empty parts left out)."""
        body: JsonObject = {"schema": self.text, "schemaType": self.schema_type}
        if self.references:
            body["references"] = [ref.as_json() for ref in self.references]
        if self.metadata is not None:
            body["metadata"] = self.metadata
        if self.rule_set is not None:
            body["ruleSet"] = self.rule_set
        return body


@dataclass(frozen=True)
class Version:
    """One subject version: its number, the id it shows, its content, soft-deleted or not."""

    subject: str
    version: int
    id: int
    schema: Schema
    deleted: bool = False
    context: str = DEFAULT_CONTEXT

    @property
    def key(self) -> tuple[str, int]:
        return (self.subject, self.version)

    def label(self) -> str:
        return f"{self.subject} v{self.version} (id {self.id})"


@dataclass
class Snapshot:
    """A registry's subjects, versions, schema ids, configs and modes.

    `configs` and `modes` hold what is set, by scope: a subject, or None for the registry-wide
    value. `ids` holds `GET /schemas/ids/{id}` bodies, read when a comparison needs them.
    """

    versions: dict[str, dict[int, Version]] = field(default_factory=dict)
    ids: dict[int, Schema] = field(default_factory=dict)
    configs: dict[str | None, JsonObject] = field(default_factory=dict)
    modes: dict[str | None, str] = field(default_factory=dict)
    # Records a dump held that the replay does not apply (their key types), for the summary.
    skipped: dict[str, int] = field(default_factory=dict)

    def every_version(self) -> Iterator[Version]:
        for subject in sorted(self.versions):
            numbers = self.versions[subject]
            yield from (numbers[n] for n in sorted(numbers))

    def version(self, subject: str, number: int) -> Version | None:
        return self.versions.get(subject, {}).get(number)

    def add(self, version: Version) -> None:
        self.versions.setdefault(version.subject, {})[version.version] = version

    def schema_ids(self) -> set[int]:
        return {v.id for v in self.every_version()}

    @staticmethod
    def matching(subjects: list[str], pattern: str) -> list[str]:
        return [s for s in subjects if fnmatch.fnmatchcase(s, pattern)]

    def selected(self, pattern: str | None) -> Snapshot:
        """The subjects matching the glob, plus every subject their references lead to."""
        if pattern is None:
            return self
        wanted = set(self.matching(list(self.versions), pattern))
        queue = list(wanted)
        while queue:
            for version in self.versions.get(queue.pop(), {}).values():
                for ref in version.schema.references:
                    if ref.subject not in wanted:
                        wanted.add(ref.subject)
                        queue.append(ref.subject)
        scopes = wanted | {None}
        return Snapshot(
            versions={s: v for s, v in self.versions.items() if s in wanted},
            ids=dict(self.ids),
            configs={s: c for s, c in self.configs.items() if s in scopes},
            modes={s: m for s, m in self.modes.items() if s in scopes},
            skipped=dict(self.skipped),
        )


class Tracker(Protocol):
    """Progress of a long step: `stage` starts one (total None: unknown), `step` advances."""

    def stage(self, name: str, total: int | None) -> None: ...

    def step(self, count: int = 1) -> None: ...


class Silent:
    """A tracker that shows nothing (`--output json`, tests)."""

    def stage(self, name: str, total: int | None) -> None:
        return None

    def step(self, count: int = 1) -> None:
        return None


def stored_config(body: JsonObject | None, *, scope: str | None) -> JsonObject | None:
    """A config as this registry stores it: the keys it knows, the level under
    `compatibilityLevel`; the registry-wide config with its default level filled in.
    Configs compare equal when these do."""
    if body is None:
        return {"compatibilityLevel": DEFAULT_LEVEL} if scope is None else None
    try:
        found = config_update(body)
    except RegistryError:
        found = {k: v for k, v in body.items() if k in ("compatibilityLevel", "normalize")}
    if scope is None:
        found = {"compatibilityLevel": DEFAULT_LEVEL, **found}
    return found


def dropped_config_keys(body: JsonObject) -> list[str]:
    """Config keys a source sets that this registry does not keep (reported, not imported)."""
    try:
        kept = set(config_update(body)) | {"compatibility", "compatibilityLevel"}
    except RegistryError:
        return []
    return sorted(k for k, v in body.items() if v is not None and k not in kept)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))
