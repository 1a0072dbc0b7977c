"""Governance endpoints: lifecycle, rollback, consumers, overview, bulk schemas and diffs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from llm_schema_registry.api.access import READ, requires
from llm_schema_registry.api.deps import Registry, Subject, Version, schema_json
from llm_schema_registry.api.models import ERRORS, Int32
from llm_schema_registry.governance.lifecycle import Transition, parse_state
from llm_schema_registry.governance.service import GovernanceService

router = APIRouter(tags=["governance"], responses=ERRORS)


def _governance(request: Request) -> GovernanceService:
    service: GovernanceService = request.app.state.governance
    return service


class VersionUpdate(BaseModel):
    """A lifecycle transition and/or new governance metadata for one version."""

    model_config = ConfigDict(extra="forbid")

    state: str | None = Field(default=None, description="DRAFT, ACTIVE, DEPRECATED or ARCHIVED")
    sunset_date: str | None = Field(
        default=None, description="DEPRECATED: an ISO 8601 date or RFC 3339 date-time, not past"
    )
    reason: str | None = Field(default=None, description="Why (required to deprecate)")
    metadata: dict[str, Any] | None = Field(
        default=None, description="Confluent metadata object replacing this version's"
    )


class VersionState(BaseModel):
    subject: str
    version: int
    state: str
    sunset_date: str | None = None
    reason: str | None = None
    metadata: dict[str, Any] | None = None


class RollbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target_version: Int32 = Field(description="Every ACTIVE version above it is deprecated")
    sunset_date: str | None = Field(default=None, description="Default: 30 days from now")
    reason: str | None = None


class RollbackResult(BaseModel):
    deprecated: list[int]
    latest: int


class ConsumerRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    consumer_id: str
    version: Int32 | str = Field(description="A version number, or latest")


class Consumer(BaseModel):
    consumer_id: str
    version: int
    registered_ms: int


class OverviewVersion(BaseModel):
    version: int
    id: int
    state: str
    sunset_date: str | None = None
    reason: str | None = None


class OverviewConsumer(BaseModel):
    consumer_id: str
    version: int


class OverviewReference(BaseModel):
    name: str
    subject: str
    version: int
    from_version: int


class OverviewReferrer(BaseModel):
    subject: str
    version: int
    to_version: int


class HistoryEntry(BaseModel):
    version: int
    kind: str = Field(description="state (a transition) or metadata (an in-place edit)")
    from_state: str | None = None
    to_state: str | None = None
    reason: str | None = None
    ts: int


class Overview(BaseModel):
    subject: str
    latest: int | None
    owner: str | None
    description: str | None
    tags: list[str]
    versions: list[OverviewVersion]
    consumers: list[OverviewConsumer]
    references: list[OverviewReference]
    referenced_by: list[OverviewReferrer]
    validations: dict[str, int] = Field(description="valid/invalid records seen by this node")
    history: list[HistoryEntry]


class BulkRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[Int32] = Field(max_length=10_000)


class BulkSchema(BaseModel):
    id: int
    schema_: str = Field(alias="schema")
    schemaType: str
    references: list[dict[str, Any]]
    subjects: list[str] = Field(description="the subjects holding it (that the caller may read)")


class BulkResult(BaseModel):
    schemas: list[BulkSchema]
    missing: list[int]


@router.put(
    "/subjects/{subject}/versions/{version}",
    dependencies=[requires("schema.update", "schema.approve", mutation=True)],
    response_model=VersionState,
)
async def update_version(
    registry: Registry, request: Request, subject: Subject, version: Version, body: VersionUpdate
) -> dict[str, Any]:
    """Move a version through its lifecycle and/or replace its governance metadata."""
    transition = None
    if body.state is not None:
        transition = Transition(parse_state(body.state), body.sunset_date, body.reason)
    await _governance(request).update_version(subject, version, transition, body.metadata)
    found = await registry.version(subject, version, archived=True)
    return {
        "subject": subject,
        "version": found.version,
        "state": found.state,
        "sunset_date": found.sunset_date,
        "reason": found.reason,
        "metadata": found.schema.metadata,
    }


@router.post(
    "/subjects/{subject}/rollback",
    dependencies=[requires("schema.update", mutation=True)],
    response_model=RollbackResult,
)
async def rollback(
    registry: Registry, request: Request, subject: Subject, body: RollbackRequest
) -> dict[str, Any]:
    """Deprecate every ACTIVE version above `target_version`; no new version is created."""
    moved = await _governance(request).rollback(
        subject, body.target_version, body.sunset_date, body.reason
    )
    latest = await registry.version(subject, "latest")
    return {"deprecated": moved, "latest": latest.version}


@router.post(
    "/subjects/{subject}/consumers",
    dependencies=[requires(READ, mutation=True)],
    response_model=Consumer,
)
async def add_consumer(request: Request, subject: Subject, body: ConsumerRequest) -> dict[str, Any]:
    """Register (or move) a consumer; refused (40951) for DEPRECATED or ARCHIVED versions."""
    service = _governance(request)
    await service.add_consumer(subject, body.consumer_id, body.version)
    return next(c for c in await service.consumers(subject) if c["consumer_id"] == body.consumer_id)


@router.get(
    "/subjects/{subject}/consumers", dependencies=[requires(READ)], response_model=list[Consumer]
)
async def list_consumers(request: Request, subject: Subject) -> list[dict[str, Any]]:
    return await _governance(request).consumers(subject)


@router.get("/subjects/{subject}/overview", dependencies=[requires(READ)], response_model=Overview)
async def overview(request: Request, subject: Subject) -> dict[str, Any]:
    """Versions with states, owner, tags, consumers, references both ways, validation
    counts and the transition history."""
    counts = request.app.state.validation.counts_for(subject)
    return await _governance(request).overview(subject, counts)


class DiffChange(BaseModel):
    path: str
    kind: str
    breaking: bool = Field(description="Under the subject's compatibility level")
    migration_note: str | None = Field(default=None, description="For breaking changes")
    description: str = Field(default="", description="What changed, naming the field")
    name: str = Field(default="", description="The field, property or symbol concerned")
    breaking_backward: bool = Field(description="New readers cannot read old data")
    breaking_forward: bool = Field(description="Old readers cannot read new data")
    compatibility_level: str = Field(description="The level `breaking` is judged under")


class DiffResult(BaseModel):
    version: int
    against: int
    changes: list[DiffChange]
    semver_bump: str = Field(description="major, minor, patch (documentation only) or none")


@router.get(
    "/subjects/{subject}/versions/{version}/diff",
    dependencies=[requires(READ)],
    response_model=DiffResult,
)
async def diff(
    request: Request, subject: Subject, version: Version, against: str
) -> dict[str, Any]:
    """The changes that turn version `against` into `version`, field by field."""
    return await _governance(request).diff(subject, version, against)


@router.post(
    "/schemas/bulk",
    dependencies=[requires(READ, listing="bulk")],
    response_model=BulkResult,
    response_model_by_alias=True,
)
async def bulk_schemas(request: Request, body: BulkRequest) -> dict[str, Any]:
    """Many schemas by id in one call; unknown ids are listed under `missing`. A caller
    limited to some subjects gets only schemas one of them holds (the security layer moves
    the others to `missing`)."""
    found, missing = await _governance(request).bulk(body.ids)
    schemas = []
    for schema, subjects in found:
        item = schema_json(schema)
        schemas.append(
            {
                "id": schema.id,
                "schema": item["schema"],
                "schemaType": schema.schema_type.value,
                "references": item.get("references", []),
                "subjects": subjects,
            }
        )
    return {"schemas": schemas, "missing": missing}
