"""JSON text -> validated Avro schema tree, with Java's name resolution rules.

fastavro accepts too much (duplicate fields, bad names, nested unions, negative sizes), so
we build our own tree and reject what Java's `Schema.Parser` (with name and default
validation on, as Confluent runs it) rejects. Messages say what is wrong and where.
"""

from __future__ import annotations

import json
from typing import Final

from llm_schema_registry.formats.avro.checks import (
    default_problem,
    json_kind,
    name_problem,
    namespace_problem,
)
from llm_schema_registry.formats.avro.model import (
    NO_DEFAULT,
    PRIMITIVES,
    Array,
    Enum,
    Field,
    Fixed,
    JsonValue,
    Map,
    NamedNode,
    Node,
    Primitive,
    Record,
    Union,
)
from llm_schema_registry.formats.base import InvalidSchemaError

# Keys with a meaning of their own; every other key is kept as a custom property.
_SCHEMA_KEYS: Final = frozenset(
    {"type", "name", "namespace", "doc", "aliases", "fields", "symbols", "items", "values", "size"}
)
_FIELD_KEYS: Final = frozenset({"name", "type", "doc", "default", "order", "aliases"})
_ORDERS: Final = frozenset({"ascending", "descending", "ignore"})
# Deep enough for any real schema, shallow enough that the recursive writer and checker stay
# far from Python's recursion limit.
MAX_DEPTH: Final = 128


def load_json(text: str) -> JsonValue:
    """Decode schema text, reporting malformed JSON with its line and column."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidSchemaError(
            f"Invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise InvalidSchemaError("Invalid schema: nested too deeply") from None


class SchemaParser:
    """Parses one schema text into `known`, the full-name -> type table shared with references.

    `defined` lists the named types this text defined, in definition order.
    """

    def __init__(self, known: dict[str, NamedNode]) -> None:
        self.known = known
        self.defined: dict[str, NamedNode] = {}
        # Defaults are checked once the whole schema is known: a default may mention a record
        # whose fields are still being parsed (recursive types).
        self._pending_defaults: list[tuple[Record, Field]] = []
        self._depth = 0

    def parse_text(self, text: str) -> Node:
        root = self.parse(load_json(text), None, "the top-level schema")
        for record, field in self._pending_defaults:
            problem = default_problem(field.type, field.default)
            if problem is not None:
                raise InvalidSchemaError(
                    f"Invalid default for field '{field.name}' in record "
                    f"'{record.full_name}': {problem}"
                )
        return root

    def parse(self, value: JsonValue, space: str | None, where: str) -> Node:
        """Parse one schema value; `space` is the enclosing namespace, `where` the context."""
        if self._depth >= MAX_DEPTH:
            raise InvalidSchemaError(f"Invalid schema: nested deeper than {MAX_DEPTH} levels")
        self._depth += 1
        try:
            return self._parse(value, space, where)
        finally:
            self._depth -= 1

    def _parse(self, value: JsonValue, space: str | None, where: str) -> Node:
        if isinstance(value, str):
            return self._lookup(value, space, where)
        if isinstance(value, list):
            return self._union(value, space, where)
        if not isinstance(value, dict):
            raise InvalidSchemaError(
                f"Invalid schema for {where}: expected a type name, a union (array) or an "
                f"object, got {json_kind(value)}"
            )
        kind = value.get("type")
        if kind is None:
            raise InvalidSchemaError(f"Schema object for {where} has no 'type'")
        if not isinstance(kind, str):
            raise InvalidSchemaError(
                f"'type' of the schema object for {where} must be a string, got {json_kind(kind)}"
            )
        if kind in PRIMITIVES:
            return Primitive(kind, _props(value, _SCHEMA_KEYS))
        if kind in ("record", "error"):
            return self._record(value, space, kind == "error")
        if kind == "enum":
            return self._enum(value, space)
        if kind == "fixed":
            return self._fixed(value, space)
        if kind == "array":
            items = self._required(value, "items", f"Array schema for {where} has no 'items'")
            return Array(
                self.parse(items, space, f"the items of {where}"), _props(value, _SCHEMA_KEYS)
            )
        if kind == "map":
            values = self._required(value, "values", f"Map schema for {where} has no 'values'")
            return Map(
                self.parse(values, space, f"the values of {where}"), _props(value, _SCHEMA_KEYS)
            )
        # Java accepts {"type": "SomeNamedType"} as a reference to an already defined type.
        return self._lookup(kind, space, where)

    def _lookup(self, name: str, space: str | None, where: str) -> Node:
        if name in PRIMITIVES:
            return Primitive(name)
        # Java tries the name in the enclosing namespace first, then as written.
        if "." not in name and space:
            found = self.known.get(f"{space}.{name}")
            if found is not None:
                return found
        found = self.known.get(name)
        if found is None:
            raise InvalidSchemaError(f"Unknown type '{name}' in {where}")
        return found

    def _union(self, branches: list[JsonValue], space: str | None, where: str) -> Union:
        nodes: list[Node] = []
        seen: set[str] = set()
        for index, branch in enumerate(branches):
            node = self.parse(branch, space, f"branch {index} of the union in {where}")
            if isinstance(node, Union):
                raise InvalidSchemaError(
                    f"A union directly inside a union is not allowed ({where})"
                )
            # Java keys union branches by full name for named types, by type otherwise.
            key = node.full_name if isinstance(node, Record | Enum | Fixed) else node.type
            if key in seen:
                raise InvalidSchemaError(f"Duplicate type '{key}' in the union of {where}")
            seen.add(key)
            nodes.append(node)
        return Union(tuple(nodes))

    @staticmethod
    def _required(obj: dict[str, JsonValue], key: str, message: str) -> JsonValue:
        if obj.get(key) is None:
            raise InvalidSchemaError(message)
        return obj[key]

    def _name(
        self, obj: dict[str, JsonValue], space: str | None, kind: str
    ) -> tuple[str, str | None]:
        name = obj.get("name")
        if not isinstance(name, str):
            raise InvalidSchemaError(f"A {kind} schema needs a string 'name'")
        if "." in name:
            namespace: str | None = name.rpartition(".")[0]
            name = name.rpartition(".")[2]
        elif "namespace" in obj and obj["namespace"] is not None:
            if not isinstance(obj["namespace"], str):
                raise InvalidSchemaError(f"The namespace of {kind} '{name}' must be a string")
            namespace = obj["namespace"]
        else:
            namespace = space
        namespace = namespace or None
        problem = name_problem(name) or (namespace and namespace_problem(namespace))
        if problem:
            raise InvalidSchemaError(f"Invalid name for {kind} '{name}': {problem}")
        if name in PRIMITIVES:
            raise InvalidSchemaError(f"A {kind} may not be named after a primitive type: '{name}'")
        full = f"{namespace}.{name}" if namespace else name
        if full in self.known:
            raise InvalidSchemaError(f"Can't redefine type '{full}'")
        return name, namespace

    def _register(self, node: NamedNode) -> None:
        self.known[node.full_name] = node
        self.defined[node.full_name] = node

    def _named_common(
        self, obj: dict[str, JsonValue], namespace: str | None, what: str
    ) -> tuple[str | None, tuple[str, ...]]:
        doc = obj.get("doc")
        raw = obj.get("aliases", [])
        if not isinstance(raw, list) or not all(isinstance(a, str) for a in raw):
            raise InvalidSchemaError(f"The aliases of {what} must be a list of strings")
        # Aliases are names in the type's own namespace unless written qualified.
        aliases = tuple(a if "." in a or not namespace else f"{namespace}.{a}" for a in raw)
        return (doc if isinstance(doc, str) else None), tuple(dict.fromkeys(aliases))

    def _record(self, obj: dict[str, JsonValue], space: str | None, is_error: bool) -> Record:
        name, namespace = self._name(obj, space, "record")
        record = Record(name, namespace, is_error=is_error, props=_props(obj, _SCHEMA_KEYS))
        what = f"record '{record.full_name}'"
        record.doc, record.aliases = self._named_common(obj, namespace, what)
        self._register(record)  # before the fields, so they may refer to the record
        raw_fields = obj.get("fields")
        if not isinstance(raw_fields, list):
            raise InvalidSchemaError(f"Record '{record.full_name}' has no 'fields' list")
        seen: set[str] = set()
        for position, raw in enumerate(raw_fields):
            field = self._field(raw, position, namespace, record)
            if field.name in seen:
                raise InvalidSchemaError(f"Duplicate field name '{field.name}' in {what}")
            seen.add(field.name)
            record.fields.append(field)
        return record

    def _field(self, raw: JsonValue, position: int, space: str | None, record: Record) -> Field:
        what = f"record '{record.full_name}'"
        if not isinstance(raw, dict):
            raise InvalidSchemaError(f"Field {position} of {what} is not an object")
        name = raw.get("name")
        if not isinstance(name, str):
            raise InvalidSchemaError(f"Field {position} of {what} has no string 'name'")
        problem = name_problem(name)
        if problem:
            raise InvalidSchemaError(f"Invalid field name in {what}: {problem}")
        if "type" not in raw:
            raise InvalidSchemaError(f"Field '{name}' in {what} has no 'type'")
        node = self.parse(raw["type"], space, f"field '{name}' in {what}")
        order = raw.get("order", "ascending")
        if not isinstance(order, str) or order not in _ORDERS:
            raise InvalidSchemaError(
                f"Invalid order {order!r} for field '{name}' in {what}: "
                "expected ascending, descending or ignore"
            )
        aliases = raw.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise InvalidSchemaError(f"The aliases of field '{name}' in {what} must be strings")
        doc = raw.get("doc")
        field = Field(
            name,
            node,
            position,
            doc=doc if isinstance(doc, str) else None,
            default=raw.get("default", NO_DEFAULT),
            order=order,
            aliases=tuple(dict.fromkeys(aliases)),
            props=_props(raw, _FIELD_KEYS),
        )
        if field.has_default:
            self._pending_defaults.append((record, field))
        return field

    def _enum(self, obj: dict[str, JsonValue], space: str | None) -> Enum:
        name, namespace = self._name(obj, space, "enum")
        enum = Enum(name, namespace, props=_props(obj, _SCHEMA_KEYS | {"default"}))
        what = f"enum '{enum.full_name}'"
        enum.doc, enum.aliases = self._named_common(obj, namespace, what)
        symbols = obj.get("symbols")
        if not isinstance(symbols, list):
            raise InvalidSchemaError(f"Enum '{enum.full_name}' has no 'symbols' list")
        seen: set[str] = set()
        for symbol in symbols:
            if not isinstance(symbol, str):
                raise InvalidSchemaError(f"Enum symbols of {what} must be strings")
            problem = name_problem(symbol)
            if problem:
                raise InvalidSchemaError(f"Invalid symbol in {what}: {problem}")
            if symbol in seen:
                raise InvalidSchemaError(f"Duplicate enum symbol '{symbol}' in {what}")
            seen.add(symbol)
        enum.symbols = tuple(symbols)
        default = obj.get("default")
        if default is not None and (not isinstance(default, str) or default not in seen):
            raise InvalidSchemaError(
                f"The default {json.dumps(default)} of {what} is not one of its symbols"
            )
        enum.default = default
        self._register(enum)
        return enum

    def _fixed(self, obj: dict[str, JsonValue], space: str | None) -> Fixed:
        name, namespace = self._name(obj, space, "fixed")
        fixed = Fixed(name, namespace, props=_props(obj, _SCHEMA_KEYS))
        what = f"fixed '{fixed.full_name}'"
        fixed.doc, fixed.aliases = self._named_common(obj, namespace, what)
        size = obj.get("size")
        if size is None:
            raise InvalidSchemaError(f"Fixed '{fixed.full_name}' has no 'size'")
        if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size < 2**31:
            raise InvalidSchemaError(
                f"Invalid size {json.dumps(size)} for {what}: expected a non-negative integer"
            )
        fixed.size = size
        self._register(fixed)
        return fixed


def _props(obj: dict[str, JsonValue], reserved: frozenset[str]) -> dict[str, JsonValue]:
    return {key: value for key, value in obj.items() if key not in reserved}
