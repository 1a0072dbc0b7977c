"""Working with a subject: its lineage graph and the impact of a proposed version, the
validation playground, and the LLM provider export preview."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from llm_schema_registry.api.access import READ, VALIDATE, requires
from llm_schema_registry.api.deps import Subject
from llm_schema_registry.formats.base import SchemaType
from llm_schema_registry.llm.check import llm_output_result
from llm_schema_registry.llm.export import ExportError
from llm_schema_registry.llm.exporting import export_version
from llm_schema_registry.llm.providers import Target
from llm_schema_registry.registry.errors import InvalidSchemaError, RegistryError
from llm_schema_registry.registry.model import Reference, RegisterRequest
from llm_schema_registry.registry.service import RegistryService
from llm_schema_registry.registry.validation import DataValidation, ValidationTarget
from llm_schema_registry.security.authorization import Listing, sees_all, visible
from llm_schema_registry.ui.forms import form, service
from llm_schema_registry.ui.highlight import pretty
from llm_schema_registry.ui.render import PREFIX, PageRoute, Viewer, page, viewer

router = APIRouter(prefix=PREFIX, route_class=PageRoute)


async def _lineage_page(
    request: Request, subject: str, version: str, depth: int, **extra: Any
) -> Response:
    seen = viewer(request)
    registry: RegistryService = service(request, "registry")
    graph = await service(request, "lineage").graph(subject, version or "latest", depth)
    latest = await registry.version(subject, version or "latest", archived=True)
    defaults = {
        "schema": pretty(latest.schema.text)[0],
        "schemaType": latest.schema.schema_type.value,
        "references": json.dumps([r.as_json() for r in latest.schema.references], indent=2),
    }
    return page(
        request,
        "lineage.html",
        extra.pop("status", 200),
        subject=subject,
        graph=_readable(seen, "lineage", graph),
        depth=depth,
        version=version,
        types=list(SchemaType),
        proposal=extra.pop("proposal", defaults),
        impact=extra.pop("impact", None),
        error=extra.pop("error", None),
    )


def _readable(seen: Viewer, listing: Listing, reply: dict[str, Any]) -> dict[str, Any]:
    """The reply as the viewer may see it (the API's listing rules)."""
    if seen.principal is None or sees_all(seen.principal):
        return reply
    found: dict[str, Any] = visible(seen.principal, listing, reply)
    return found


@router.get(
    "/subjects/{subject}/lineage", dependencies=[requires(READ, session=True)], response_model=None
)
async def lineage_page(
    request: Request, subject: Subject, version: str = "", depth: int = 3
) -> Response:
    """The graph (drawn by lineage.js from the data on the page) and the impact form."""
    return await _lineage_page(request, subject, version, max(0, min(depth, 10)))


@router.post(
    "/subjects/{subject}/impact", dependencies=[requires(READ, session=True)], response_model=None
)
async def impact_page(request: Request, subject: Subject) -> Response:
    """A pasted proposal's impact (nothing is stored)."""
    fields = await form(request)
    proposal = {k: fields.get(k, "") for k in ("schema", "schemaType", "references")}
    seen = viewer(request)
    try:
        wanted = _request(proposal)
        found = await service(request, "impact").impact(subject, wanted)
    except RegistryError as error:
        return await _lineage_page(
            request, subject, "", 3, status=422, proposal=proposal, error=str(error)
        )
    shown = _readable(seen, "impact", found)
    return await _lineage_page(request, subject, "", 3, proposal=proposal, impact=shown)


def _request(proposal: dict[str, str]) -> RegisterRequest:
    kind = proposal["schemaType"].upper()
    if kind not in SchemaType.__members__:
        raise InvalidSchemaError(f"Invalid schemaType '{kind}'")
    try:
        listed = json.loads(proposal["references"] or "[]")
        refs = tuple(Reference(r["name"], r["subject"], int(r["version"])) for r in listed)
    except (ValueError, KeyError, TypeError) as error:
        raise InvalidSchemaError(
            'References: a JSON list of {"name", "subject", "version"} objects'
        ) from error
    return RegisterRequest(schema=proposal["schema"], schema_type=SchemaType(kind), references=refs)


@router.get(
    "/subjects/{subject}/playground",
    dependencies=[requires(VALIDATE, session=True)],
    response_model=None,
)
async def playground(request: Request, subject: Subject) -> Response:
    versions = (await service(request, "registry").subject_versions(subject)).require()
    numbers = [v.version for v in versions.checked]
    given = {"version": "latest", "mode": "llm", "input": "", "message": ""}
    return page(
        request, "playground.html", subject=subject, numbers=numbers, given=given, result=None
    )


@router.post(
    "/subjects/{subject}/playground",
    dependencies=[requires(VALIDATE, session=True)],
    response_model=None,
)
async def run_playground(request: Request, subject: Subject) -> Response:
    """A record (JSON) or a raw model reply, checked as `POST /validate` would (counted as
    usage too): errors with their paths, rule results, and the repair prompt."""
    fields = await form(request)
    given = {k: fields.get(k, "") for k in ("version", "mode", "input", "message")}
    validation: DataValidation = service(request, "validation")
    registry: RegistryService = service(request, "registry")
    target = await validation.target(None, subject, given["version"] or "latest")
    result = await _checked(validation, registry, target, given)
    versions = (await registry.subject_versions(subject)).require()
    return page(
        request,
        "playground.html",
        subject=subject,
        numbers=[v.version for v in versions.checked],
        given=given,
        result=result,
        version=target.version,
    )


async def _checked(
    validation: DataValidation,
    registry: RegistryService,
    target: ValidationTarget,
    given: dict[str, str],
) -> dict[str, Any]:
    """`{valid, errors, warnings}` (and, for model output, `extracted`, `source`, `notes`,
    `repair_prompt`), as `POST /validate` answers; counted as usage like it."""
    message = given["message"] or None
    if given["mode"] != "record":
        result = await llm_output_result(registry, target.schema, given["input"], message)
        validation.count(target, int(result["valid"]), int(not result["valid"]))
        return result
    try:
        record = json.loads(given["input"])
    except ValueError as error:
        problem = {"path": "$", "message": f"not JSON: {error}"}
        return {"valid": False, "errors": [problem], "warnings": []}
    checked: dict[str, Any] = (await validation.validate(target, [record], message))[0].as_json()
    return checked


@router.get(
    "/subjects/{subject}/versions/{version}/export",
    dependencies=[requires(READ, session=True)],
    response_model=None,
)
async def export_page(
    request: Request, subject: Subject, version: str, target: str = "openai", fix: bool = False
) -> Response:
    """The payload a provider expects, its lint findings, and the safe fixes on request."""
    chosen = Target(target) if target in Target.__members__.values() else Target.OPENAI
    registry: RegistryService = service(request, "registry")
    found = await registry.version(subject, version)
    done, error = None, None
    try:
        done = await export_version(registry, subject, found.version, chosen, fix=fix)
    except ExportError as refused:  # not a JSON Schema object: nothing to export
        error = str(refused)
    return page(
        request,
        "export.html",
        200 if done is not None else 422,
        subject=subject,
        found=found,
        targets=list(Target),
        target=chosen,
        fix=fix,
        done=done,
        payload=json.dumps(done.payload, indent=2, ensure_ascii=False) if done else "",
        error=error,
    )
