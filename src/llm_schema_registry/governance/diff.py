"""How a change between two versions is judged: breaking under a compatibility mode, the
migration note it calls for and the semver bump of a whole diff.

The changes themselves come from the format (`SchemaFormat.differences`), each already
judged both ways: `backward` (new readers of old data) and `forward` (old readers of new
data). This module only weighs them against the subject's compatibility level.
"""

from __future__ import annotations

from typing import Any

from llm_schema_registry.compatibility import CompatibilityLevel
from llm_schema_registry.formats import format_for
from llm_schema_registry.formats.base import Change, SchemaType

# Changes that only touch documentation: a patch release.
DOC_KINDS = frozenset({"DOC_CHANGED", "DESCRIPTION_CHANGED", "TITLE_CHANGED"})


def differences(schema_type: SchemaType, old: Any, new: Any) -> list[Change]:
    """The changes that turn `old` (a parsed schema) into `new`."""
    return format_for(schema_type).differences(old, new)


# ---- judging ---------------------------------------------------------------------------


def is_breaking(change: Change, level: CompatibilityLevel) -> bool:
    mode = level.value.removesuffix("_TRANSITIVE")
    if mode == "BACKWARD":
        return change.backward
    if mode == "FORWARD":
        return change.forward
    if mode == "FULL":
        return change.backward or change.forward
    return False  # NONE: nothing is breaking by the subject's own rules


def migration_note(change: Change) -> str:
    name = change.name or change.path
    notes = {
        "FIELD_REMOVED": f"field `{name}` removed: add it back with a default, "
        "or bump the major version",
        "FIELD_ADDED": f"field `{name}` added without a default: give it a default, "
        "or bump the major version",
        "TYPE_CHANGED": f"type of `{name}` changed: keep the old type (add a new field "
        "instead), or bump the major version",
        "SYMBOL_ADDED": f"enum symbol `{name}` added: give the enum a default symbol, "
        "or bump the major version",
        "SYMBOL_REMOVED": f"enum symbol `{name}` removed: keep it (or add an enum default), "
        "or bump the major version",
    }
    if change.kind in notes:
        return notes[change.kind]
    # JSON Schema and Protobuf name their kinds in more detail (Confluent's Difference.Type).
    if "REMOVED" in change.kind and ("PROPERTY" in change.kind or "FIELD" in change.kind):
        return notes["FIELD_REMOVED"]
    if "ADDED" in change.kind and ("PROPERTY" in change.kind or "FIELD" in change.kind):
        return (
            f"field `{name}` added: make it optional (or give it a default), "
            "or bump the major version"
        )
    if "TYPE" in change.kind or "KIND" in change.kind:
        return notes["TYPE_CHANGED"]
    return (
        f"{change.kind.lower().replace('_', ' ')} at `{change.path}`: revert it, "
        "or bump the major version"
    )


def judged(changes: list[Change], level: CompatibilityLevel) -> dict[str, Any]:
    """`{"changes": [...], "semver_bump"}` under `level` (major, minor, patch or none)."""
    listed = []
    for change in changes:
        breaking = is_breaking(change, level)
        listed.append(
            {
                "path": change.path,
                "kind": change.kind,
                "breaking": breaking,
                "migration_note": migration_note(change) if breaking else None,
                "description": change.description,
            }
        )
    if any(item["breaking"] for item in listed):
        bump = "major"
    elif any(change.kind not in DOC_KINDS for change in changes):
        bump = "minor"
    elif changes:
        bump = "patch"
    else:
        bump = "none"
    return {"changes": listed, "semver_bump": bump}
