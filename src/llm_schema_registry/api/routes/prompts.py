"""`POST /subjects/{s}/versions/{v}/render`: a prompt template rendered with variables, with
its output schema as JSON Schema or as an LLM provider's payload (the export's)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from llm_schema_registry.api.access import READ, requires
from llm_schema_registry.api.deps import Registry, Subject, Version
from llm_schema_registry.api.models import ERRORS
from llm_schema_registry.api.routes.export import ExportFinding
from llm_schema_registry.formats.base import OutputSchema
from llm_schema_registry.llm.export import export
from llm_schema_registry.llm.providers import Target
from llm_schema_registry.llm.refs import embed_references

router = APIRouter(tags=["llm"], responses=ERRORS)


class RenderRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    variables: Any = Field(default_factory=dict, description="The call: a JSON object")
    target: Target | None = Field(
        default=None, description="Return the output schema as this provider's payload"
    )
    name: Annotated[str | None, Field(description="Tool/schema name (default: subject)")] = None


class RenderedMessage(BaseModel):
    role: str
    content: str


class RenderResult(BaseModel):
    subject: str
    version: int
    messages: list[RenderedMessage]
    model: dict[str, Any] | None = Field(default=None, description="The model settings")
    output_schema: dict[str, Any] | None = Field(
        default=None,
        description="The output schema: the provider payload with `target`, else JSON Schema",
    )
    output_findings: list[ExportFinding] | None = Field(
        default=None, description="With `target`: what the provider would refuse in it"
    )


@router.post(
    "/subjects/{subject}/versions/{version}/render",
    response_model=RenderResult,
    response_model_exclude_none=True,
    dependencies=[requires(READ)],
)
async def render(
    registry: Registry, subject: Subject, version: Version, body: RenderRequest
) -> dict[str, Any]:
    rendered = await registry.render_prompt(subject, version, body.variables)
    found: dict[str, Any] = {
        "subject": rendered.version.subject,
        "version": rendered.version.version,
        "messages": [message.as_json() for message in rendered.messages],
        "model": dict(rendered.settings) or None,
    }
    if rendered.output is not None:
        found.update(_output(rendered.output, body.target, body.name))
    return found


def _output(output: OutputSchema, target: Target | None, name: str | None) -> dict[str, Any]:
    """The output schema, self-contained (its references embedded), or `target`'s payload."""
    if target is None or not isinstance(output.document, dict):
        document = output.document
        if isinstance(document, dict):
            document = embed_references(document, output.documents)
        return {"output_schema": document}
    done = export(
        target,
        output.document,
        subject=output.subject,
        version=output.version,
        name=name,
        references=output.documents,
    )
    return {"output_schema": done.payload, "output_findings": done.as_json()["findings"]}
