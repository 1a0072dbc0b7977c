"""What an import must write, in which order, and what stops it: the plan, made before any
write from the source's and the target's snapshots.

The plan registers only what the target lacks (a re-run continues where a killed one
stopped, and a completed one plans nothing), dependencies first across subjects, and lists
every conflict: then nothing is written at all.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, field

from llm_schema_registry.cli.migration.identity import (
    ContentKey,
    Identities,
    UnreadableSchemaError,
)
from llm_schema_registry.cli.migration.model import (
    DEFAULT_MODE,
    JsonObject,
    Snapshot,
    Version,
    canonical_json,
    dropped_config_keys,
    stored_config,
)


@dataclass(frozen=True)
class Conflict:
    """Why the import cannot proceed: `kind` (stable, for scripts) and what it concerns."""

    kind: str
    message: str
    ids: tuple[int, ...] = ()
    subject: str | None = None
    version: int | None = None

    def as_json(self) -> JsonObject:
        return {
            "kind": self.kind,
            "message": self.message,
            "ids": list(self.ids),
            "subject": self.subject,
            "version": self.version,
        }


@dataclass
class Plan:
    """The writes, in order: IMPORT mode on `import_subjects`, `register`, `delete`, then
    `configs` (body None: delete it) and `modes` (None: delete it), the global one last."""

    conflicts: list[Conflict] = field(default_factory=list)
    register: list[Version] = field(default_factory=list)
    delete: list[Version] = field(default_factory=list)
    present: int = 0
    import_subjects: list[str] = field(default_factory=list)
    configs: list[tuple[str | None, JsonObject | None]] = field(default_factory=list)
    modes: list[tuple[str | None, str | None]] = field(default_factory=list)
    dropped: dict[str, list[str]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.register or self.delete or self.configs or self.modes)


def conflict(kind: str, message: str, version: Version, *ids: int) -> Conflict:
    return Conflict(kind, message, ids or (version.id,), version.subject, version.version)


def make_plan(source: Snapshot, target: Snapshot) -> Plan:
    """`target` must hold `GET /schemas/ids/{id}` of every source id (`ids`)."""
    plan = Plan()
    mine, theirs = Identities(source), Identities(target)
    ordered, cycles = dependency_order(source)
    plan.conflicts += cycles
    for version in ordered:
        _place(plan, version, target)
    plan.conflicts += _id_conflicts(source, target, mine, theirs, plan.register)
    # Referrers go before what they reference: a referenced version cannot be deleted first.
    plan.delete.reverse()
    plan.import_subjects = sorted({v.subject for v in plan.register + plan.delete})
    plan.configs = _config_changes(source, target, plan)
    plan.modes = _mode_changes(source, target, plan.import_subjects)
    return plan


def dependency_order(source: Snapshot) -> tuple[list[Version], list[Conflict]]:
    """Every version after the versions it references (across subjects), lowest id first
    among those ready; versions on a reference cycle are reported instead."""
    waiting: dict[tuple[str, int], set[tuple[str, int]]] = {}
    referrers: dict[tuple[str, int], list[tuple[str, int]]] = defaultdict(list)
    for version in source.every_version():
        targets = (_target_key(source, r.subject, r.version) for r in version.schema.references)
        needs = {t for t in targets if t is not None and t != version.key}
        waiting[version.key] = needs
        for need in needs:
            referrers[need].append(version.key)
    ready = [_rank(source, k) for k, needs in waiting.items() if not needs]
    heapq.heapify(ready)
    ordered: list[Version] = []
    while ready:
        _, subject, number = heapq.heappop(ready)
        ordered.append(source.versions[subject][number])
        for referrer in referrers[(subject, number)]:
            waiting[referrer].discard((subject, number))
            if not waiting[referrer]:
                heapq.heappush(ready, _rank(source, referrer))
        del waiting[(subject, number)]
    cycles = [
        conflict("reference-cycle", "its references never end", source.versions[s][n])
        for s, n in sorted(waiting)
    ]
    return ordered, cycles


def _target_key(source: Snapshot, subject: str, number: int) -> tuple[str, int] | None:
    versions = source.versions.get(subject, {})
    if number == -1:
        live = [n for n, v in sorted(versions.items()) if not v.deleted]
        return (subject, live[-1]) if live else None
    return (subject, number) if number in versions else None


def _rank(source: Snapshot, key: tuple[str, int]) -> tuple[int, str, int]:
    return (source.versions[key[0]][key[1]].id, key[0], key[1])


def _place(plan: Plan, version: Version, target: Snapshot) -> None:
    """Register, delete, leave, or refuse one source version against what the target holds."""
    here = target.version(*version.key)
    if here is None:
        plan.register.append(version)
        if version.deleted:
            plan.delete.append(version)
        return
    if here.id != version.id:
        message = f"{version.subject} v{version.version} is id {here.id} here"
        plan.conflicts.append(conflict("version-taken", message, version, version.id, here.id))
    elif here.deleted and not version.deleted:
        message = f"{version.label()} is soft-deleted here but live in the source"
        plan.conflicts.append(conflict("deleted-here", message, version))
    elif version.deleted and not here.deleted:
        plan.delete.append(version)
    else:
        plan.present += 1


def _id_conflicts(
    source: Snapshot,
    target: Snapshot,
    mine: Identities,
    theirs: Identities,
    new_versions: list[Version],
) -> list[Conflict]:
    """Ids the target uses for other content, source content the target (or the source
    itself) holds under another id, and source schemas this registry cannot read."""
    found: list[Conflict] = []
    first_of: dict[int, Version] = {}
    for version in source.every_version():
        first_of.setdefault(version.id, version)
    for schema_id, version in sorted(first_of.items()):
        here = target.ids.get(schema_id)
        if here is not None and not mine.same(version.schema, here, theirs):
            message = f"id {schema_id} holds another schema here than {version.label()}"
            found.append(conflict("id-taken", message, version))
    new_ids = {v.id for v in new_versions if v.id not in target.ids}
    owners: dict[ContentKey, int] = {}
    for schema_id in sorted(new_ids):
        version = first_of[schema_id]
        try:
            key = mine.key(version.schema)
        except UnreadableSchemaError as exc:
            found.append(conflict("unreadable", f"{version.label()}: {exc}", version))
            continue
        if (other := owners.setdefault(key, schema_id)) != schema_id:
            message = f"ids {other} and {schema_id} hold the same schema (one id per schema here)"
            found.append(conflict("same-content", message, version, other, schema_id))
    found += _content_here(target, theirs, owners, first_of)
    return found


def _content_here(
    target: Snapshot,
    theirs: Identities,
    owners: dict[ContentKey, int],
    first_of: dict[int, Version],
) -> list[Conflict]:
    """Source content the target already holds under another id. Only target schemas of a
    type and references some new source schema has are parsed."""
    shapes = {(key[0], key[2]) for key in owners}
    found: list[Conflict] = []
    seen: set[int] = set()
    for here in target.every_version():
        if here.id in seen or here.id in first_of:
            continue
        seen.add(here.id)
        schema = here.schema
        shape = (schema.schema_type, canonical_json([r.as_json() for r in schema.references]))
        if shape not in shapes:
            continue
        try:
            key = theirs.key(schema)
        except UnreadableSchemaError:
            continue
        if (schema_id := owners.get(key)) is not None:
            version = first_of[schema_id]
            message = f"{version.label()} is stored here as id {here.id}"
            found.append(conflict("content-here", message, version, schema_id, here.id))
    return found


def _config_changes(
    source: Snapshot, target: Snapshot, plan: Plan
) -> list[tuple[str | None, JsonObject | None]]:
    changes: list[tuple[str | None, JsonObject | None]] = []
    scopes: list[str | None] = [None, *sorted(s for s in source.versions)]
    for scope in scopes:
        body = source.configs.get(scope)
        if body is not None and (dropped := dropped_config_keys(body)):
            plan.dropped[scope or "(global)"] = dropped
        want = stored_config(body, scope=scope)
        have = stored_config(target.configs.get(scope), scope=scope)
        if want == have:
            continue
        if have is not None and want is not None and set(have) - set(want):
            changes.append((scope, None))  # keys the source lacks: start from nothing
        changes.append((scope, want))
    return changes


def _mode_changes(
    source: Snapshot, target: Snapshot, importing: list[str]
) -> list[tuple[str | None, str | None]]:
    changes: list[tuple[str | None, str | None]] = []
    for subject in sorted(source.versions):
        want = source.modes.get(subject)
        have = "IMPORT" if subject in importing else target.modes.get(subject)
        if want != have:
            changes.append((subject, want))
    want_global = source.modes.get(None) or DEFAULT_MODE
    if want_global != (target.modes.get(None) or DEFAULT_MODE):
        changes.append((None, want_global))
    return changes
