"""`GET /subjects/{s}/versions/{v}/export`: a registered JSON Schema as an LLM provider's
payload, with the provider's strictness findings and (`fix=true`) the safe rewrites applied."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from llm_schema_registry.api.access import READ, requires
from llm_schema_registry.api.deps import Flag, Registry, Subject, Version
from llm_schema_registry.api.errors import NotExportableError
from llm_schema_registry.api.models import ERRORS
from llm_schema_registry.llm import exporting
from llm_schema_registry.llm.export import ExportError
from llm_schema_registry.llm.providers import Target

router = APIRouter(tags=["llm"], responses=ERRORS)


class ExportFinding(BaseModel):
    path: str
    rule: str
    message: str


class ExportResult(BaseModel):
    payload: dict[str, Any]
    findings: list[ExportFinding]
    fixes: list[ExportFinding]


@router.get(
    "/subjects/{subject}/versions/{version}/export",
    dependencies=[requires(READ)],
    response_model=ExportResult,
)
async def export_version(
    registry: Registry,
    subject: Subject,
    version: Version,
    target: Annotated[Target, Query(description="The provider whose payload to produce")],
    fix: Annotated[Flag, Query(description="Apply the safe rewrites first")] = False,
    name: Annotated[str | None, Query(description="Tool/schema name (default: subject)")] = None,
) -> dict[str, Any]:
    try:
        done = await exporting.export_version(
            registry, subject, version, target, fix=fix, name=name
        )
    except ExportError as error:
        raise NotExportableError(str(error)) from None
    return done.as_json()
