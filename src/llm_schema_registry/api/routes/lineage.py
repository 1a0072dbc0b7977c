"""Lineage and impact: the reference graph around a version, and what a proposed version
would do to every schema referencing the subject, transitively (nothing is stored)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from llm_schema_registry.api.access import READ, requires
from llm_schema_registry.api.deps import QueryInt, Subject, to_request
from llm_schema_registry.api.models import ERRORS, RegisterSchemaRequest
from llm_schema_registry.api.routes.governance import DiffChange
from llm_schema_registry.governance.impact import ImpactAnalysis
from llm_schema_registry.governance.lineage import MAX_DEPTH, Lineage

router = APIRouter(tags=["lineage"], responses=ERRORS)


class LineageNode(BaseModel):
    id: str = Field(description="`subject@version`, or `consumer:<id>@subject`")
    kind: str = Field(description="schema or consumer")
    subject: str
    version: int
    schemaType: str | None = None
    state: str | None = None
    owner: str | None = None
    consumer: str | None = Field(default=None, description="The consumer id (consumer nodes)")


class LineageEdge(BaseModel):
    from_: str = Field(alias="from", description="Referencing version, or the consumer")
    to: str = Field(description="Referenced (consumed) version")
    kind: str = Field(description="references or consumer")


class LineageGraph(BaseModel):
    root: str
    nodes: list[LineageNode]
    edges: list[LineageEdge]


class PathStep(BaseModel):
    subject: str
    version: int


class ImpactConsumer(BaseModel):
    consumer_id: str
    version: int


class Affected(BaseModel):
    subject: str
    version: int = Field(description="The newest version referencing the subject (transitively)")
    via: list[PathStep] = Field(description="References from this version to the subject")
    consumers: list[ImpactConsumer]
    breaking: bool = Field(description="Incompatible under its own level with the proposal in")
    reasons: list[str]


class ImpactResult(BaseModel):
    compatible: bool = Field(description="The proposal against its own subject's versions")
    messages: list[str]
    changes: list[DiffChange] = Field(description="From the subject's latest version")
    semver_bump: str
    affected: list[Affected]


def _lineage(request: Request) -> Lineage:
    service: Lineage = request.app.state.lineage
    return service


def _impact(request: Request) -> ImpactAnalysis:
    service: ImpactAnalysis = request.app.state.impact
    return service


@router.get(
    "/subjects/{subject}/lineage",
    dependencies=[requires(READ, listing="lineage")],
    response_model=LineageGraph,
    response_model_by_alias=True,
)
async def lineage(
    request: Request,
    subject: Subject,
    version: Annotated[str, Query(description="A version number, or latest")] = "latest",
    depth: Annotated[QueryInt, Query(ge=0, le=MAX_DEPTH, description="Hops each way")] = 3,
) -> dict[str, Any]:
    """What this version references and what references it, transitively to `depth`, with
    the registered consumers of every subject in the graph (subjects outside the caller's
    scope left out)."""
    return await _lineage(request).graph(subject, version, depth)


@router.post(
    "/subjects/{subject}/impact",
    dependencies=[requires(READ, listing="impact")],
    response_model=ImpactResult,
)
async def impact(request: Request, subject: Subject, body: RegisterSchemaRequest) -> dict[str, Any]:
    """A proposed version (as for registration) checked against its subject, and every
    subject referencing it, directly or transitively, re-checked with it substituted
    (subjects outside the caller's scope masked)."""
    return await _impact(request).impact(subject, to_request(body))
