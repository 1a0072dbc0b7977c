"""Schema tree -> JSON text, in the forms the registry stores and returns.

`canonical` mirrors Java `Schema.toString()` as Confluent stores it: compact, Java's key
order, every named type written in full once and by name afterwards, a namespace only where it
differs from the enclosing one, and types from references written by name. `normalized`
folds equivalent spellings further (full names everywhere, sorted custom properties).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from llm_schema_registry.formats.avro.checks import logical_type_valid
from llm_schema_registry.formats.avro.model import (
    Array,
    Enum,
    Field,
    Fixed,
    JsonValue,
    Map,
    Node,
    Primitive,
    Record,
    Union,
)

# Logical-type properties lead, in the order Java's LogicalTypes write them; the rest of the
# custom properties are sorted so that input key order never changes the text.
_LEADING_PROPS: Final = ("logicalType", "precision", "scale")


@dataclass
class JsonWriter:
    """Turns a tree into JSON-ready Python values.

    `written` holds the ids of named types already written in full (seeded with referenced
    types when they must stay references). `qualify` writes full names and no namespaces;
    `for_fastavro` also drops logical types Java would ignore, which fastavro rejects.
    """

    qualify: bool = False
    for_fastavro: bool = False
    written: set[int] = field(default_factory=set)

    def value(self, node: Node, space: str | None = None) -> JsonValue:
        """`node` as JSON-ready values; `space` is the enclosing namespace."""
        if isinstance(node, Primitive):
            props = self._props(node, node.props)
            return {"type": node.type, **props} if props else node.type
        if isinstance(node, Union):
            return [self.value(branch, space) for branch in node.branches]
        if isinstance(node, Array):
            return {
                "type": "array",
                "items": self.value(node.items, space),
                **self._props(node, node.props),
            }
        if isinstance(node, Map):
            return {
                "type": "map",
                "values": self.value(node.values, space),
                **self._props(node, node.props),
            }
        if id(node) in self.written:
            if self.qualify or (node.namespace is not None and node.namespace != space):
                return node.full_name
            return node.name
        self.written.add(id(node))
        out: dict[str, JsonValue] = {"type": node.type}
        if isinstance(node, Record) and node.is_error:
            out["type"] = "error"
        if self.qualify:
            out["name"] = node.full_name
        else:
            out["name"] = node.name
            if node.namespace != space:
                # Java writes "" to leave an enclosing namespace for the null namespace.
                out["namespace"] = node.namespace or ""
        if node.doc is not None:
            out["doc"] = node.doc
        if isinstance(node, Record):
            out["fields"] = [self._field(f, node.namespace) for f in node.fields]
        elif isinstance(node, Enum):
            out["symbols"] = list(node.symbols)
            if node.default is not None:
                out["default"] = node.default
        elif isinstance(node, Fixed):
            out["size"] = node.size
        out.update(self._props(node, node.props))
        if node.aliases:
            out["aliases"] = self._aliases(node.aliases, node.namespace)
        return out

    def _field(self, f: Field, space: str | None) -> dict[str, JsonValue]:
        out: dict[str, JsonValue] = {"name": f.name, "type": self.value(f.type, space)}
        if f.doc is not None:
            out["doc"] = f.doc
        if f.has_default:
            out["default"] = f.default
        if f.order != "ascending":
            out["order"] = f.order
        if f.aliases:
            out["aliases"] = sorted(f.aliases) if self.qualify else list(f.aliases)
        out.update(_sorted_props(f.props))
        return out

    def _aliases(self, aliases: Iterable[str], space: str | None) -> list[str]:
        if self.qualify:
            return sorted(aliases)
        # Java writes an alias relative to the type's namespace.
        prefix = f"{space}." if space else None
        return [
            a[len(prefix) :]
            if prefix and a.startswith(prefix) and "." not in a[len(prefix) :]
            else a
            for a in aliases
        ]

    def _props(self, node: Node, props: dict[str, JsonValue]) -> dict[str, JsonValue]:
        if self.for_fastavro and "logicalType" in props and not logical_type_valid(node):
            props = {k: v for k, v in props.items() if k != "logicalType"}
        return _sorted_props(props)


def _sorted_props(props: dict[str, JsonValue]) -> dict[str, JsonValue]:
    if not props:
        return props
    lead = [key for key in _LEADING_PROPS if key in props]
    rest = sorted(key for key in props if key not in _LEADING_PROPS)
    return {key: props[key] for key in (*lead, *rest)}


def dumps(value: JsonValue) -> str:
    """Compact JSON as Java's Jackson writes it (UTF-8, no spaces)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
