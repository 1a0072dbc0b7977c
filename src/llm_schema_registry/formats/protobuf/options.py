""".proto option text from descriptor options, custom (extension) options included.

Options are printed as Confluent prints them: `name = value`, custom ones as `(full.name)`,
message values as `{ key: value, ... }` aggregates with one entry per line, repeated values as
`[ ... ]` lists. `normalize` sorts by name and unwraps one-element lists (Confluent's
normalize()); `ignore_extensions` drops custom options except Confluent's own `confluent.*`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from google.protobuf import descriptor, descriptor_pool, message_factory

from llm_schema_registry.formats.protobuf.aggregates import RawValue, parse_aggregate

_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    "\\": "\\\\",
    "'": "\\'",
    '"': '\\"',
}


def escape(text: str) -> str:
    """Quote-safe text, escaped as Confluent's printer escapes option strings."""
    return "".join(_ESCAPES.get(char, char) for char in text)


def indent(block: str) -> str:
    """Every line of `block` indented by two spaces, newline-terminated."""
    return "".join(f"  {line}\n" for line in block.rstrip("\n").split("\n"))


@dataclass(frozen=True)
class Option:
    name: str  # full name for extensions (printed in parentheses), plain name otherwise
    extension: bool
    text: str  # the printed value
    suffix: str = ""  # `.sub.field` after the name, for options nobody defined (uninterpreted)


class OptionPrinter:
    """Reads options messages through the schema's own pool and prints them."""

    def __init__(
        self,
        pool: Callable[[], descriptor_pool.DescriptorPool],
        *,
        normalize: bool,
        ignore_extensions: bool,
    ):
        self.pool = pool  # built on first use: most schemas carry no options at all
        self.normalize = normalize
        self.ignore_extensions = ignore_extensions

    def texts(self, options: Any) -> list[str]:
        """The printed options of one options message, in print order."""
        return [option_text(o) for o in self.sort(self.read(options))]

    def sort(self, options: list[Option]) -> list[Option]:
        if self.normalize:
            return sorted(options, key=lambda o: o.name)
        return options

    def read(self, options: Any) -> list[Option]:
        if not options.ByteSize():
            return []
        # Custom options are unknown fields to the stock descriptor classes; re-reading the
        # bytes with a class from the schema's own pool resolves them as extensions.
        pool = self.pool()
        cls = message_factory.GetMessageClass(
            pool.FindMessageTypeByName(options.DESCRIPTOR.full_name)
        )
        dynamic = cls.FromString(options.SerializeToString())
        found: list[Option] = []
        undefined: list[Option] = []  # printed after the defined ones
        for fld, value in dynamic.ListFields():
            if fld.name == "uninterpreted_option":
                undefined += [o for o in map(self.uninterpreted, value) if o is not None]
                continue
            if fld.name == "map_entry":
                continue
            # ignore_extensions keeps Confluent's own metadata options, as Confluent does.
            custom = fld.is_extension and not fld.full_name.startswith("confluent.")
            if custom and self.ignore_extensions:
                continue
            name = fld.full_name if fld.is_extension else fld.name
            values = list(value) if _is_repeated(fld) else [value]
            for item in values:
                found.append(Option(name, fld.is_extension, self.value(fld, item)))
        return found + undefined

    def uninterpreted(self, option: Any) -> Option | None:
        """An option without a definition (see undefined_options), printed as written."""
        first, rest = option.name[0], option.name[1:]
        custom = first.is_extension and not first.name_part.startswith("confluent.")
        if custom and self.ignore_extensions:
            return None
        suffix = "".join(f".({p.name_part})" if p.is_extension else f".{p.name_part}" for p in rest)
        return Option(first.name_part, first.is_extension, self.raw_value(option), suffix)

    def raw_value(self, option: Any) -> str:
        if option.HasField("identifier_value"):
            return str(option.identifier_value)
        if option.HasField("positive_int_value"):
            return str(option.positive_int_value)
        if option.HasField("negative_int_value"):
            return str(option.negative_int_value)
        if option.HasField("double_value"):
            return _float(option.double_value)
        if option.HasField("string_value"):
            return quoted(option.string_value)
        return self.raw_aggregate(str(option.aggregate_value))

    def raw_aggregate(self, text: str) -> str:
        parsed = parse_aggregate(text)
        if parsed is None:
            return "{ " + text + " }"
        return self.format_raw(parsed)

    def format_raw(self, value: RawValue) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, bytes):
            return quoted(value)
        if isinstance(value, list):
            items = [self.format_raw(item) for item in value]
            return listed(items) if items else "[]"
        entries = [(key, self.format_raw(item)) for key, item in value.entries]
        return braced(sorted(entries) if self.normalize else entries)

    def value(self, fld: Any, value: Any) -> str:
        kind = fld.type
        if kind in (descriptor.FieldDescriptor.TYPE_MESSAGE, descriptor.FieldDescriptor.TYPE_GROUP):
            return self.aggregate(value)
        if kind == descriptor.FieldDescriptor.TYPE_ENUM:
            named = fld.enum_type.values_by_number.get(value)
            return str(named.name if named is not None else value)
        if kind == descriptor.FieldDescriptor.TYPE_BOOL:
            return "true" if value else "false"
        if kind == descriptor.FieldDescriptor.TYPE_STRING:
            return f'"{escape(value)}"'
        if kind == descriptor.FieldDescriptor.TYPE_BYTES:
            return '"' + "".join(_byte(b) for b in value) + '"'
        if isinstance(value, float):
            return _float(value)
        return str(value)

    def aggregate(self, message: Any) -> str:
        entries: list[tuple[str, str]] = []
        for fld, value in message.ListFields():
            key = f"[{fld.full_name}]" if fld.is_extension else fld.name
            if _is_map(fld):
                key_fld, value_fld = fld.message_type.fields[0], fld.message_type.fields[1]
                items = [
                    "{\n"
                    + indent(f"key: {self.value(key_fld, k)},")
                    + indent(f"value: {self.value(value_fld, value[k])}")
                    + "}"
                    for k in sorted(value)
                ]
            else:
                items = [self.value(fld, v) for v in value] if _is_repeated(fld) else []
            if _is_repeated(fld):
                if self.normalize and len(items) == 1:
                    entries.append((key, items[0]))
                    continue
                entries.append((key, listed(items)))
            else:
                entries.append((key, self.value(fld, value)))
        if self.normalize:
            entries.sort()
        return braced(entries)


def braced(entries: list[tuple[str, str]]) -> str:
    """A message value: `{`, one `key: value` per line, `}`."""
    if not entries:
        return "{\n}"
    lines = [f"{k}: {v}," for k, v in entries[:-1]] + [f"{entries[-1][0]}: {entries[-1][1]}"]
    return "{\n" + "".join(indent(line) for line in lines) + "}"


def listed(items: list[str]) -> str:
    """A repeated value: `[`, one item per line, `]`."""
    return "[\n" + "".join(indent(i + ",") for i in items[:-1]) + indent(items[-1]) + "]"


def quoted(data: bytes) -> str:
    """A string literal for `data`: its text escaped when it is UTF-8, byte escapes if not."""
    try:
        return f'"{escape(data.decode("utf-8"))}"'
    except UnicodeDecodeError:
        return '"' + "".join(_byte(b) for b in data) + '"'


def option_text(option: Option) -> str:
    name = f"({option.name})" if option.extension else option.name
    return f"{name}{option.suffix} = {option.text}"


def _is_repeated(fld: Any) -> bool:
    return bool(fld.is_repeated)


def _is_map(fld: Any) -> bool:
    message = fld.message_type
    return bool(message is not None and message.GetOptions().map_entry)


def _byte(value: int) -> str:
    char = chr(value)
    if char in _ESCAPES:
        return _ESCAPES[char]
    return char if 0x20 <= value < 0x7F else f"\\{value:03o}"


def _float(value: float) -> str:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(value)
