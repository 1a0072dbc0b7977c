"""Structural rules fastavro does not enforce: names, defaults and logical types.

Each function answers with a problem description (or None) so the parser can put it in
context ("... for field 'age' in record 'User': ...").
"""

from __future__ import annotations

import math
import re
from typing import Final

from llm_schema_registry.formats.avro.model import (
    Array,
    Enum,
    Fixed,
    JsonValue,
    Map,
    Node,
    Primitive,
    Record,
    Union,
)

_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INT_RANGE: Final = (-(2**31), 2**31 - 1)
_LONG_RANGE: Final = (-(2**63), 2**63 - 1)


def name_problem(name: str) -> str | None:
    """Why `name` is not a valid Avro simple name (spec: [A-Za-z_][A-Za-z0-9_]*)."""
    if _NAME.fullmatch(name) is None:
        return (
            f"'{name}' is not a valid Avro name (letters, digits and _, not starting with a digit)"
        )
    return None


def namespace_problem(namespace: str) -> str | None:
    """Why `namespace` is not a dot-separated sequence of valid names."""
    if any(_NAME.fullmatch(part) is None for part in namespace.split(".")):
        return f"'{namespace}' is not a valid Avro namespace (dot-separated names)"
    return None


def json_kind(value: JsonValue) -> str:
    """The JSON type of a decoded value, as people call it in error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _integral_in(value: JsonValue, bounds: tuple[int, int]) -> bool:
    return (
        isinstance(value, int) and not isinstance(value, bool) and bounds[0] <= value <= bounds[1]
    )


def _primitive_ok(kind: str, value: JsonValue) -> bool:
    if kind == "null":
        return value is None
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "int":
        return _integral_in(value, _INT_RANGE)
    if kind == "long":
        return _integral_in(value, _LONG_RANGE)
    if kind in ("float", "double"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    # bytes and string defaults are both JSON strings (bytes as ISO-8859-1 code points).
    return isinstance(value, str)


def default_problem(node: Node, value: JsonValue) -> str | None:
    """Why `value` is not a valid default for `node`, following Java `Schema.isValidDefault`.

    A union's default must match its FIRST branch; a record default must give every field
    without its own default.
    """
    if isinstance(node, Union):
        if not node.branches:
            return "a union without branches cannot have a default"
        problem = default_problem(node.branches[0], value)
        return problem and f"{problem} (a union's default must match its first branch)"
    expected = node.type
    if isinstance(node, Primitive):
        ok = _primitive_ok(node.type, value)
    elif isinstance(node, Enum | Fixed):
        expected, ok = f"{node.type} {node.full_name} (a string)", isinstance(value, str)
    elif isinstance(node, Array):
        if not isinstance(value, list):
            return f"expected array, got {json_kind(value)}"
        return next(filter(None, (default_problem(node.items, item) for item in value)), None)
    elif isinstance(node, Map):
        if not isinstance(value, dict):
            return f"expected map (an object), got {json_kind(value)}"
        return next(filter(None, (default_problem(node.values, v) for v in value.values())), None)
    else:
        return _record_default_problem(node, value)
    if ok:
        return None
    if node.type in ("int", "long") and json_kind(value) == "integer":
        return f"expected {expected}, got {value}, which is out of range"
    return f"expected {expected}, got {json_kind(value)}"


def _record_default_problem(record: Record, value: JsonValue) -> str | None:
    if not isinstance(value, dict):
        return f"expected record {record.full_name} (an object), got {json_kind(value)}"
    for field in record.fields:
        if field.name in value:
            problem = default_problem(field.type, value[field.name])
            if problem is not None:
                return f"field '{field.name}': {problem}"
        elif not field.has_default:
            return f"missing field '{field.name}' of record {record.full_name}"
    return None


def logical_type_valid(node: Node) -> bool:
    """Whether `node`'s logicalType is one Java would apply.

    Java (`LogicalTypes.fromSchemaIgnoreInvalid`) ignores an invalid logical type: the schema
    stays valid and is read as its underlying type. Unknown logical types are plain properties.
    """
    props = node.props if not isinstance(node, Union) else {}
    logical = props.get("logicalType")
    if logical == "decimal":
        return _decimal_valid(node, props.get("precision"), props.get("scale", 0))
    underlying = (
        {
            "date": "int",
            "time-millis": "int",
            "time-micros": "long",
            "timestamp-millis": "long",
            "timestamp-micros": "long",
            "timestamp-nanos": "long",
            "local-timestamp-millis": "long",
            "local-timestamp-micros": "long",
            "local-timestamp-nanos": "long",
        }.get(logical)
        if isinstance(logical, str)
        else None
    )
    if underlying is not None:
        return node.type == underlying
    if logical == "uuid":
        return node.type == "string" or (isinstance(node, Fixed) and node.size == 16)
    if logical == "duration":
        return isinstance(node, Fixed) and node.size == 12
    return True


def _decimal_valid(node: Node, precision: JsonValue, scale: JsonValue) -> bool:
    if not _integral_in(precision, _INT_RANGE) or precision <= 0:
        return False
    if not _integral_in(scale, _INT_RANGE) or scale < 0 or scale > precision:
        return False
    if isinstance(node, Fixed):
        # The largest number of decimal digits a signed two's-complement of `size` bytes holds.
        max_digits = math.floor(math.log10(2 ** (8 * node.size - 1) - 1)) if node.size else 0
        return bool(precision <= max_digits)
    return node.type == "bytes"
