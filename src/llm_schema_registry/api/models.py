"""Request and response bodies of the Confluent API, as documented in /openapi.json."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

# An id or version number in a request body: a Java int, as Confluent's entities declare them
# (an integer past 64 bits would otherwise reach the database, and fail there with a 500).
Int32 = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]


class SchemaReference(BaseModel):
    name: str = Field(
        description="How the referencing schema names it (Avro full name, "
        "Protobuf import path, JSON Schema $ref)"
    )
    subject: str
    version: Int32 = Field(description="A version number, or -1 for the latest")


class RegisterSchemaRequest(BaseModel):
    """Body of registration, lookup and compatibility checks (unknown keys are ignored)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    schema_: str | None = Field(
        default=None,
        alias="schema",
        description="The schema text. Registration without it re-registers the latest "
        "version's schema (with this body's metadata and ruleSet), as Confluent does",
    )
    schemaType: str = Field(
        default="AVRO", description="AVRO (default), PROTOBUF, JSON or PROMPT (prompt template)"
    )
    references: list[SchemaReference] | None = None
    metadata: dict[str, Any] | None = None
    ruleSet: dict[str, Any] | None = None
    id: Int32 | None = Field(default=None, description="Explicit id (IMPORT mode only)")
    version: Int32 | None = Field(default=None, description="Explicit version (IMPORT mode only)")
    state: str | None = Field(default=None, description="DRAFT registers a draft version")


class SamplesReport(BaseModel):
    """Stored samples replayed against the proposed version (`?samples=true`)."""

    checked: int
    rejected: int
    examples: list[dict[str, Any]] = Field(
        description="The first five rejected samples, each with its errors"
    )


class SchemaObject(BaseModel):
    """A schema as Confluent returns it; AVRO omits `schemaType`, empty lists are omitted."""

    subject: str | None = None
    version: int | None = None
    id: int | None = None
    guid: str | None = None
    schemaType: str | None = None
    references: list[SchemaReference] | None = None
    metadata: dict[str, Any] | None = None
    ruleSet: dict[str, Any] | None = None
    schema_: str = Field(alias="schema")
    maxId: int | None = None
    ts: int | None = None
    deleted: bool | None = None
    state: str | None = Field(default=None, description="Lifecycle state (governance)")
    sunset_date: str | None = None
    reason: str | None = None
    warnings: list[dict[str, str]] | None = Field(
        default=None, description="Registration: what the registration policies warn about"
    )
    samples: SamplesReport | None = Field(
        default=None, description="Registration with ?samples=true: the samples replayed"
    )


class SubjectVersionPair(BaseModel):
    subject: str
    version: int


class CompatibilityResult(BaseModel):
    is_compatible: bool
    messages: list[str] | None = None
    samples: SamplesReport | None = None


class ConfigUpdate(BaseModel):
    """PUT /config body; `compatibility` (Confluent) or `compatibilityLevel` (also accepted)."""

    model_config = ConfigDict(extra="ignore")

    compatibility: str | None = None
    compatibilityLevel: str | None = None
    normalize: bool | None = None
    alias: str | None = None
    validateFields: bool | None = None
    validateRules: bool | None = None
    compatibilityGroup: str | None = None
    compatibilityPolicy: str | None = None
    defaultMetadata: dict[str, Any] | None = None
    overrideMetadata: dict[str, Any] | None = None
    defaultRuleSet: dict[str, Any] | None = None
    overrideRuleSet: dict[str, Any] | None = None
    maxVersions: int | None = Field(
        default=None,
        ge=1,
        le=2**31 - 1,
        description="Live versions kept; older ones are archived (100)",
    )
    sampleRecords: int | None = Field(
        default=None,
        strict=True,
        description="Recent records that passed /validate kept for replay (0: none)",
    )
    samplesGate: bool | None = Field(
        default=None, strict=True, description="Refuse a registration that rejects a curated sample"
    )
    llmProfiles: list[str] | None = Field(
        default=None,
        description="Dated LLM provider profiles every schema must satisfy at registration "
        "(e.g. openai-strict@2026-02)",
    )


class ConfigObject(ConfigUpdate):
    """A stored configuration (GET/DELETE /config)."""


class ModeBody(BaseModel):
    mode: str = Field(description="READWRITE, READONLY, READONLY_OVERRIDE or IMPORT")


class ErrorBody(BaseModel):
    error_code: int
    message: str


class ServerVersion(BaseModel):
    version: str
    commitId: str


class ClusterId(BaseModel):
    id: str
    scope: dict[str, Any]


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in (
        (400, "Malformed request"),
        (404, "Not found (40401 subject, 40402 version, 40403 schema, 40408/40409 no config)"),
        (409, "Incompatible schema (40901)"),
        (413, "Request body too large (41301)"),
        (
            422,
            "Invalid input (42201 schema, 42202 version, 42203 level, 42204 mode, 42205 not "
            "permitted, 42206 referenced, 42207 id conflict, 42208 subject, 42209 too large, "
            "42210 ruleSet, 4225x policies and profiles, 4226x LLM exports and prompts)",
        ),
        (500, "Store error (50001)"),
    )
}
