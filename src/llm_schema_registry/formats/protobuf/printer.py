""".proto text from a `FileDescriptorProto`, in the layout of Confluent's canonical string.

The layout follows Confluent's `ProtobufSchema.canonicalString()`: syntax, package, imports,
options, then every message before every enum, extend blocks and services; inside a message
reserved ranges, options, plain fields (declaration order), oneofs, extension ranges, extend
blocks and nested types. Because we print from descriptors, type names are always fully
qualified (`.pkg.Msg`), maps are `map<K, V>` and text and descriptor input print the same.
`normalize=True` applies Confluent's `normalize()` sorting on top.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from google.protobuf import descriptor_pb2

from llm_schema_registry.formats.protobuf.options import (
    Option,
    OptionPrinter,
    escape,
    indent,
    option_text,
)
from llm_schema_registry.formats.protobuf.schema import ProtobufSchema

FDP = descriptor_pb2.FieldDescriptorProto
MESSAGE_MAX = 536_870_911  # largest field number (2^29 - 1)
ENUM_MAX = 2_147_483_647

SCALAR_NAMES = {
    FDP.TYPE_DOUBLE: "double",
    FDP.TYPE_FLOAT: "float",
    FDP.TYPE_INT64: "int64",
    FDP.TYPE_UINT64: "uint64",
    FDP.TYPE_INT32: "int32",
    FDP.TYPE_FIXED64: "fixed64",
    FDP.TYPE_FIXED32: "fixed32",
    FDP.TYPE_BOOL: "bool",
    FDP.TYPE_STRING: "string",
    FDP.TYPE_BYTES: "bytes",
    FDP.TYPE_UINT32: "uint32",
    FDP.TYPE_SFIXED32: "sfixed32",
    FDP.TYPE_SFIXED64: "sfixed64",
    FDP.TYPE_SINT32: "sint32",
    FDP.TYPE_SINT64: "sint64",
}


@dataclass(frozen=True)
class _Group:
    name: str
    body: str


class Printer:
    """Prints one schema; `normalize` and `ignore_extensions` mirror Confluent's flags."""

    def __init__(self, schema: ProtobufSchema, *, normalize: bool, ignore_extensions: bool):
        self.schema = schema
        self.normalize = normalize
        self.ignore_extensions = ignore_extensions
        self.proto3 = schema.syntax == "proto3"
        self.opts = OptionPrinter(
            lambda: schema.pool, normalize=normalize, ignore_extensions=ignore_extensions
        )
        self.map_entries: dict[str, Any] = {}
        self.group_types: set[str] = set()
        self.messages: dict[str, Any] = {}
        self._index(schema.file.package, schema.file.message_type)

    def _index(self, scope: str, messages: Iterable[Any]) -> None:
        for message in messages:
            full = f"{scope}.{message.name}" if scope else message.name
            self.messages["." + full] = message
            if message.options.map_entry:
                self.map_entries["." + full] = message
            for fld in message.field:
                if fld.type == FDP.TYPE_GROUP:
                    self.group_types.add(fld.type_name)
            self._index(full, message.nested_type)

    # -- file ---------------------------------------------------------------------------

    def file(self) -> str:
        proto = self.schema.file
        out = ""
        syntax = self.schema.syntax
        if syntax == "editions":
            out += f'edition = "{_edition(proto.edition)}";\n'
        elif not self.normalize or syntax == "proto3":
            out += f'syntax = "{syntax}";\n'
        if proto.package:
            out += f"package {proto.package};\n"
        public = {proto.dependency[i] for i in proto.public_dependency}
        weak = {proto.dependency[i] for i in proto.weak_dependency}
        plain = [d for d in proto.dependency if d not in public and d not in weak]
        if self.normalize:
            plain, public = sorted(set(plain)), set(sorted(public))
        imports = [f'import "{d}";\n' for d in plain]
        imports += [f'import public "{d}";\n' for d in _ordered(proto.dependency, public)]
        imports += [f'import weak "{d}";\n' for d in _ordered(proto.dependency, weak)]
        if imports:
            out += "\n" + "".join(imports)
        options = self.options(proto.options)
        if options:
            out += "\n" + "".join(f"option {o};\n" for o in options)
        types = self.types(proto.package, proto.message_type, proto.enum_type)
        if types:
            out += "\n" + types
        if not self.ignore_extensions and proto.extension:
            out += "\n" + self.extends(proto.extension)
        if proto.service:
            out += "\n" + "".join(self.service(s) for s in proto.service)
        return out

    def types(self, scope: str, messages: Iterable[Any], enums: Iterable[Any]) -> str:
        out = ""
        for message in messages:
            full = f".{scope}.{message.name}" if scope else f".{message.name}"
            if full in self.map_entries or full in self.group_types:
                continue
            out += self.message(message, full[1:])
        for enum in enums:
            out += self.enum(enum)
        return out

    # -- messages -----------------------------------------------------------------------

    def message(self, message: Any, full: str) -> str:
        sections: list[str] = []
        reserved = self.reserved(message.reserved_range, message.reserved_name, MESSAGE_MAX, 1)
        if reserved:
            sections.append(reserved)
        options = self.options(message.options)
        if options:
            sections.append("".join(indent(f"option {o};") for o in options))
        real_oneofs = _real_oneofs(message)
        plain = [f for f in message.field if not _in_real_oneof(f, real_oneofs)]
        if self.normalize:
            plain.sort(key=lambda f: f.number)
        if plain:
            sections.append("".join(self.field(f) for f in plain))
        oneofs = []
        for index in real_oneofs:
            members = [f for f in message.field if f.HasField("oneof_index")]
            members = [f for f in members if f.oneof_index == index]
            if self.normalize:
                members.sort(key=lambda f: f.number)
            if members:
                oneofs.append((message.oneof_decl[index], members))
        if self.normalize:
            oneofs.sort(key=lambda pair: pair[1][0].number)
        if oneofs:
            sections.append("".join(indent(self.oneof(d, m)) for d, m in oneofs))
        if not self.ignore_extensions and message.extension_range:
            ranges = [(r.start, r.end - 1) for r in message.extension_range]
            sections.append(self.ranges("extensions", ranges, MESSAGE_MAX))
        if not self.ignore_extensions and message.extension:
            sections.append(indent(self.extends(message.extension)))
        nested = self.types(full, message.nested_type, message.enum_type)
        if nested:
            sections.append(indent(nested))
        body = "".join("\n" + s for s in sections)
        return f"message {message.name} {{{body}}}\n"

    def oneof(self, decl: Any, members: list[Any]) -> str:
        sections: list[str] = []
        options = self.options(decl.options)
        if options:
            sections.append("".join(indent(f"option {o};") for o in options))
        sections.append("".join(self.field(f, in_oneof=True) for f in members))
        return f"oneof {decl.name} {{" + "".join("\n" + s for s in sections) + "}\n"

    def field(self, fld: Any, *, in_oneof: bool = False) -> str:
        entry = self.map_entries.get(fld.type_name) if fld.type == FDP.TYPE_MESSAGE else None
        label = "" if in_oneof or entry is not None else self.label(fld)
        if entry is not None:
            key, value = entry.field[0], entry.field[1]
            type_text = f"map<{self.type_name(key)}, {self.type_name(value)}>"
        else:
            type_text = self.type_name(fld)
        # Confluent prints `default` and `json_name` after the field's other options.
        specials: list[Option] = []
        if fld.HasField("default_value"):
            specials.append(Option("default", False, self.default(fld)))
        if fld.HasField("json_name"):
            specials.append(Option("json_name", False, f'"{escape(fld.json_name)}"'))
        all_options = self.opts.sort([*self.opts.read(fld.options), *specials])
        options = [option_text(o) for o in all_options]
        suffix = ""
        if len(options) == 1:
            suffix = f" [{options[0]}]"
        elif options:
            suffix = " [\n" + "".join(indent(o + ",") for o in options[:-1])
            suffix += indent(options[-1]) + "]"
        if fld.type == FDP.TYPE_GROUP:
            group = self._group_body(fld)
            return indent(f"{label}group {group.name} = {fld.number}{suffix} {{{group.body}}}")
        return indent(f"{label}{type_text} {fld.name} = {fld.number}{suffix};")

    def _group_body(self, fld: Any) -> _Group:
        message = self.messages[fld.type_name]
        fields = list(message.field)
        if self.normalize:
            fields.sort(key=lambda f: f.number)
        body = "\n" + "".join(self.field(f) for f in fields) if fields else ""
        return _Group(message.name, body)

    def label(self, fld: Any) -> str:
        if fld.label == FDP.LABEL_REPEATED:
            return "repeated "
        if self.schema.syntax == "editions":
            return ""
        if self.proto3:
            return "optional " if fld.proto3_optional else ""
        if fld.label == FDP.LABEL_REQUIRED:
            return "required "
        return "optional "

    def type_name(self, fld: Any) -> str:
        if fld.type in SCALAR_NAMES:
            return SCALAR_NAMES[fld.type]
        return str(fld.type_name)

    def default(self, fld: Any) -> str:
        value = str(fld.default_value)
        if fld.type == FDP.TYPE_STRING:
            return f'"{escape(value)}"'
        if fld.type == FDP.TYPE_BYTES:
            return f'"{value}"'  # protoc keeps bytes defaults C-escaped already
        return value

    # -- enums, services, extends ---------------------------------------------------------

    def enum(self, enum: Any) -> str:
        out = f"enum {enum.name} {{"
        reserved = self.reserved(enum.reserved_range, enum.reserved_name, ENUM_MAX, 0)
        if reserved:
            out += "\n" + reserved
        options = self.options(enum.options)
        if not reserved and (options or enum.value):
            out += "\n"
        out += "".join(indent(f"option {o};") for o in options)
        values = list(enum.value)
        if self.normalize:
            values.sort(key=lambda v: (v.number, v.name))
        for value in values:
            value_options = self.options(value.options)
            suffix = ""
            if len(value_options) == 1:
                suffix = f" [{value_options[0]}]"
            elif value_options:
                suffix = " [\n" + "".join(indent(o + ",") for o in value_options[:-1])
                suffix += indent(value_options[-1]) + "]"
            out += indent(f"{value.name} = {value.number}{suffix};")
        return out + "}\n"

    def service(self, service: Any) -> str:
        out = f"service {service.name} {{"
        options = self.options(service.options)
        if options:
            out += "\n" + "".join(indent(f"option {o};") for o in options)
        if service.method:
            out += "\n"
            for method in service.method:
                request = ("stream " if method.client_streaming else "") + method.input_type
                response = ("stream " if method.server_streaming else "") + method.output_type
                line = f"rpc {method.name} ({request}) returns ({response})"
                method_options = self.options(method.options)
                if method_options:
                    line += " {\n" + "".join(indent(f"option {o};") for o in method_options)
                    line += "}"
                out += indent(line + ";")
        return out + "}\n"

    def extends(self, fields: Iterable[Any]) -> str:
        groups: dict[str, list[Any]] = {}
        for fld in fields:
            groups.setdefault(fld.extendee, []).append(fld)
        out = ""
        for extendee, members in groups.items():
            if self.normalize:
                members.sort(key=lambda f: f.number)
            body = "".join(self.field(f) for f in members)
            out += f"extend {extendee} {{\n{body}}}\n"
        return out

    def reserved(self, ranges: Iterable[Any], names: Iterable[str], top: int, excl: int) -> str:
        spans = [(r.start, r.end - excl) for r in ranges]
        if self.normalize:
            spans.sort()
            out = "".join(self.ranges("reserved", [span], top) for span in spans)
            return out + "".join(indent(f'reserved "{n}";') for n in sorted(names))
        out = self.ranges("reserved", spans, top) if spans else ""
        quoted = ", ".join(f'"{n}"' for n in names)
        return out + (indent(f"reserved {quoted};") if quoted else "")

    def ranges(self, keyword: str, spans: list[tuple[int, int]], top: int) -> str:
        if self.normalize and len(spans) > 1:
            return "".join(self.ranges(keyword, [s], top) for s in sorted(spans))
        parts = []
        for start, end in spans:
            if start == end:
                parts.append(str(start))
            else:
                parts.append(f"{start} to {'max' if end >= top else end}")
        return indent(f"{keyword} {', '.join(parts)};")

    # -- options --------------------------------------------------------------------------

    def options(self, options: Any) -> list[str]:
        return self.opts.texts(options)


def _real_oneofs(message: Any) -> list[int]:
    """Oneof indexes that are real oneofs, not proto3 `optional`'s synthetic ones."""
    real: list[int] = []
    for fld in message.field:
        real_member = fld.HasField("oneof_index") and not fld.proto3_optional
        if real_member and fld.oneof_index not in real:
            real.append(fld.oneof_index)
    return sorted(real)


def _in_real_oneof(fld: Any, real: list[int]) -> bool:
    return bool(fld.HasField("oneof_index") and fld.oneof_index in real)


def _ordered(all_names: Iterable[str], chosen: set[str]) -> list[str]:
    return [name for name in all_names if name in chosen]


def _edition(value: int) -> str:
    name = descriptor_pb2.Edition.Name(value)
    return str(name).removeprefix("EDITION_")


def print_schema(
    schema: ProtobufSchema, *, normalize: bool = False, ignore_extensions: bool = False
) -> str:
    """The schema as `.proto` text (see the module docstring for the layout)."""
    return Printer(schema, normalize=normalize, ignore_extensions=ignore_extensions).file()
