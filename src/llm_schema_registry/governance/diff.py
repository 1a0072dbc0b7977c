"""Field-by-field differences between two versions of a schema, for all three formats.

Each change carries whether it breaks new readers of old data (`backward`) and old readers of
new data (`forward`); `judged` turns that into one `breaking` flag under a compatibility mode.
Avro is walked here (records, enums, arrays, maps, type changes judged by the format's own
reader/writer check); JSON Schema and Protobuf reuse their formats' `differences`, run in
both directions.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from llm_schema_registry.compatibility import CompatibilityLevel
from llm_schema_registry.formats.avro.compatibility import can_read
from llm_schema_registry.formats.avro.model import Array, Enum, Fixed, Map, Node, Record, Union
from llm_schema_registry.formats.base import SchemaType

# Changes that only touch documentation: a patch release.
DOC_KINDS = frozenset({"DOC_CHANGED", "DESCRIPTION_CHANGED", "TITLE_CHANGED"})


@dataclass(frozen=True)
class SchemaChange:
    path: str
    kind: str
    backward: bool  # True: a reader of the new version cannot read data of the old one
    forward: bool  # True: a reader of the old version cannot read data of the new one
    name: str = ""  # the field or symbol named, for the migration note

    @property
    def documentation(self) -> bool:
        return self.kind in DOC_KINDS


def differences(schema_type: SchemaType, old: Any, new: Any) -> list[SchemaChange]:
    """The changes that turn `old` (a parsed schema) into `new`."""
    if schema_type is SchemaType.AVRO:
        return list(_avro(old.root, new.root, "$", set()))
    from llm_schema_registry.formats import format_for

    fmt: Any = format_for(schema_type)
    ahead = fmt.differences(old, new)
    behind = {(c.path, c.kind) for c in fmt.differences(new, old) if not c.compatible}
    behind_paths = {path for path, _ in behind}
    return [
        SchemaChange(
            change.path,
            change.kind,
            backward=not change.compatible,
            forward=change.path in behind_paths,
            name=change.path.rsplit("/", 1)[-1],
        )
        for change in ahead
    ]


def _avro(old: Node, new: Node, path: str, seen: set[str]) -> Iterator[SchemaChange]:
    if isinstance(old, Record) and isinstance(new, Record):
        if old.full_name in seen:
            return  # recursive types: each record is compared once
        seen.add(old.full_name)
        yield from _avro_record(old, new, path, seen)
    elif isinstance(old, Enum) and isinstance(new, Enum):
        yield from _avro_enum(old, new, path)
    elif isinstance(old, Array) and isinstance(new, Array):
        yield from _avro(old.items, new.items, f"{path}[]", seen)
    elif isinstance(old, Map) and isinstance(new, Map):
        yield from _avro(old.values, new.values, f"{path}{{}}", seen)
    elif _shape(old) != _shape(new):
        yield SchemaChange(
            path,
            "TYPE_CHANGED",
            backward=bool(can_read(new, old)),
            forward=bool(can_read(old, new)),
            name=path.rsplit(".", 1)[-1],
        )


def _avro_record(old: Record, new: Record, path: str, seen: set[str]) -> Iterator[SchemaChange]:
    if (old.doc or "") != (new.doc or ""):
        yield SchemaChange(path, "DOC_CHANGED", False, False)
    before = {f.name: f for f in old.fields}
    after = {f.name: f for f in new.fields}
    renamed = {alias for f in new.fields for alias in f.aliases if alias in before}
    for name, added in after.items():
        if name not in before and not (set(added.aliases) & set(before)):
            yield SchemaChange(f"{path}.{name}", "FIELD_ADDED", not added.has_default, False, name)
    for name, removed in before.items():
        if name not in after and name not in renamed:
            yield SchemaChange(
                f"{path}.{name}", "FIELD_REMOVED", False, not removed.has_default, name
            )
    for name in before.keys() & after.keys():
        was, now = before[name], after[name]
        where = f"{path}.{name}"
        if (was.doc or "") != (now.doc or ""):
            yield SchemaChange(where, "DOC_CHANGED", False, False, name)
        if was.default != now.default:
            yield SchemaChange(where, "DEFAULT_CHANGED", False, False, name)
        yield from _avro(was.type, now.type, where, seen)


def _avro_enum(old: Enum, new: Enum, path: str) -> Iterator[SchemaChange]:
    for symbol in new.symbols:
        if symbol not in old.symbols:
            # Old readers meet an unknown symbol: fine only if they have a default symbol.
            yield SchemaChange(path, "SYMBOL_ADDED", False, old.default is None, symbol)
    for symbol in old.symbols:
        if symbol not in new.symbols:
            yield SchemaChange(path, "SYMBOL_REMOVED", new.default is None, False, symbol)
    if (old.doc or "") != (new.doc or ""):
        yield SchemaChange(path, "DOC_CHANGED", False, False)


def _shape(node: Node) -> Any:
    """What must match for two nodes to be "the same type" (docs and props aside)."""
    if isinstance(node, Union):
        return ("union", tuple(_shape(b) for b in node.branches))
    if isinstance(node, Fixed):
        return ("fixed", node.full_name, node.size)
    if isinstance(node, Record | Enum):
        return (node.type, node.full_name)
    if isinstance(node, Array):
        return ("array", _shape(node.items))
    if isinstance(node, Map):
        return ("map", _shape(node.values))
    return (node.type, node.props.get("logicalType"))


# ---- judging ---------------------------------------------------------------------------


def is_breaking(change: SchemaChange, level: CompatibilityLevel) -> bool:
    mode = level.value.removesuffix("_TRANSITIVE")
    if mode == "BACKWARD":
        return change.backward
    if mode == "FORWARD":
        return change.forward
    if mode == "FULL":
        return change.backward or change.forward
    return False  # NONE: nothing is breaking by the subject's own rules


def migration_note(change: SchemaChange) -> str:
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


def judged(changes: list[SchemaChange], level: CompatibilityLevel) -> dict[str, Any]:
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
            }
        )
    if any(item["breaking"] for item in listed):
        bump = "major"
    elif any(not change.documentation for change in changes):
        bump = "minor"
    elif changes:
        bump = "patch"
    else:
        bump = "none"
    return {"changes": listed, "semver_bump": bump}
