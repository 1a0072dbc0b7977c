"""Registry records: what the service stores and returns. Plain data, no behaviour."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NewType

from llm_schema_registry.formats.base import SchemaType

SchemaId = NewType("SchemaId", int)
Subject = NewType("Subject", str)

JsonObject = dict[str, Any]

MAX_VERSION = 2**31 - 1
GLOBAL_SCOPE = ""  # the config/mode scope key for registry-wide settings
# Schema keys in storage: context number * ID_SPACE + id (see registry/contexts.py); the
# default context is number 0, so its keys are its ids.
ID_SPACE = 2**32


class Mode(StrEnum):
    READWRITE = "READWRITE"
    READONLY = "READONLY"
    READONLY_OVERRIDE = "READONLY_OVERRIDE"
    IMPORT = "IMPORT"

    @property
    def writable(self) -> bool:
        return self in (Mode.READWRITE, Mode.IMPORT)


@dataclass(frozen=True)
class Reference:
    """Confluent's reference object: `name` is how the schema refers to it."""

    name: str
    subject: str
    version: int

    def as_json(self) -> JsonObject:
        return {"name": self.name, "subject": self.subject, "version": self.version}


@dataclass(frozen=True)
class StoredSchema:
    """Immutable schema content: one row per distinct (type, text, references, metadata, rules)."""

    id: SchemaId
    guid: str
    schema_type: SchemaType
    text: str
    content_hash: str = ""
    references: tuple[Reference, ...] = ()
    metadata: JsonObject | None = None
    rule_set: JsonObject | None = None


@dataclass(frozen=True)
class SubjectVersion:
    subject: str
    version: int
    schema: StoredSchema
    deleted: bool = False
    ts: int = 0  # milliseconds since the epoch, when this version was registered
    # Lifecycle: DRAFT, ACTIVE, DEPRECATED or ARCHIVED, as stored; see registry/versions.py.
    state: str = "ACTIVE"
    sunset_date: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class LifecycleEvent:
    """One governance change of a version: a state transition or a metadata edit."""

    subject: str
    version: int
    kind: str  # "state" | "metadata"
    from_state: str | None
    to_state: str | None
    reason: str | None
    ts: int  # milliseconds since the epoch


@dataclass(frozen=True)
class NewSchema:
    """Content the service has parsed and canonicalized, ready to be stored."""

    schema_type: SchemaType
    text: str
    identity_hash: str
    content_hash: str
    references: tuple[Reference, ...] = ()
    metadata: JsonObject | None = None
    rule_set: JsonObject | None = None


@dataclass
class RegisterRequest:
    """A registration or lookup as a client sent it (fields as Confluent names them)."""

    schema: str
    schema_type: SchemaType = SchemaType.AVRO
    references: tuple[Reference, ...] = ()
    metadata: JsonObject | None = None
    rule_set: JsonObject | None = None
    id: int | None = None
    version: int | None = None
    state: str | None = None  # governance: "DRAFT" registers a draft version
