"""Which fields of `message` a compiled CEL expression reads, from its checked syntax tree.

Handing a record to CEL converts every value of it, read or not: for a 20-field record
that is two thirds of a rule's cost. When the expression only ever selects fields of
`message` by name (`message.total`, `has(message.total)`), a record holding only those
fields evaluates to the same result and the same error, so rules hand CEL just those.

`Expression.serialize()` gives the checked tree (a `cel.expr.CheckedExpr` inside a
`google.protobuf.Any`; the cel-spec message classes are not installed). protobuf reads it
field by field as unknown fields, numbered as cel-spec's `syntax.proto` and `checked.proto`
number them; anything not known here (an
expression kind added later, a field reached otherwise) answers None: the whole record.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from google.protobuf import empty_pb2
from google.protobuf.message import DecodeError
from google.protobuf.unknown_fields import UnknownFieldSet

_VARIABLE = "message"
_INT_LOW, _UINT_HIGH = -(2**63), 2**64 - 1  # what CEL converts: int64, and uint64
_DEPTH = 32
_LEN, _VARINT = 2, 0

# Expr (syntax.proto): id = 2, then one of const 3, ident 4, select 5, call 6, list 7,
# struct 8, comprehension 9. Where each holds sub-expressions:
_CALL_EXPRS = (1, 3)  # Call: target, args (function = 2)
_LIST_EXPRS = (1,)  # CreateList: elements (optional_indices = 2)
_STRUCT_ENTRIES = 2  # CreateStruct: entries (message_name = 1)
_ENTRY_EXPRS = (3, 4)  # Entry: map_key, value (id 1, field_key 2, optional_entry 5)
_COMPREHENSION_EXPRS = (2, 4, 5, 6, 7)  # iter_range, accu_init, condition, step, result
_COMPREHENSION_VARS = (1, 3, 8)  # iter_var, accu_var, iter_var2


class _Unknown(Exception):
    """The tree holds something this reader does not know, or `message` used whole."""


def fields_read(serialized: bytes) -> frozenset[str] | None:
    """The fields of `message` an expression reads, or None when it may read more (uses
    `message` otherwise than by selecting a field by name, or is not understood)."""
    try:
        any_value = _one(serialized, 2)
        checked = _one(any_value, 4)  # CheckedExpr.expr
        found: set[str] = set()
        _expr(checked, found)
    except (_Unknown, IndexError, UnicodeDecodeError):
        return None
    return frozenset(found)


def _fields(data: bytes) -> Iterator[tuple[int, int, bytes]]:
    """(number, wire type, payload) of each field, read by protobuf itself (as unknown fields
    of an empty message); varints and fixed-width numbers give an empty payload."""
    holder = empty_pb2.Empty()
    try:
        holder.ParseFromString(data)
    except DecodeError:
        raise _Unknown from None
    for field in UnknownFieldSet(holder):
        payload = field.data if field.wire_type == _LEN else b""
        if field.wire_type not in (_LEN, _VARINT, 1, 5):  # groups: not in these messages
            raise _Unknown
        yield field.field_number, field.wire_type, payload


def _one(data: bytes, number: int) -> bytes:
    for found, wire, payload in _fields(data):
        if found == number and wire == _LEN:
            return payload
    raise _Unknown


def _all(data: bytes, numbers: tuple[int, ...]) -> Iterator[bytes]:
    return (p for n, wire, p in _fields(data) if n in numbers and wire == _LEN)


def _ident(expr: bytes) -> str | None:
    """The name, if `expr` is an identifier."""
    for number, _, payload in _fields(expr):
        if number == 4:
            return _one(payload, 1).decode()
    return None


def _expr(expr: bytes, found: set[str]) -> None:
    for number, _wire, payload in _fields(expr):
        if number in (2, 3):
            continue  # the id; a constant
        if number == 4:
            if _one(payload, 1).decode().lstrip(".").split(".")[0] == _VARIABLE:
                raise _Unknown  # `message` whole (a comprehension's, an index, a call)
        elif number == 5:
            _select(payload, found)
        elif number == 6:
            for inner in _all(payload, _CALL_EXPRS):
                _expr(inner, found)
        elif number == 7:
            for inner in _all(payload, _LIST_EXPRS):
                _expr(inner, found)
        elif number == 8:
            for entry in _all(payload, (_STRUCT_ENTRIES,)):
                for inner in _all(entry, _ENTRY_EXPRS):
                    _expr(inner, found)
        elif number == 9:
            if any(v.decode() == _VARIABLE for v in _all(payload, _COMPREHENSION_VARS)):
                raise _Unknown  # `message` bound to something else inside
            for inner in _all(payload, _COMPREHENSION_EXPRS):
                _expr(inner, found)
        else:
            raise _Unknown


def _select(select: bytes, found: set[str]) -> None:
    """Select: operand = 1, field = 2, test_only = 3 (`has()`)."""
    operand = _one(select, 1)
    if _ident(operand) in (_VARIABLE, "." + _VARIABLE):
        found.add(_one(select, 2).decode())
    else:
        _expr(operand, found)


def only(record: Any, reads: frozenset[str] | None) -> Any:
    """`record` with only the fields in `reads` (None: all), kept in the record's order (CEL
    converts in that order, so the first value it cannot convert stays the same); the whole
    record if a field left out holds anything CEL might fail to convert."""
    if reads is None or type(record) is not dict:
        return record
    kept = {}
    # Inline tests for the common kinds: a call per field would cost what leaving it out saves.
    for key, value in record.items():
        if key in reads:
            kept[key] = value
            continue
        if type(key) is not str or not (key.isascii() or _text(key)):
            return record
        kind = type(value)
        if kind is str:
            if not value.isascii() and not _text(value):
                return record
        elif kind is int:
            if not _INT_LOW <= value <= _UINT_HIGH:
                return record
        elif not (value is None or kind is bool or kind is float or _plain(value, _DEPTH)):
            return record
    return kept


def _text(value: str) -> bool:
    if value.isascii():
        return True
    try:
        value.encode()
    except UnicodeEncodeError:  # a lone surrogate: CEL raises converting it
        return False
    return True


def _plain(value: Any, depth: int) -> bool:
    """Whether CEL surely converts `value` (JSON's kinds, within its ranges)."""
    kind = type(value)
    if kind is str:
        return _text(value)
    if kind is int:
        return bool(_INT_LOW <= value <= _UINT_HIGH)
    if value is None or kind is bool or kind is float:
        return True
    if depth == 0:
        return False
    if kind is list:
        return all(_plain(item, depth - 1) for item in value)
    if kind is dict:
        return all(type(k) is str and _text(k) and _plain(v, depth - 1) for k, v in value.items())
    return False
