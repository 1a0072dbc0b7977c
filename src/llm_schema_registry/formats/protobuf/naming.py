"""Names for the places Protobuf differences are reported at, read from the descriptors.

`compatibility.differences` locates a change by message scope and number (`#/Order/2`,
`#/Order/choice/3`, `#/Color/1`, relative to the file's package), as Confluent does. A
person wants `Order.count (field 2)`: `Names` resolves a path against both versions (the
newer first, so a renamed field shows its new name; the older for what was removed).
"""

from __future__ import annotations

from typing import Any

from llm_schema_registry.formats.protobuf.schema import ProtobufSchema

# What each kind of difference says, given the label of the place it concerns.
_SENTENCES = {
    "PACKAGE_CHANGED": "The package changed",
    "MESSAGE_ADDED": "Message {label} added",
    "MESSAGE_REMOVED": "Message {label} removed",
    "MESSAGE_MOVED": "Message {label} moved (its index in the file changed)",
    "ENUM_ADDED": "Enum {label} added",
    "ENUM_REMOVED": "Enum {label} removed",
    "ENUM_CONST_ADDED": "Enum value {label} added",
    "ENUM_CONST_REMOVED": "Enum value {label} removed",
    "ENUM_CONST_CHANGED": "Enum value {label} renamed (was {old})",
    "FIELD_ADDED": "Field {label} added",
    "FIELD_REMOVED": "Field {label} removed",
    "REQUIRED_FIELD_ADDED": "Required field {label} added",
    "REQUIRED_FIELD_REMOVED": "Required field {label} removed",
    "FIELD_NAME_CHANGED": "Field {label} renamed (was {old})",
    "FIELD_KIND_CHANGED": "Field {label} changed kind (scalar, message or map)",
    "FIELD_SCALAR_KIND_CHANGED": "Field {label} changed to a wire-incompatible scalar type",
    "FIELD_NAMED_TYPE_CHANGED": "The message type of field {label} changed",
    "FIELD_NUMERIC_LABEL_CHANGED": "The label (optional/required/repeated) of field {label} "
    "changed",
    "FIELD_STRING_OR_BYTES_LABEL_CHANGED": "The label (optional/required/repeated) of field "
    "{label} changed",
    "ONEOF_ADDED": "Oneof {label} added",
    "ONEOF_REMOVED": "Oneof {label} removed",
    "ONEOF_FIELD_ADDED": "Field {label} added to a oneof",
    "ONEOF_FIELD_REMOVED": "Field {label} removed from its oneof",
    "ONEOF_FIELD_MOVED_TO_TOP_LEVEL": "Field {label} moved out of its oneof",
    "MULTIPLE_FIELDS_MOVED_TO_ONEOF": "Several independent fields moved into oneof {label}",
    "FIELD_MOVED_TO_EXISTING_ONEOF": "A field moved into the existing oneof {label}",
}


_ADDED = frozenset({"FIELD_ADDED", "REQUIRED_FIELD_ADDED", "ONEOF_FIELD_ADDED", "ENUM_CONST_ADDED"})
_REMOVED = frozenset(
    {"FIELD_REMOVED", "REQUIRED_FIELD_REMOVED", "ONEOF_FIELD_REMOVED", "ENUM_CONST_REMOVED"}
)


def _types(schema: ProtobufSchema) -> dict[str, Any]:
    """Messages and enums by their name relative to their file's package (main file first)."""
    found: dict[str, Any] = {}

    def walk(scope: str, messages: Any, enums: Any) -> None:
        for message in messages:
            name = f"{scope}.{message.name}" if scope else message.name
            found.setdefault(name, message)
            walk(name, message.nested_type, message.enum_type)
        for enum in enums:
            found.setdefault(f"{scope}.{enum.name}" if scope else enum.name, enum)

    for proto in (schema.file, *schema.dependencies.values()):
        walk("", proto.message_type, proto.enum_type)
    return found


class Names:
    """Names what a difference between `old` and `new` concerns."""

    def __init__(self, old: ProtobufSchema, new: ProtobufSchema) -> None:
        self._sides = (_types(new), _types(old))

    def describe(self, kind: str, path: str) -> tuple[str, str]:
        """(the element's own name, a sentence naming it): `("count", "Field Order.count
        (field 2) removed")`."""
        parts = path.removeprefix("#/").split("/")
        name, label, old = self._label(parts)
        sentence = _SENTENCES.get(kind, kind.replace("_", " ").capitalize() + ": {label}")
        return name, sentence.format(label=label, old=old) + self._renumbered(kind, parts)

    def _renumbered(self, kind: str, parts: list[str]) -> str:
        """`" (renumbered: was field 3)"` when an added (removed) member's name is declared
        under another number in the old (new) version: Confluent reports a renumbering as a
        removal and an addition, and a person wants to see they are one change."""
        added, removed = kind in _ADDED, kind in _REMOVED
        scope = self._scope(parts)
        rest = parts[len(scope.split(".")) :] if scope else []
        if not (added or removed) or len(rest) != 1 or not rest[0].isdigit():
            return ""
        number = int(rest[0])
        new, old = (types.get(scope) for types in self._sides)
        here, there = (new, old) if added else (old, new)
        other = self._number(there, self._member(here, number))
        if other is None or other == number:
            return ""
        what = "value" if self._is_enum(scope) else "field"
        return f" (renumbered: {'was' if added else 'now'} {what} {other})"

    def _label(self, parts: list[str]) -> tuple[str, str, str]:
        """(name, label, the older name) for the place `parts` point at."""
        scope = self._scope(parts)
        if not scope:
            return "/".join(parts), "/".join(parts) or "the file", ""
        rest = parts[len(scope.split(".")) :]
        if not rest:
            return scope.rsplit(".", 1)[-1], scope, ""
        if not rest[-1].isdigit():
            return rest[-1], f"{scope}.{rest[-1]}", ""  # a oneof
        number = int(rest[-1])
        named = [self._member(types.get(scope), number) for types in self._sides]
        new, old = named[0] or named[1], named[1] or named[0]
        what = "value" if self._is_enum(scope) else "field"
        if not new:
            return rest[-1], f"{scope} {what} {number}", ""
        return new, f"{scope}.{new} ({what} {number})", old

    def _scope(self, parts: list[str]) -> str:
        """The longest leading run of `parts` naming a message or an enum."""
        for end in range(len(parts), 0, -1):
            name = ".".join(parts[:end])
            if any(name in types for types in self._sides):
                return name
        return ""

    def _is_enum(self, scope: str) -> bool:
        new, old = self._sides[0].get(scope), self._sides[1].get(scope)
        return hasattr(new if new is not None else old, "value")  # enums have values

    @staticmethod
    def _number(declared: Any, name: str) -> int | None:
        """The number of field (or enum value) `name`; None if there is none."""
        if declared is None or not name:
            return None
        members = declared.value if hasattr(declared, "value") else declared.field
        return next((int(m.number) for m in members if m.name == name), None)

    @staticmethod
    def _member(declared: Any, number: int) -> str:
        """The name of field (or enum value) `number` of a message (or enum); "" if none."""
        if declared is None:
            return ""
        members = declared.value if hasattr(declared, "value") else declared.field
        return next((str(m.name) for m in members if m.number == number), "")
