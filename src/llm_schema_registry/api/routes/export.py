"""`GET /subjects/{s}/versions/{v}/export`: a registered JSON Schema as an LLM provider's
payload, with the provider's strictness findings and (`fix=true`) the safe rewrites applied."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from llm_schema_registry.api.access import READ, requires
from llm_schema_registry.api.deps import Flag, Registry, Subject
from llm_schema_registry.api.errors import NotExportableError
from llm_schema_registry.api.models import ERRORS
from llm_schema_registry.formats import format_for
from llm_schema_registry.llm.export import export
from llm_schema_registry.llm.providers import Target
from llm_schema_registry.registry.model import StoredSchema
from llm_schema_registry.registry.service import RegistryService

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
    version: str,
    target: Annotated[Target, Query(description="The provider whose payload to produce")],
    fix: Annotated[Flag, Query(description="Apply the safe rewrites first")] = False,
    name: Annotated[str | None, Query(description="Tool/schema name (default: subject)")] = None,
) -> dict[str, Any]:
    found = await registry.version(subject, version)
    fmt = format_for(found.schema.schema_type)
    document = fmt.json_schema(await registry.parsed(found.schema)) if fmt.has_json_schema else None
    if document is None:
        raise NotExportableError(
            f"Subject '{subject}' version {found.version} is {found.schema.schema_type.value}; "
            "only JSON Schema can be exported to an LLM provider"
        )
    if not isinstance(document, dict):
        raise NotExportableError("Only a JSON Schema object can be exported")
    references = await _referenced(registry, found.schema)
    done = export(
        target,
        document,
        subject=subject,
        version=found.version,
        fix=fix,
        name=name,
        references=references,
    )
    return done.as_json()


async def _referenced(registry: RegistryService, schema: StoredSchema) -> dict[str, Any]:
    """Every document `schema` references, transitively: name -> JSON Schema."""
    found: dict[str, Any] = {}
    for ref in schema.references:
        if ref.name not in found:
            target = await registry.version(ref.subject, ref.version)
            found[ref.name] = json.loads(target.schema.text)
            found.update(await _referenced(registry, target.schema))
    return found
