"""How a change between two versions is judged: breaking each way and under a compatibility
mode, the migration note it calls for and the semver bump of a whole diff.

The changes themselves come from the format (`SchemaFormat.differences`), each already
judged both ways: `backward` (new readers of old data) and `forward` (old readers of new
data), and named for people (`Field Order.count (field 2) removed`). The semver bump follows
the changes alone (a type change is major even under NONE); `breaking` weighs each change
against the subject's compatibility level as well.
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
        "FIELD_RENAMED": f"field `{name}` renamed: readers of the other version look for "
        "the other name; keep the old name (or give the field a default), "
        "or bump the major version",
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
    """`{"changes": [...], "semver_bump"}`: each change with its verdict both ways and under
    `level`; the bump (major, minor, patch or none) from the changes themselves."""
    listed = []
    for change in changes:
        breaks = change.backward or change.forward
        listed.append(
            {
                "path": change.path,
                "kind": change.kind,
                "name": change.name,
                "description": change.description or f"{change.kind} at {change.path}",
                "breaking": is_breaking(change, level),
                "breaking_backward": change.backward,
                "breaking_forward": change.forward,
                "compatibility_level": level.value,
                "migration_note": migration_note(change) if breaks else None,
            }
        )
    return {"changes": listed, "semver_bump": semver_bump(changes)}


def semver_bump(changes: list[Change]) -> str:
    """`major` when a change breaks readers either way, `minor` for other changes, `patch`
    when only documentation changed, `none` for no change: whatever the subject's level."""
    if any(change.backward or change.forward for change in changes):
        return "major"
    if any(change.kind not in DOC_KINDS for change in changes):
        return "minor"
    return "patch" if changes else "none"
