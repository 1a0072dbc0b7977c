"""Usage: records validated and version lookups per subject version, summed over the cluster
(each node flushes its counts every `REGISTRY_USAGE_FLUSH_SECONDS`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from llm_schema_registry.api.access import READ, requires
from llm_schema_registry.api.deps import QueryInt, Registry, Subject
from llm_schema_registry.api.models import ERRORS
from llm_schema_registry.registry.usage import UsageRecorder

router = APIRouter(tags=["usage"], responses=ERRORS)


class VersionUsage(BaseModel):
    version: int
    validations: int = Field(description="Records validated (valid + invalid)")
    valid: int
    invalid: int
    lookups: int = Field(description="Lookups and reads of this version")
    last_used_ms: int


class SubjectUsage(BaseModel):
    subject: str
    validations: int
    valid: int
    invalid: int
    lookups: int
    versions: list[VersionUsage]


class TopSubject(BaseModel):
    subject: str
    validations: int
    valid: int
    invalid: int
    lookups: int
    last_used_ms: int


def _usage(request: Request) -> UsageRecorder:
    recorder: UsageRecorder = request.app.state.usage
    return recorder


@router.get("/subjects/{subject}/usage", dependencies=[requires(READ)], response_model=SubjectUsage)
async def subject_usage(registry: Registry, request: Request, subject: Subject) -> dict[str, Any]:
    """Per version and in total; up to one flush interval behind for other nodes' counts."""
    (await registry.subject_versions(subject)).require()
    versions = [count.as_json() for count in await _usage(request).usage(subject)]
    totals = {
        name: sum(int(v[name]) for v in versions)
        for name in ("validations", "valid", "invalid", "lookups")
    }
    return {"subject": subject, **totals, "versions": versions}


@router.get(
    "/usage/top",
    dependencies=[requires(READ, listing="versions")],
    response_model=list[TopSubject],
)
async def top_subjects(
    request: Request,
    limit: Annotated[QueryInt, Query(ge=1, le=1000)] = 10,
    by: Annotated[Literal["validations", "lookups"], Query()] = "validations",
) -> list[dict[str, Any]]:
    """The subjects used most, by records validated or by lookups."""
    top = await _usage(request).top(by, limit)
    return [{k: v for k, v in count.as_json().items() if k != "version"} for count in top]
