"""A quick proof that a JSON record parses as a message, before `json_format` is asked.

`json_format.ParseDict` builds a message object, field by field, for every record: most of
what validating a batch of Protobuf records costs. Records of a batch are mostly valid and
plain (scalars, nested messages, lists), so this checker, compiled once per message type,
accepts those on its own. It answers True only when ParseDict would accept the record, and
None ("not sure") for everything else: any error, null, 64-bit integers as strings, bytes,
open enum numbers, maps, well-known types. Those go to ParseDict as before, which alone
words errors, so what callers see does not change.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor

Check = Callable[[Any], bool]
_Fields = dict[str, tuple[int, Check]]  # by name and JSON name: (slot, check)

_INT_RANGES = {
    FieldDescriptor.TYPE_INT32: (-(2**31), 2**31 - 1),
    FieldDescriptor.TYPE_SINT32: (-(2**31), 2**31 - 1),
    FieldDescriptor.TYPE_SFIXED32: (-(2**31), 2**31 - 1),
    FieldDescriptor.TYPE_UINT32: (0, 2**32 - 1),
    FieldDescriptor.TYPE_FIXED32: (0, 2**32 - 1),
    FieldDescriptor.TYPE_INT64: (-(2**63), 2**63 - 1),
    FieldDescriptor.TYPE_SINT64: (-(2**63), 2**63 - 1),
    FieldDescriptor.TYPE_SFIXED64: (-(2**63), 2**63 - 1),
    FieldDescriptor.TYPE_UINT64: (0, 2**64 - 1),
    FieldDescriptor.TYPE_FIXED64: (0, 2**64 - 1),
}
_FLOAT_MAX = 3.4028234663852886e38


def _integer(low: int, high: int) -> Check:
    return lambda v: type(v) is int and low <= v <= high


def _double(v: Any) -> bool:
    return (type(v) is int and abs(v) <= 2**53) or (type(v) is float and math.isfinite(v))


def _float(v: Any) -> bool:
    return _double(v) and abs(v) <= _FLOAT_MAX


def _string(v: Any) -> bool:
    if type(v) is not str:
        return False
    if v.isascii():
        return True
    try:
        v.encode()  # a lone surrogate cannot be stored: ParseDict words that error
    except UnicodeEncodeError:
        return False
    return True


def _scalar(field: FieldDescriptor) -> Check | None:
    kind = field.type
    if kind in _INT_RANGES:
        return _integer(*_INT_RANGES[kind])
    if kind == FieldDescriptor.TYPE_DOUBLE:
        return _double
    if kind == FieldDescriptor.TYPE_FLOAT:
        return _float
    if kind == FieldDescriptor.TYPE_BOOL:
        return lambda v: type(v) is bool
    if kind == FieldDescriptor.TYPE_STRING:
        return _string
    if kind == FieldDescriptor.TYPE_ENUM:
        names = frozenset(value.name for value in field.enum_type.values)
        return lambda v: type(v) is str and v in names
    return None  # bytes (base64), groups: ParseDict decides


class FastCheck:
    """Plain records of one message type, accepted without building a message."""

    def __init__(self, descriptor: Descriptor) -> None:
        self._checks: dict[Descriptor, tuple[_Fields, dict[str, Check]]] = {}
        self._root = self._message(descriptor)

    def accepts(self, record: Any) -> bool:
        """True: ParseDict accepts `record`. False: not sure (ask ParseDict)."""
        try:
            return self._root(record)
        except RecursionError:
            return False

    def _message(self, descriptor: Descriptor) -> Check:
        if descriptor.full_name.startswith("google.protobuf."):
            return lambda _v: False  # well-known types have JSON forms of their own
        fields: _Fields = {}
        plain: dict[str, Check] = {}  # filled below: nested references see it filled
        self._checks[descriptor] = (fields, plain)
        # Two keys naming one field, or two members of one oneof, are errors: each field
        # gets a slot, each oneof member its oneof's slot.
        slots: dict[str, int] = {}
        for field in descriptor.fields:
            oneof = field.containing_oneof
            slot_name = f"oneof:{oneof.full_name}" if oneof is not None else field.name
            slot = slots.setdefault(slot_name, len(slots))
            check = self._field(field)
            fields[field.name] = (slot, check)
            fields[field.json_name] = (slot, check)
        # A field's own name, outside any oneof, is the only key of its slot here: records
        # keyed by those alone cannot name one field twice (most records).
        for field in descriptor.fields:
            own = fields[field.name]
            if field.containing_oneof is None and own[0] == slots[field.name]:
                plain[field.name] = own[1]
        return lambda v: self._record(fields, plain, v)

    def _field(self, field: FieldDescriptor) -> Check:
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            return lambda _v: False  # maps: ParseDict decides
        if field.message_type is not None:
            nested = field.message_type
            known = self._checks.get(nested)
            single = (
                (lambda v: self._record(*known, v)) if known is not None else self._message(nested)
            )
        else:
            scalar = _scalar(field)
            if scalar is None:
                return lambda _v: False
            single = scalar
        if field.is_repeated:
            return lambda v: type(v) is list and all(map(single, v))
        return single

    @staticmethod
    def _record(fields: _Fields, plain: dict[str, Check], value: Any) -> bool:
        if type(value) is not dict:
            return False
        for key, item in value.items():
            check = plain.get(key)
            if check is None:
                break  # a JSON name, or a oneof member: count the slots below
            if not check(item):
                return False
        else:
            return True
        seen: set[int] = set()
        for key, item in value.items():
            found = fields.get(key)
            if found is None or found[0] in seen or not found[1](item):
                return False
            seen.add(found[0])
        return True
