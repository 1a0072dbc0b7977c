"""Field-by-field changes between two Avro schemas, each judged both ways.

Records are matched field by field (by name, or by an alias naming an old field: a rename),
enums symbol by symbol; arrays and maps compare their items and values; any other change
of type is judged by the format's own reader/writer check. Paths are written `$.a.b`
(`[]` for array items, `{}` for map values); descriptions name record fields `Record.field`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from llm_schema_registry.formats.avro.compatibility import can_read
from llm_schema_registry.formats.avro.model import (
    Array,
    Enum,
    Field,
    Fixed,
    Map,
    Node,
    Record,
    Union,
)
from llm_schema_registry.formats.base import Change


@dataclass(frozen=True)
class _Place:
    """Where the walk is: the path, and how a description names what sits there."""

    path: str
    label: str  # "field Event.count", "items of field Event.tags", "the schema"

    def inside(self, suffix: str, label: str) -> _Place:
        return _Place(f"{self.path}{suffix}", label)


def differences(old: Node, new: Node) -> list[Change]:
    """The changes that turn `old` into `new` (both parsed schema trees)."""
    return list(_walk(old, new, _Place("$", "the schema"), set()))


def _walk(old: Node, new: Node, at: _Place, seen: set[str]) -> Iterator[Change]:
    if isinstance(old, Record) and isinstance(new, Record):
        if old.full_name in seen:
            return  # recursive types: each record is compared once
        seen.add(old.full_name)
        yield from _record(old, new, at, seen)
    elif isinstance(old, Enum) and isinstance(new, Enum):
        yield from _enum(old, new, at)
    elif isinstance(old, Array) and isinstance(new, Array):
        yield from _walk(old.items, new.items, at.inside("[]", f"items of {at.label}"), seen)
    elif isinstance(old, Map) and isinstance(new, Map):
        yield from _walk(old.values, new.values, at.inside("{}", f"values of {at.label}"), seen)
    elif _shape(old) != _shape(new):
        yield Change(
            at.path,
            "TYPE_CHANGED",
            backward=bool(can_read(new, old)),
            forward=bool(can_read(old, new)),
            name=at.path.rsplit(".", 1)[-1],
            description=f"Type of {at.label} changed from {_spelled(old)} to {_spelled(new)}",
        )


def _record(old: Record, new: Record, at: _Place, seen: set[str]) -> Iterator[Change]:
    if (old.doc or "") != (new.doc or ""):
        yield _note(at.path, "DOC_CHANGED", "", f"Documentation of record {new.name} changed")
    before = {f.name: f for f in old.fields}
    after = {f.name: f for f in new.fields}
    renamed = {alias for f in new.fields for alias in f.aliases if alias in before}
    for name, added in after.items():
        if name not in before and not (set(added.aliases) & set(before)):
            default = "with a default" if added.has_default else "without a default"
            yield Change(
                f"{at.path}.{name}",
                "FIELD_ADDED",
                backward=not added.has_default,
                forward=False,
                name=name,
                description=f"Field {new.name}.{name} added {default}",
            )
    for name, removed in before.items():
        if name not in after and name not in renamed:
            yield Change(
                f"{at.path}.{name}",
                "FIELD_REMOVED",
                backward=False,
                forward=not removed.has_default,
                name=name,
                description=f"Field {old.name}.{name} removed",
            )
    for name, now in after.items():
        was = before.get(name) or _renamed_from(now, before)
        if was is None:
            continue
        field = at.inside(f".{name}", f"field {new.name}.{name}")
        if was.name != name:
            # Readers of the new version find the old field by its alias; readers of the old
            # version know no alias, so they need a default for the field they miss.
            description = f"Field {old.name}.{was.name} renamed to {new.name}.{name}"
            yield Change(field.path, "FIELD_RENAMED", False, not was.has_default, name, description)
        if (was.doc or "") != (now.doc or ""):
            yield _note(field.path, "DOC_CHANGED", name, f"Documentation of {field.label} changed")
        if was.default != now.default:
            yield _note(field.path, "DEFAULT_CHANGED", name, f"Default of {field.label} changed")
        yield from _walk(was.type, now.type, field, seen)


def _renamed_from(field: Field, before: dict[str, Field]) -> Field | None:
    """The old field a new one renames (by naming it among its aliases), if any."""
    return next((before[alias] for alias in field.aliases if alias in before), None)


def _enum(old: Enum, new: Enum, at: _Place) -> Iterator[Change]:
    for symbol in new.symbols:
        if symbol not in old.symbols:
            # Old readers meet an unknown symbol: fine only if they have a default symbol.
            yield Change(
                at.path,
                "SYMBOL_ADDED",
                backward=False,
                forward=old.default is None,
                name=symbol,
                description=f"Symbol {symbol} added to enum {new.name} ({at.label})",
            )
    for symbol in old.symbols:
        if symbol not in new.symbols:
            yield Change(
                at.path,
                "SYMBOL_REMOVED",
                backward=new.default is None,
                forward=False,
                name=symbol,
                description=f"Symbol {symbol} removed from enum {new.name} ({at.label})",
            )
    if (old.doc or "") != (new.doc or ""):
        yield _note(at.path, "DOC_CHANGED", "", f"Documentation of enum {new.name} changed")


def _note(path: str, kind: str, name: str, description: str) -> Change:
    """A change no reader notices (documentation, defaults)."""
    return Change(path, kind, backward=False, forward=False, name=name, description=description)


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


def _spelled(node: Node) -> str:
    """A type as a person writes it: `long`, `array<string>`, `[null, Order]`."""
    if isinstance(node, Union):
        return "[" + ", ".join(_spelled(b) for b in node.branches) + "]"
    if isinstance(node, Record | Enum | Fixed):
        return node.name
    if isinstance(node, Array):
        return f"array<{_spelled(node.items)}>"
    if isinstance(node, Map):
        return f"map<{_spelled(node.values)}>"
    logical = node.props.get("logicalType")
    return f"{node.type} ({logical})" if logical else node.type
