"""The contract every schema format (Avro, Protobuf, JSON Schema, prompt templates) fulfils.

Formats are plain Python: they know nothing of HTTP, SQL or subjects. The registry service
hands them schema text plus the already-resolved text of every reference, and gets back a
parsed schema it can canonicalize, compare, list the fields of and validate data against.
Everything outside `formats/` asks the protocol instead of branching on the schema type.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol, TypeVar


class SchemaType(StrEnum):
    AVRO = "AVRO"
    PROTOBUF = "PROTOBUF"
    JSON = "JSON"
    PROMPT = "PROMPT"


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
class Change:
    """One difference between an old and a new version of a schema, judged both ways.

    `path` locates it in the format's own notation (`$.count` for Avro, `#/properties/age`
    for JSON Schema, `#/Order/2` for Protobuf); `kind` is a stable upper-case identifier
    (Confluent's Difference.Type for JSON Schema and Protobuf). `backward` is True when a
    reader of the new version cannot read data written with the old one, `forward` when a
    reader of the old version cannot read data of the new one. `name` is the field, property,
    symbol or element concerned (`count`) and `description` a sentence naming it
    (`Field Order.count (field 2) removed`).
    """

    path: str
    kind: str
    backward: bool
    forward: bool
    name: str = ""
    description: str = ""

    @property
    def compatible(self) -> bool:
        """Confluent's verdict for original = old, update = new: new readers read old data."""
        return not self.backward

    def __str__(self) -> str:
        return f"{self.kind} {self.path}"


@dataclass(frozen=True)
class FieldInfo:
    """One field a schema declares, for rules over names and shape (registration policies).

    `path` joins names with dots from the top (`home.street_address`, `Person.Inner.dob`);
    `depth` is 1 for a top-level field; `parent` is the path of the record, object or message
    declaring it (`""` for the top level), so fields sharing a parent are siblings.
    """

    path: str
    name: str
    depth: int
    parent: str


@dataclass(frozen=True)
class DataError:
    """One way a datum fails its schema; `path` is written `$.a.b[0]`."""

    path: str
    message: str


def json_path(parts: Sequence[str | int]) -> str:
    """The `$.a.b[0]` notation of `DataError.path`."""
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


class DataValidator(Protocol):
    """One schema compiled for checking data: compile once, check many records.

    `message` names the Protobuf message type to check against (default: the file's first);
    the other formats have one root type and ignore it.
    """

    def errors(self, datum: Any, message: str | None = None) -> list[DataError]: ...


class InvalidSchemaError(Exception):
    """The schema text is malformed; the message says what is wrong and where."""


class RenderError(Exception):
    """A prompt template failed while rendering valid variables (a filter given a value of
    the wrong kind, too much output or too many loop iterations); the message says which."""


@dataclass(frozen=True)
class Message:
    """One rendered chat message."""

    role: str
    content: str

    def as_json(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


@dataclass(frozen=True)
class OutputSchema:
    """The JSON Schema a prompt's answer must satisfy: a registered subject's version,
    named by the prompt's reference `reference`. `document` is its decoded JSON and
    `documents` what it references in turn (name -> decoded JSON), for self-contained
    exports."""

    reference: str
    subject: str
    version: int
    document: Any
    documents: Mapping[str, Any]


class PromptTemplate(Protocol):
    """A schema that is a prompt template: chat messages rendered from a variables object.

    `render` expects variables already checked with the format's `validator` (the variables
    schema) and raises RenderError when the template fails anyway. `output` is the schema
    the model's answer must satisfy, `settings` the model settings (free-form JSON).
    """

    @property
    def output(self) -> OutputSchema | None: ...

    @property
    def settings(self) -> Mapping[str, Any]: ...

    def render(self, variables: Mapping[str, Any]) -> list[Message]: ...


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
    differences: every change from `old` to `new`, compatible or not, each judged both ways.
    fields:     every field the schema itself declares (not those of referenced schemas).
    validator:  the schema compiled for checking data; `validate` checks one datum at once.
    json_schema: the schema as a JSON Schema document (LLM provider exports, repair prompts,
                Pydantic models), or None when the format offers none; `has_json_schema`
                says so without a parsed schema. It describes what `validator` checks.
    prompt:     the schema as a prompt template, or None when it describes data only.
    """

    schema_type: SchemaType
    has_json_schema: bool

    def parse(self, text: str, references: Sequence[ResolvedReference] = ()) -> S: ...

    def canonical(self, schema: S) -> str: ...

    def identity(self, schema: S) -> str: ...

    def normalized(self, schema: S) -> str: ...

    def render(self, schema: S, output_format: str | None) -> str: ...

    def can_read(self, reader: S, writer: S) -> list[Incompatibility]: ...

    def differences(self, old: S, new: S) -> list[Change]: ...

    def fields(self, schema: S) -> Iterator[FieldInfo]: ...

    def validator(self, schema: S) -> DataValidator: ...

    def validate(self, schema: S, datum: Any, message: str | None = None) -> list[DataError]: ...

    def json_schema(self, schema: S) -> Any | None: ...

    def prompt(self, schema: S) -> PromptTemplate | None: ...
