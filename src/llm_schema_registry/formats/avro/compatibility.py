"""Can a reader schema read a writer's data? A port of the behaviour of Java's
`org.apache.avro.SchemaCompatibility`, which Confluent runs for Avro.

Kinds and paths follow Java (`SchemaIncompatibilityType` names; locations such as
`/fields/1/type`); messages follow Confluent's descriptions, with "reader"/"writer" in place
of "new"/"old" because the same pair serves BACKWARD (reader = new) and FORWARD (reader = old).
"""

from __future__ import annotations

from typing import Final

from llm_schema_registry.formats.avro.model import (
    Array,
    Enum,
    Field,
    Fixed,
    Map,
    NamedNode,
    Node,
    Primitive,
    Record,
    Union,
)
from llm_schema_registry.formats.base import Incompatibility

# Writer types a reader type accepts besides its own (Avro's promotions).
_PROMOTIONS: Final = {
    "long": frozenset({"int"}),
    "float": frozenset({"int", "long"}),
    "double": frozenset({"int", "long", "float"}),
    "bytes": frozenset({"string"}),
    "string": frozenset({"bytes"}),
}

_Result = list[Incompatibility]
_IN_PROGRESS: Final[_Result] = []


def can_read(reader: Node, writer: Node) -> list[Incompatibility]:
    """Every reason `reader` cannot read data written with `writer` (empty: it can)."""
    return _Checker().check(reader, writer, [""])


class _Checker:
    """One reader/writer comparison; memoizes node pairs, which also stops recursion."""

    def __init__(self) -> None:
        self._memo: dict[tuple[int, int], _Result] = {}
        self._fields_by_name: dict[int, dict[str, Field]] = {}

    def check(self, reader: Node, writer: Node, location: list[str]) -> _Result:
        if isinstance(reader, Primitive) and reader.type == writer.type:
            return []  # the common case, answered without memo bookkeeping
        # Java memoizes on node identity; a pair met again while still being computed is a
        # recursive type and counts as compatible, so cycles terminate.
        key = (id(reader), id(writer))
        found = self._memo.get(key)
        if found is not None:
            return found
        self._memo[key] = _IN_PROGRESS
        result = self._calculate(reader, writer, location)
        self._memo[key] = result
        return result

    def _at(self, token: str, reader: Node, writer: Node, location: list[str]) -> _Result:
        return self.check(reader, writer, [*location, token])

    def _calculate(self, reader: Node, writer: Node, location: list[str]) -> _Result:
        if reader.type == writer.type:
            return self._same_type(reader, writer, location)
        if isinstance(writer, Union):
            # Every branch the writer may have used must be readable.
            return [
                problem
                for index, branch in enumerate(writer.branches)
                for problem in self._at(str(index), reader, branch, location)
            ]
        if isinstance(reader, Union):
            if any(not self.check(branch, writer, location) for branch in reader.branches):
                return []
            return [_missing_branch(location)]
        if writer.type in _PROMOTIONS.get(reader.type, ()):
            return []
        return [_type_mismatch(reader, writer, location)]

    def _same_type(self, reader: Node, writer: Node, location: list[str]) -> _Result:
        if isinstance(reader, Array) and isinstance(writer, Array):
            return self._at("items", reader.items, writer.items, location)
        if isinstance(reader, Map) and isinstance(writer, Map):
            return self._at("values", reader.values, writer.values, location)
        if isinstance(reader, Union) and isinstance(writer, Union):
            found: _Result = []
            for index, branch in enumerate(writer.branches):
                if self.check(reader, branch, [*location, str(index)]):
                    found.append(_missing_branch([*location, str(index)]))
            return found
        if isinstance(reader, Fixed) and isinstance(writer, Fixed):
            return [*_names(reader, writer, location), *_fixed_size(reader, writer, location)]
        if isinstance(reader, Enum) and isinstance(writer, Enum):
            return [*_names(reader, writer, location), *_enum_symbols(reader, writer, location)]
        if isinstance(reader, Record) and isinstance(writer, Record):
            return [*_names(reader, writer, location), *self._fields(reader, writer, location)]
        return []  # the same primitive type

    def _fields(self, reader: Record, writer: Record, location: list[str]) -> _Result:
        found: _Result = []
        for field in reader.fields:
            at = [*location, "fields", str(field.position)]
            written = self._writer_field(writer, field)
            if written is not None:
                found += self._at("type", field.type, written.type, at)
            elif field.has_default:
                continue
            elif isinstance(field.type, Enum) and field.type.default is not None:
                # Java's quirk, kept for identical verdicts: it then compares the field's enum
                # with the writer record itself, which is a type mismatch.
                found += self._at("type", field.type, writer, at)
            else:
                found.append(
                    Incompatibility(
                        "READER_FIELD_MISSING_DEFAULT_VALUE",
                        _path(at),
                        f"The field '{field.name}' at path '{_path(at)}' in the reader schema "
                        "has no default value and is missing in the writer schema",
                    )
                )
        return found

    def _writer_field(self, writer: Record, field: Field) -> Field | None:
        """The writer field a reader field reads: same name, else one named by an alias."""
        by_name = self._fields_by_name.get(id(writer))
        if by_name is None:
            by_name = self._fields_by_name[id(writer)] = {f.name: f for f in writer.fields}
        found = by_name.get(field.name)
        if found is None:
            found = next((by_name[a] for a in field.aliases if a in by_name), None)
        return found


def _names(reader: NamedNode, writer: NamedNode, location: list[str]) -> _Result:
    # Java compares unqualified names, then the reader's (fully qualified) aliases against the
    # writer's full name.
    if reader.name == writer.name or writer.full_name in reader.aliases:
        return []
    path = _path([*location, "name"])
    return [
        Incompatibility(
            "NAME_MISMATCH",
            path,
            f"The name of the schema has changed (path '{path}'): "
            f"expected {writer.full_name}, found {reader.full_name}",
        )
    ]


def _fixed_size(reader: Fixed, writer: Fixed, location: list[str]) -> _Result:
    if reader.size == writer.size:
        return []
    path = _path([*location, "size"])
    return [
        Incompatibility(
            "FIXED_SIZE_MISMATCH",
            path,
            f"The size of FIXED type field at path '{path}' in the reader schema does not "
            f"match with the writer schema: expected {writer.size}, found {reader.size}",
        )
    ]


def _enum_symbols(reader: Enum, writer: Enum, location: list[str]) -> _Result:
    missing = sorted(set(writer.symbols) - set(reader.symbols))
    # A reader default symbol absorbs every unknown writer symbol.
    if not missing or (reader.default is not None and reader.default in reader.symbols):
        return []
    path = _path([*location, "symbols"])
    return [
        Incompatibility(
            "MISSING_ENUM_SYMBOLS",
            path,
            f"The reader schema is missing enum symbols '[{', '.join(missing)}]' at path "
            f"'{path}' in the writer schema",
        )
    ]


def _missing_branch(location: list[str]) -> Incompatibility:
    path = _path(location)
    return Incompatibility(
        "MISSING_UNION_BRANCH",
        path,
        f"The reader schema is missing a type inside a union field at path '{path}' "
        "in the writer schema",
    )


def _type_mismatch(reader: Node, writer: Node, location: list[str]) -> Incompatibility:
    path = _path(location)
    return Incompatibility(
        "TYPE_MISMATCH",
        path,
        f"The type (path '{path}') of a field in the reader schema does not match with the "
        f"writer schema: reader type {reader.type.upper()} cannot read writer type "
        f"{writer.type.upper()}",
    )


def _path(location: list[str]) -> str:
    """Java's JSON-pointer location, the root token left out."""
    return "/" + "/".join(t.replace("~", "~0").replace("/", "~1") for t in location[1:])
