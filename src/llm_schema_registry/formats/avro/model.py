"""The parsed Avro schema tree: one small node class per Avro type.

The tree is what every other module works on (canonical text, compatibility), so it keeps
everything a reader of the schema can observe: docs, defaults, aliases, order and custom
properties. Named types are shared objects: a reference by name points at the same node as
the definition, which makes recursive schemas cyclic graphs rather than infinite trees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, TypeAlias

PRIMITIVES: Final = frozenset(
    {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}
)

JsonValue: TypeAlias = Any
"""A value decoded by `json.loads`; Avro defaults and custom properties may be any JSON."""


class _NoDefault:
    """Marker for a field without `default` (JSON null is a real default)."""

    def __repr__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: Final = _NoDefault()


@dataclass(eq=False)
class Primitive:
    """null, boolean, int, long, float, double, bytes or string, with optional properties."""

    type: str
    props: dict[str, JsonValue] = field(default_factory=dict)


@dataclass(eq=False)
class Array:
    """An array of `items`."""

    items: Node
    props: dict[str, JsonValue] = field(default_factory=dict)
    type: str = "array"


@dataclass(eq=False)
class Map:
    """A map from strings to `values`."""

    values: Node
    props: dict[str, JsonValue] = field(default_factory=dict)
    type: str = "map"


@dataclass(eq=False)
class Union:
    """A union; branches keep their declared order (the first one types the default)."""

    branches: tuple[Node, ...]
    type: str = "union"


@dataclass(eq=False)
class Named:
    """What records, enums and fixed types share: a full name, doc and aliases.

    `namespace` is None for the null namespace; `aliases` are full names, resolved against
    the type's own namespace as Java does.
    """

    name: str
    namespace: str | None
    doc: str | None = None
    aliases: tuple[str, ...] = ()
    props: dict[str, JsonValue] = field(default_factory=dict)

    @property
    def full_name(self) -> str:
        return f"{self.namespace}.{self.name}" if self.namespace else self.name


@dataclass(eq=False)
class Field:
    """A record field; `default` is NO_DEFAULT when absent."""

    name: str
    type: Node
    position: int
    doc: str | None = None
    default: JsonValue = NO_DEFAULT
    order: str = "ascending"
    aliases: tuple[str, ...] = ()
    props: dict[str, JsonValue] = field(default_factory=dict)

    @property
    def has_default(self) -> bool:
        return self.default is not NO_DEFAULT


@dataclass(eq=False)
class Record(Named):
    """A record (or an `error`, which Avro treats as a record)."""

    fields: list[Field] = field(default_factory=list)
    is_error: bool = False
    type: str = "record"


@dataclass(eq=False)
class Enum(Named):
    """An enum; `default` is the symbol readers use for unknown writer symbols."""

    symbols: tuple[str, ...] = ()
    default: str | None = None
    type: str = "enum"


@dataclass(eq=False)
class Fixed(Named):
    """A fixed-size byte string."""

    size: int = 0
    type: str = "fixed"


NamedNode: TypeAlias = Record | Enum | Fixed
Node: TypeAlias = Primitive | Array | Map | Union | Record | Enum | Fixed


@dataclass(frozen=True, eq=False)
class AvroSchema:
    """A parsed, validated Avro schema: what `AvroFormat.parse` returns.

    `root` is the schema tree. `referenced` holds the named types that came from references
    (full name -> node); `defined` the named types this schema defines itself. `fastavro`
    is the same schema as parsed by fastavro (self-contained, references inlined), ready
    for encoding and data validation.
    """

    text: str
    root: Node
    defined: dict[str, NamedNode]
    referenced: dict[str, NamedNode]
    fastavro: Any
