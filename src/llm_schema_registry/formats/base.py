"""The contract every schema format (Avro, Protobuf, JSON Schema) fulfils.

Formats are plain Python: they know nothing of HTTP, SQL or subjects. The registry service
hands them schema text plus the already-resolved text of every reference, and gets back a
parsed schema it can canonicalize, compare and (later) validate data against.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, TypeVar


class SchemaType(StrEnum):
    AVRO = "AVRO"
    PROTOBUF = "PROTOBUF"
    JSON = "JSON"


@dataclass(frozen=True)
class ResolvedReference:
    """A Confluent reference `{name, subject, version}` with the referenced text filled in.

    `name` is what the referencing schema uses: an Avro full name, a Protobuf import path or
    a JSON Schema `$ref` target. `references` are the referenced schema's own references, so
    a format can resolve transitive imports without asking the store.
    """

    name: str
    subject: str
    version: int
    schema_type: SchemaType
    text: str
    references: tuple[ResolvedReference, ...] = ()


@dataclass(frozen=True)
class Incompatibility:
    """One reason a reader cannot read a writer's data.

    `kind` is a stable upper-case identifier (Confluent's/Avro's error type where one exists,
    e.g. READER_FIELD_MISSING_DEFAULT_VALUE), `path` a JSON-pointer-like location in the
    schema ("/fields/1/type"), `message` a sentence a person can act on.
    """

    kind: str
    path: str
    message: str


@dataclass(frozen=True)
class DataError:
    """One way a datum fails its schema; `path` is written `$.a.b[0]`."""

    path: str
    message: str


class InvalidSchemaError(Exception):
    """The schema text is malformed; the message says what is wrong and where."""


S = TypeVar("S")


class SchemaFormat(Protocol[S]):
    """One schema format.

    parse:      text + resolved references -> parsed schema, or InvalidSchemaError.
    canonical:  the text stored and returned (compact, nothing a reader needs is lost:
                docs, defaults, aliases, field order stay). Confluent's canonicalString.
    identity:   the form deciding whether two submissions are the same schema: insensitive
                to whitespace and JSON key order, sensitive to anything a reader sees.
    normalized: the text stored when a client asks `normalize=true` (Confluent's
                normalize(): equivalent spellings folded as well).
    render:     the text for a `?format=` query value (Avro `resolved`, Protobuf
                `serialized`/`ignore_extensions`); None or an unknown value -> canonical.
    can_read:   why `reader` cannot read data written with `writer` (empty: it can).
    """

    schema_type: SchemaType

    def parse(self, text: str, references: Sequence[ResolvedReference] = ()) -> S: ...

    def canonical(self, schema: S) -> str: ...

    def identity(self, schema: S) -> str: ...

    def normalized(self, schema: S) -> str: ...

    def render(self, schema: S, output_format: str | None) -> str: ...

    def can_read(self, reader: S, writer: S) -> list[Incompatibility]: ...
