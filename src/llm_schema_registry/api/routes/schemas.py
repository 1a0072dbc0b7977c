"""`/schemas`: schemas by id and GUID, and listings."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from llm_schema_registry.api.access import PUBLIC, READ, requires
from llm_schema_registry.api.deps import (
    BodyCache,
    Flag,
    QueryInt,
    Registry,
    by_id_json,
    page,
    schema_id,
    version_json,
)
from llm_schema_registry.api.front import CACHE_CONTROL
from llm_schema_registry.api.media import V1_JSON
from llm_schema_registry.api.models import ERRORS, SchemaObject, SubjectVersionPair
from llm_schema_registry.registry.contexts import QualifiedSubject, public_id

router = APIRouter(tags=["schemas"], responses=ERRORS)


def _named(subject: str | None, holder: str) -> bool:
    """`?subject=` filters the holders of an id, unless it only names a context (`:.ctx:`)."""
    return not subject or QualifiedSubject.parse(subject).name == "" or holder == subject


@router.get(
    "/schemas",
    dependencies=[requires(READ, listing="schemas")],
    response_model=list[SchemaObject],
    response_model_exclude_none=True,
)
async def list_schemas(
    registry: Registry,
    subjectPrefix: str = "",
    deleted: Flag = False,
    latestOnly: Flag = False,
    offset: QueryInt = 0,
    limit: QueryInt = -1,
) -> list[dict[str, Any]]:
    found = await registry.all_versions(
        prefix=subjectPrefix, deleted=deleted, latest_only=latestOnly
    )
    return [version_json(v, extras=False) for v in page(found, offset, limit)]


@router.get("/schemas/types", dependencies=[requires(PUBLIC)], response_model=list[str])
async def schema_types() -> list[str]:
    return ["JSON", "PROTOBUF", "AVRO", "PROMPT"]


@router.get(
    "/schemas/ids/{id}",
    dependencies=[requires(READ, by_id=True)],
    response_model=SchemaObject,
    response_model_exclude_none=True,
)
async def schema_by_id(
    registry: Registry,
    cache: BodyCache,
    id: str,
    subject: str | None = None,
    format: str | None = None,
    fetchMaxId: Flag = False,
    referenceFormat: str | None = None,
    reference_format: str | None = None,
) -> Response:
    schema = await registry.schema_by_id(schema_id(id), subject)
    if not format and not fetchMaxId and schema.id == schema_id(id):
        # Plain reads are immutable: pre-encode once, the front layer serves them from now on
        # (in the default context only, where a schema's key is its id).
        entry = cache.put(schema.id, by_id_json(schema))
        return Response(
            entry.body,
            media_type=V1_JSON,
            headers={"ETag": entry.etag.decode(), "Cache-Control": CACHE_CONTROL.decode()},
        )
    payload = by_id_json(schema, await registry.render(schema, format))
    if fetchMaxId:
        payload["maxId"] = await registry.max_schema_id(subject)
    return Response(
        SchemaObject.model_validate(payload).model_dump_json(by_alias=True, exclude_none=True),
        media_type=V1_JSON,
    )


@router.get(
    "/schemas/ids/{id}/schema",
    dependencies=[requires(READ, by_id=True)],
    response_class=Response,
    responses={
        200: {
            "content": {V1_JSON: {"schema": {"type": "string"}}},
            "description": "The schema text itself",
        }
    },
)
async def schema_text_by_id(
    registry: Registry, id: str, subject: str | None = None, format: str | None = None
) -> Response:
    schema = await registry.schema_by_id(schema_id(id), subject)
    return Response(await registry.render(schema, format), media_type=V1_JSON)


@router.get(
    "/schemas/ids/{id}/subjects",
    dependencies=[requires(READ, listing="subjects", by_id=True)],
    response_model=list[str],
)
async def subjects_of_schema(
    registry: Registry,
    id: str,
    subject: str | None = None,
    deleted: Flag = False,
    offset: QueryInt = 0,
    limit: QueryInt = -1,
) -> list[str]:
    found = await registry.versions_of_schema(schema_id(id), deleted=deleted, subject=subject)
    names = list(dict.fromkeys(s for s, _ in found if _named(subject, s)))
    return list(page(names, offset, limit))


@router.get(
    "/schemas/ids/{id}/versions",
    dependencies=[requires(READ, listing="versions", by_id=True)],
    response_model=list[SubjectVersionPair],
)
async def versions_of_schema(
    registry: Registry,
    id: str,
    subject: str | None = None,
    deleted: Flag = False,
    offset: QueryInt = 0,
    limit: QueryInt = -1,
) -> list[dict[str, Any]]:
    found = await registry.versions_of_schema(schema_id(id), deleted=deleted, subject=subject)
    pairs = [{"subject": s, "version": v} for s, v in found if _named(subject, s)]
    return list(page(pairs, offset, limit))


@router.get(
    "/schemas/guids/{guid}",
    dependencies=[requires(READ)],
    response_model=SchemaObject,
    response_model_exclude_none=True,
)
async def schema_by_guid(
    registry: Registry, guid: str, format: str | None = None
) -> dict[str, Any]:
    schema = await registry.schema_by_guid(guid)
    return {
        "id": public_id(schema.id),
        **by_id_json(schema, await registry.render(schema, format)),
    }


@router.get(
    "/schemas/guids/{guid}/ids", dependencies=[requires(READ)], response_model=list[dict[str, Any]]
)
async def ids_of_guid(registry: Registry, guid: str) -> list[dict[str, Any]]:
    schema = await registry.schema_by_guid(guid)
    return [{"context": await registry.context_of_schema(schema), "id": public_id(schema.id)}]
