"""Protobuf schema evolution rules, matching Confluent's `SchemaDiff.compare(original, update)`.

For BACKWARD, original = the writer (old) schema and update = the reader (new) one. Every
change found is a `Difference` named after Confluent's `Difference.Type`; the change is
incompatible when its kind is outside `COMPATIBLE_CHANGES`.

How Confluent compares, restated for descriptors:
* messages and enums are matched by name per scope; a removed message is incompatible, an
  added, moved (index changed) or removed enum is not;
* fields are matched by number across the whole message, oneof members included, so a
  rename is a name change and a renumbering is a removal plus an addition;
* types compare by kind (scalar incl. enum / message / map), scalars by wire group
  (int32/int64/uint32/uint64/bool/enum, sint32/sint64, string/bytes, fixed32/sfixed32,
  fixed64/sfixed64, float, double), messages by name relative to their package, and a
  message taken from another reference (or another version of one) is compared field by
  field, its differences reported at its own path;
* labels are only compared when both are written (`optional`, `required`, `repeated`):
  numeric label changes are incompatible, string/bytes ones are not; `required` added or
  removed is incompatible;
* oneofs: fields from more than one earlier group (a top-level field or an earlier oneof)
  now sharing a oneof is incompatible; a removed member of a surviving oneof is too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from google.protobuf import descriptor_pb2

from llm_schema_registry.formats.base import Incompatibility
from llm_schema_registry.formats.protobuf.schema import ProtobufSchema

FDP = descriptor_pb2.FieldDescriptorProto

COMPATIBLE_CHANGES = frozenset(
    {
        "MESSAGE_ADDED",
        "MESSAGE_MOVED",
        "ENUM_ADDED",
        "ENUM_REMOVED",
        "ENUM_CONST_ADDED",
        "ENUM_CONST_CHANGED",
        "ENUM_CONST_REMOVED",
        "FIELD_ADDED",
        "FIELD_REMOVED",
        "FIELD_NAME_CHANGED",
        "FIELD_STRING_OR_BYTES_LABEL_CHANGED",
        "ONEOF_ADDED",
        "ONEOF_REMOVED",
        "ONEOF_FIELD_ADDED",
        "ONEOF_FIELD_MOVED_TO_TOP_LEVEL",
    }
)

_MESSAGES = {
    "PACKAGE_CHANGED": "The package of the reader schema does not match the writer's package",
    "MESSAGE_REMOVED": "The reader schema is missing the message '{path}' of the writer",
    "FIELD_KIND_CHANGED": "The field '{path}' changed kind (scalar, message or map)",
    "FIELD_SCALAR_KIND_CHANGED": "The scalar field '{path}' changed to a wire-incompatible type",
    "FIELD_NAMED_TYPE_CHANGED": "The message type of the field '{path}' changed",
    "FIELD_NUMERIC_LABEL_CHANGED": "The label (optional/required/repeated) of the numeric "
    "field '{path}' changed",
    "REQUIRED_FIELD_ADDED": "The required field '{path}' is missing in the writer schema",
    "REQUIRED_FIELD_REMOVED": "The reader schema is missing the writer's required field '{path}'",
    "ONEOF_FIELD_REMOVED": "The reader schema is missing the writer's oneof field '{path}'",
    "MULTIPLE_FIELDS_MOVED_TO_ONEOF": "Several fields that were independent in the writer "
    "schema share the oneof '{path}' in the reader schema",
    "FIELD_MOVED_TO_EXISTING_ONEOF": "A field of the oneof '{path}' in the reader schema was "
    "outside it (or in another oneof) in the writer schema",
}

_SCALAR_KINDS = {
    FDP.TYPE_INT32: "GENERAL_NUMBER",
    FDP.TYPE_INT64: "GENERAL_NUMBER",
    FDP.TYPE_UINT32: "GENERAL_NUMBER",
    FDP.TYPE_UINT64: "GENERAL_NUMBER",
    FDP.TYPE_BOOL: "GENERAL_NUMBER",
    FDP.TYPE_SINT32: "SIGNED_NUMBER",
    FDP.TYPE_SINT64: "SIGNED_NUMBER",
    FDP.TYPE_STRING: "STRING_OR_BYTES",
    FDP.TYPE_BYTES: "STRING_OR_BYTES",
    FDP.TYPE_FIXED32: "FIXED32",
    FDP.TYPE_SFIXED32: "FIXED32",
    FDP.TYPE_FIXED64: "FIXED64",
    FDP.TYPE_SFIXED64: "FIXED64",
    FDP.TYPE_FLOAT: "FLOAT",
    FDP.TYPE_DOUBLE: "DOUBLE",
}
_NUMERIC = {"GENERAL_NUMBER", "SIGNED_NUMBER", "FIXED32", "FIXED64", "FLOAT", "DOUBLE"}
_LOCAL = ("", -1)  # the schema itself, as opposed to a referenced subject-version


@dataclass(frozen=True)
class Difference:
    """One change from `original` to `update`; `kind` is Confluent's Difference.Type."""

    kind: str
    path: str
    compatible: bool

    def __str__(self) -> str:
        return f"{self.kind} {self.path}"


@dataclass(frozen=True)
class _Type:
    package: str
    syntax: str
    ref: tuple[str, int] | None
    proto: Any
    is_enum: bool
    is_map: bool


def _type_table(schema: ProtobufSchema) -> dict[str, _Type]:
    table: dict[str, _Type] = {}

    def walk(scope: str, package: str, syntax: str, ref: Any, messages: Any, enums: Any) -> None:
        for message in messages:
            full = f"{scope}.{message.name}" if scope else message.name
            is_map = bool(message.options.map_entry)
            table[full] = _Type(package, syntax, ref, message, False, is_map)
            walk(full, package, syntax, ref, message.nested_type, message.enum_type)
        for enum in enums:
            full = f"{scope}.{enum.name}" if scope else enum.name
            table[full] = _Type(package, syntax, ref, enum, True, False)

    files = [
        (name, proto, schema.reference_versions.get(name))
        for name, proto in schema.dependencies.items()
    ]
    files.append((schema.file.name, schema.file, _LOCAL))
    for _, proto, ref in files:
        syntax = str(proto.syntax) or "proto2"
        walk(proto.package, proto.package, syntax, ref, proto.message_type, proto.enum_type)
    return table


@dataclass
class _Context:
    original: Mapping[str, _Type]
    update: Mapping[str, _Type]
    guard: set[int] = field(default_factory=set)
    found: list[Difference] = field(default_factory=list)

    def add(self, kind: str, path: tuple[str, ...]) -> None:
        self.found.append(Difference(kind, "#/" + "/".join(path), kind in COMPATIBLE_CHANGES))

    def sub(self) -> _Context:
        return _Context(self.original, self.update, set(self.guard))

    def compatible(self) -> bool:
        return all(d.compatible for d in self.found)


def differences(original: ProtobufSchema, update: ProtobufSchema) -> list[Difference]:
    """Every change from `original` to `update`, compatible or not (Confluent's order of
    checks; names within one scope are visited sorted, where Confluent uses hash order)."""
    ctx = _Context(_type_table(original), _type_table(update))
    if original.file.package != update.file.package:
        ctx.add("PACKAGE_CHANGED", ())
    _compare_types(
        ctx,
        (),
        (original.file.message_type, original.file.enum_type, original.syntax),
        (update.file.message_type, update.file.enum_type, update.syntax),
    )
    return ctx.found


def incompatibilities(reader: ProtobufSchema, writer: ProtobufSchema) -> list[Incompatibility]:
    """Why `reader` cannot read data written with `writer` (Confluent: original = writer)."""
    return [
        Incompatibility(d.kind, d.path, _MESSAGES.get(d.kind, d.kind).format(path=d.path) + ".")
        for d in differences(original=writer, update=reader)
        if not d.compatible
    ]


def _compare_types(
    ctx: _Context,
    path: tuple[str, ...],
    original: tuple[Any, Any, str],
    update: tuple[Any, Any, str],
) -> None:
    o_messages = [m for m in original[0] if not m.options.map_entry]
    u_messages = [m for m in update[0] if not m.options.map_entry]
    o_index = {m.name: (i, m) for i, m in enumerate(o_messages)}
    u_index = {m.name: (i, m) for i, m in enumerate(u_messages)}
    for name in sorted(o_index.keys() | u_index.keys()):
        here = (*path, name)
        if name not in u_index:
            ctx.add("MESSAGE_REMOVED", here)
        elif name not in o_index:
            ctx.add("MESSAGE_ADDED", here)
        else:
            o_pos, o_msg = o_index[name]
            u_pos, u_msg = u_index[name]
            _compare_message(ctx, here, (o_msg, original[2]), (u_msg, update[2]))
            if o_pos != u_pos:
                # Message indexes in serialized data refer to the writer's schema id, so
                # reordering messages is harmless.
                ctx.add("MESSAGE_MOVED", here)
    o_enums = {e.name: e for e in original[1]}
    u_enums = {e.name: e for e in update[1]}
    for name in sorted(o_enums.keys() | u_enums.keys()):
        here = (*path, name)
        if name not in u_enums:
            ctx.add("ENUM_REMOVED", here)
        elif name not in o_enums:
            ctx.add("ENUM_ADDED", here)
        else:
            _compare_enum(ctx, here, o_enums[name], u_enums[name])


def _compare_enum(ctx: _Context, path: tuple[str, ...], original: Any, update: Any) -> None:
    o_values = {v.number: v.name for v in original.value}
    u_values = {v.number: v.name for v in update.value}
    for number in sorted(o_values.keys() | u_values.keys()):
        here = (*path, str(number))
        if number not in u_values:
            ctx.add("ENUM_CONST_REMOVED", here)
        elif number not in o_values:
            ctx.add("ENUM_CONST_ADDED", here)
        elif o_values[number] != u_values[number]:
            ctx.add("ENUM_CONST_CHANGED", here)


@dataclass
class _Fields:
    by_number: dict[int, Any]
    oneof_of: dict[int, str]
    oneofs: dict[str, list[Any]]


def _fields(message: Any) -> _Fields:
    by_number: dict[int, Any] = {}
    oneof_of: dict[int, str] = {}
    oneofs: dict[str, list[Any]] = {}
    for fld in message.field:
        by_number[fld.number] = fld
        if fld.HasField("oneof_index") and not fld.proto3_optional:
            name = message.oneof_decl[fld.oneof_index].name
            oneof_of[fld.number] = name
            oneofs.setdefault(name, []).append(fld)
    return _Fields(by_number, oneof_of, oneofs)


def _compare_message(
    ctx: _Context, path: tuple[str, ...], original: tuple[Any, str], update: tuple[Any, str]
) -> None:
    o_msg, o_syntax = original
    u_msg, u_syntax = update
    if id(o_msg) not in ctx.guard:
        ctx.guard.add(id(o_msg))
        try:
            _compare_fields(ctx, path, _fields(o_msg), _fields(u_msg), (o_syntax, u_syntax))
        finally:
            ctx.guard.discard(id(o_msg))
    _compare_types(
        ctx,
        path,
        (o_msg.nested_type, o_msg.enum_type, o_syntax),
        (u_msg.nested_type, u_msg.enum_type, u_syntax),
    )


def _compare_oneof_groups(ctx: _Context, path: tuple[str, ...], old: _Fields, new: _Fields) -> None:
    for name, members in new.oneofs.items():
        origins: set[str] = set()
        moved_in = 0
        for fld in members:
            if fld.number in old.oneof_of:
                origins.add("oneof:" + old.oneof_of[fld.number])
            elif fld.number in old.by_number:
                origins.add(f"field:{fld.number}")
                moved_in += 1
        if len(origins) > 1:
            kind = (
                "MULTIPLE_FIELDS_MOVED_TO_ONEOF"
                if moved_in > 1
                else "FIELD_MOVED_TO_EXISTING_ONEOF"
            )
            ctx.add(kind, (*path, name))
    for name in sorted(old.oneofs.keys() | new.oneofs.keys()):
        if name not in new.oneofs:
            ctx.add("ONEOF_REMOVED", (*path, name))
        elif name not in old.oneofs:
            ctx.add("ONEOF_ADDED", (*path, name))


def _compare_fields(
    ctx: _Context, path: tuple[str, ...], old: _Fields, new: _Fields, syntax: tuple[str, str]
) -> None:
    # A oneof removed together with all of its members is a plain (compatible) deletion.
    gone = {
        name
        for name, members in old.oneofs.items()
        if name not in new.oneofs and not any(f.number in new.by_number for f in members)
    }
    _compare_oneof_groups(ctx, path, old, new)
    for number in sorted(old.by_number.keys() | new.by_number.keys()):
        o_fld: Any = old.by_number.get(number)
        u_fld: Any = new.by_number.get(number)
        o_oneof, u_oneof = old.oneof_of.get(number), new.oneof_of.get(number)
        if u_fld is None:
            if o_oneof is not None:
                if o_oneof not in gone:
                    ctx.add("ONEOF_FIELD_REMOVED", (*path, o_oneof, str(number)))
            else:
                required = o_fld.label == FDP.LABEL_REQUIRED
                kind = "REQUIRED_FIELD_REMOVED" if required else "FIELD_REMOVED"
                ctx.add(kind, (*path, str(number)))
        elif o_fld is None:
            if u_oneof is not None:
                ctx.add("ONEOF_FIELD_ADDED", (*path, u_oneof, str(number)))
            else:
                required = u_fld.label == FDP.LABEL_REQUIRED
                ctx.add("REQUIRED_FIELD_ADDED" if required else "FIELD_ADDED", (*path, str(number)))
        else:
            if o_oneof is not None and u_oneof is None:
                ctx.add("ONEOF_FIELD_MOVED_TO_TOP_LEVEL", (*path, str(number)))
            here = (*path, u_oneof, str(number)) if u_oneof else (*path, str(number))
            _compare_field(ctx, here, (o_fld, o_oneof, syntax[0]), (u_fld, u_oneof, syntax[1]))


def _compare_field(
    ctx: _Context,
    path: tuple[str, ...],
    original: tuple[Any, Any, str],
    update: tuple[Any, Any, str],
) -> None:
    o_fld, u_fld = original[0], update[0]
    if o_fld.name != u_fld.name:
        ctx.add("FIELD_NAME_CHANGED", path)
    o_type = _type_of(o_fld, ctx.original)
    u_type = _type_of(u_fld, ctx.update)
    o_label = _label(o_fld, original[1] is not None, original[2], o_type)
    u_label = _label(u_fld, update[1] is not None, update[2], u_type)
    _compare_labels_and_types(ctx, path, (o_label, o_type), (u_label, u_type))


# A field type: ("scalar", FDP type), ("named", full name) or ("map", key, value).
_TypeRef = tuple[Any, ...]


def _type_of(fld: Any, table: Mapping[str, _Type]) -> _TypeRef:
    if fld.type in _SCALAR_KINDS:
        return ("scalar", fld.type)
    full = str(fld.type_name).lstrip(".")
    info = table.get(full)
    if info is not None and info.is_map:
        key, value = info.proto.field[0], info.proto.field[1]
        return ("map", _type_of(key, table), _type_of(value, table))
    return ("named", full)


def _label(fld: Any, in_oneof: bool, syntax: str, type_ref: _TypeRef) -> str | None:
    """The label as written in .proto text (None when none is written), as Confluent sees it."""
    if in_oneof or type_ref[0] == "map":
        return None
    if fld.label == FDP.LABEL_REPEATED:
        return "repeated"
    if fld.label == FDP.LABEL_REQUIRED:
        return "required"
    if syntax == "proto2":
        return "optional"
    return "optional" if fld.proto3_optional else None


def _kind(type_ref: _TypeRef, table: Mapping[str, _Type]) -> str:
    if type_ref[0] == "named":
        info = table.get(type_ref[1])
        return "SCALAR" if info is not None and info.is_enum else "MESSAGE"
    return "SCALAR" if type_ref[0] == "scalar" else "MAP"


def _scalar_kind(type_ref: _TypeRef) -> str:
    return "GENERAL_NUMBER" if type_ref[0] == "named" else _SCALAR_KINDS[type_ref[1]]


def _compare_labels_and_types(
    ctx: _Context,
    path: tuple[str, ...],
    original: tuple[str | None, _TypeRef],
    update: tuple[str | None, _TypeRef],
) -> None:
    (o_label, o_type), (u_label, u_type) = original, update
    o_kind, u_kind = _kind(o_type, ctx.original), _kind(u_type, ctx.update)
    if o_kind != u_kind:
        ctx.add("FIELD_KIND_CHANGED", path)
    elif o_kind == "SCALAR":
        o_scalar, u_scalar = _scalar_kind(o_type), _scalar_kind(u_type)
        if o_scalar != u_scalar:
            ctx.add("FIELD_SCALAR_KIND_CHANGED", path)
        elif o_label is not None and u_label is not None and o_label != u_label:
            if o_scalar in _NUMERIC:
                ctx.add("FIELD_NUMERIC_LABEL_CHANGED", path)
            else:
                ctx.add("FIELD_STRING_OR_BYTES_LABEL_CHANGED", path)
    elif o_kind == "MESSAGE":
        _compare_message_types(ctx, path, o_type[1], u_type[1])
    else:
        _compare_labels_and_types(ctx, path, (None, o_type[1]), (None, u_type[1]))
        _compare_labels_and_types(ctx, path, (None, o_type[2]), (None, u_type[2]))


def _local_name(full: str, info: _Type | None) -> str:
    if info is not None and info.package and full.startswith(info.package + "."):
        return full[len(info.package) + 1 :]
    return full


def _compare_message_types(
    ctx: _Context, path: tuple[str, ...], original: str, update: str
) -> None:
    o_info, u_info = ctx.original.get(original), ctx.update.get(update)
    o_local, u_local = _local_name(original, o_info), _local_name(update, u_info)
    if o_local != u_local:
        ctx.add("FIELD_NAMED_TYPE_CHANGED", path)
        return
    if o_info is None or u_info is None:
        return
    if o_info.ref is not None and u_info.ref is not None and o_info.ref == u_info.ref:
        return  # the same registered subject-version (or both local): compared elsewhere
    sub = ctx.sub()
    local_path = tuple(o_local.split("."))
    _compare_message(sub, local_path, (o_info.proto, o_info.syntax), (u_info.proto, u_info.syntax))
    ctx.found.extend(sub.found)
    if not sub.compatible():
        ctx.add("FIELD_NAMED_TYPE_CHANGED", path)
