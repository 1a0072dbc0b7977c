"""`--verify`: the source and the target compared id by id, subject by subject, version by
version: schema text (through the identity form, as this registry stores the canonical
spelling), type, references, metadata, ruleSet, the deleted flag, configs and modes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from llm_schema_registry.cli.migration.identity import Identities
from llm_schema_registry.cli.migration.model import (
    DEFAULT_MODE,
    JsonObject,
    Schema,
    Snapshot,
    Version,
    stored_config,
)


@dataclass(frozen=True)
class Difference:
    where: str  # "id 7", "orders-value v2", "config orders-value", "mode (global)"
    what: str  # "missing", "schema", "deleted", ...
    source: Any = None
    target: Any = None

    def as_json(self) -> JsonObject:
        return {
            "where": self.where,
            "what": self.what,
            "source": self.source,
            "target": self.target,
        }

    def __str__(self) -> str:
        return f"{self.where}: {self.what} (source {self.source!r}, target {self.target!r})"


def compare(source: Snapshot, target: Snapshot, *, every_subject: bool) -> list[Difference]:
    """Every difference; `every_subject`: subjects only the target has count too (a full
    import; with `--subjects` only the selected ones are compared)."""
    mine, theirs = Identities(source), Identities(target)
    found: list[Difference] = []
    subjects = set(source.versions) | (set(target.versions) if every_subject else set())
    for subject in sorted(subjects):
        found += _subject(subject, source, target, mine, theirs)
        found += _settings(subject, source, target)
    shown: dict[int, Schema] = {}
    for version in source.every_version():
        shown.setdefault(version.id, version.schema)
    for schema_id in sorted(shown.keys() | source.ids.keys()):
        one = source.ids.get(schema_id) or shown[schema_id]
        found += _id(schema_id, one, target, mine, theirs)
    found += _settings(None, source, target)
    return found


def _subject(
    subject: str, source: Snapshot, target: Snapshot, mine: Identities, theirs: Identities
) -> list[Difference]:
    ours, others = source.versions.get(subject, {}), target.versions.get(subject, {})
    if sorted(ours) != sorted(others):
        return [Difference(subject, "versions", sorted(ours), sorted(others))]
    found: list[Difference] = []
    for number in sorted(ours):
        found += _version(ours[number], others[number], mine, theirs)
    return found


def _version(
    one: Version, other: Version, mine: Identities, theirs: Identities
) -> list[Difference]:
    where = f"{one.subject} v{one.version}"
    found = []
    if one.id != other.id:
        found.append(Difference(where, "id", one.id, other.id))
    if one.deleted != other.deleted:
        found.append(Difference(where, "deleted", one.deleted, other.deleted))
    return found + _content(where, one.schema, other.schema, mine, theirs)


def _id(
    schema_id: int, one: Schema, target: Snapshot, mine: Identities, theirs: Identities
) -> list[Difference]:
    where = f"id {schema_id}"
    other = target.ids.get(schema_id)
    if other is None:
        return [Difference(where, "missing", "present", None)]
    return _content(where, one, other, mine, theirs)


def _content(
    where: str, one: Schema, other: Schema, mine: Identities, theirs: Identities
) -> list[Difference]:
    found = []
    if one.schema_type != other.schema_type:
        found.append(Difference(where, "schemaType", one.schema_type, other.schema_type))
    if one.references != other.references:
        refs = ([r.as_json() for r in one.references], [r.as_json() for r in other.references])
        found.append(Difference(where, "references", *refs))
    if one.metadata != other.metadata:
        found.append(Difference(where, "metadata", one.metadata, other.metadata))
    if one.rule_set != other.rule_set:
        found.append(Difference(where, "ruleSet", one.rule_set, other.rule_set))
    if not found and one.text != other.text and not mine.same(one, other, theirs):
        found.append(Difference(where, "schema", one.text, other.text))
    return found


def _settings(scope: str | None, source: Snapshot, target: Snapshot) -> list[Difference]:
    name = "(global)" if scope is None else scope
    found = []
    config = stored_config(source.configs.get(scope), scope=scope)
    here = stored_config(target.configs.get(scope), scope=scope)
    if config != here:
        found.append(Difference(f"config {name}", "config", config, here))
    mode, mode_here = source.modes.get(scope), target.modes.get(scope)
    if scope is None:
        mode, mode_here = mode or DEFAULT_MODE, mode_here or DEFAULT_MODE
    if mode != mode_here:
        found.append(Difference(f"mode {name}", "mode", mode, mode_here))
    return found
