"""`/subjects`: registration, lookup, versions and deletion."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from llm_schema_registry.api.access import READ, requires
from llm_schema_registry.api.deps import (
    BodyCache,
    Flag,
    QueryInt,
    Registry,
    Samples,
    Subject,
    Usage,
    Version,
    page,
    to_request,
    version_json,
    wants_extras,
)
from llm_schema_registry.api.media import V1_JSON
from llm_schema_registry.api.models import ERRORS, RegisterSchemaRequest, SchemaObject
from llm_schema_registry.governance.search import SubjectQuery, is_glob
from llm_schema_registry.governance.service import GovernanceService
from llm_schema_registry.registry.checks import reporting
from llm_schema_registry.registry.contexts import WILDCARD

router = APIRouter(tags=["subjects"], responses=ERRORS)


@router.get(
    "/subjects", dependencies=[requires(READ, listing="subjects")], response_model=list[str]
)
async def list_subjects(
    registry: Registry,
    request: Request,
    subjectPrefix: str | None = None,
    subject: str | None = Query(default=None, description="Alias of subjectPrefix"),
    deleted: Flag = False,
    deletedOnly: Flag = False,
    deleted_only: Flag = False,
    offset: QueryInt = 0,
    limit: QueryInt = -1,
    query: str | None = Query(default=None, description="Substring of name or description"),
    tag: str | None = Query(default=None, description="Governance tag of the latest version"),
    owner: str | None = Query(default=None, description="Owner of the latest version"),
    state: str | None = Query(default=None, description="Lifecycle state of the latest version"),
) -> list[str]:
    prefix = subjectPrefix if subjectPrefix is not None else subject or ""
    # `:*:name` is Confluent's "in any context", not a glob (registry/contexts.py).
    glob = prefix if is_glob(prefix) and not prefix.startswith(WILDCARD) else None
    wanted = SubjectQuery(query, tag, owner, state, glob)
    if not wanted.empty:  # governance search (a glob prefix matches the whole name)
        governance: GovernanceService = request.app.state.governance
        names = await governance.search(prefix, wanted)
        return list(page(names, offset, limit))
    names = await registry.subjects(
        prefix=prefix, deleted=deleted, deleted_only=deletedOnly or deleted_only
    )
    return list(page(names, offset, limit))


@router.post(
    "/subjects/{subject}",
    dependencies=[requires(READ)],
    response_model=SchemaObject,
    response_model_exclude_none=True,
)
async def lookup_schema(
    registry: Registry,
    usage: Usage,
    request: Request,
    subject: Subject,
    body: RegisterSchemaRequest,
    normalize: Flag = False,
    deleted: Flag = False,
    format: str | None = None,
) -> dict[str, Any]:
    found = await registry.lookup(subject, to_request(body), normalize=normalize, deleted=deleted)
    usage.looked_up(found.subject, found.version)
    return version_json(found, extras=wants_extras(request))


@router.delete(
    "/subjects/{subject}",
    dependencies=[requires("schema.delete", mutation=True)],
    response_model=list[int],
)
async def delete_subject(
    registry: Registry, cache: BodyCache, subject: Subject, permanent: Flag = False
) -> list[int]:
    deleted = await registry.delete_subject(subject, permanent=permanent)
    if permanent:
        cache.clear()
    return deleted


@router.get(
    "/subjects/{subject}/metadata",
    dependencies=[requires(READ)],
    response_model=SchemaObject,
    response_model_exclude_none=True,
)
async def latest_with_metadata(
    registry: Registry,
    request: Request,
    subject: Subject,
    key: Annotated[list[str], Query()] = [],  # noqa: B006 - FastAPI copies defaults
    value: Annotated[list[str], Query()] = [],  # noqa: B006
    deleted: Flag = False,
    format: str | None = None,
) -> dict[str, Any]:
    found = await registry.latest_with_metadata(
        subject, dict(zip(key, value, strict=False)), deleted=deleted
    )
    text = await registry.render(found.schema, format)
    return version_json(found, text, extras=wants_extras(request))


@router.get("/subjects/{subject}/versions", dependencies=[requires(READ)], response_model=list[int])
async def list_versions(
    registry: Registry,
    subject: Subject,
    deleted: Flag = False,
    deletedOnly: Flag = False,
    deleted_only: Flag = False,
    deletedAsNegative: Flag = False,
    includeArchived: Flag = False,
    offset: QueryInt = 0,
    limit: QueryInt = -1,
) -> list[int]:
    if deletedAsNegative:
        live = set(await registry.versions(subject, archived=includeArchived))
        every = await registry.versions(subject, deleted=True, archived=includeArchived)
        return list(page([v if v in live else -v for v in every], offset, limit))
    numbers = await registry.versions(
        subject,
        deleted=deleted,
        deleted_only=deletedOnly or deleted_only,
        archived=includeArchived,
    )
    return list(page(numbers, offset, limit))


@router.post(
    "/subjects/{subject}/versions",
    dependencies=[requires("schema.create", mutation=True)],
    response_model=SchemaObject,
    response_model_exclude_none=True,
)
async def register_schema(
    registry: Registry,
    request: Request,
    subject: Subject,
    body: RegisterSchemaRequest,
    keeper: Samples,
    normalize: Flag = False,
    format: str | None = None,
    state: str | None = Query(default=None, description="DRAFT registers a draft version"),
    samples: Annotated[Flag, Query(description="Replay the stored samples and report")] = False,
) -> dict[str, Any]:
    registration = to_request(body)
    if state is not None:
        registration.state = state.upper()
    report = await keeper.replay(subject, registration) if samples else None
    with reporting() as checks:  # registration checks' warnings (registry/checks.py)
        found = await registry.register(subject, registration, normalize=normalize)
    # Confluent's RegisterSchemaResponse fields only, unless the client says it tolerates more
    # (strict deserializers elsewhere fail on an unknown `state` or `warnings`).
    extras = wants_extras(request)
    payload = version_json(found, extras=extras)
    payload.pop("subject")
    payload.pop("deleted", None)
    if checks.warnings and extras:
        payload["warnings"] = [warning.as_json() for warning in checks.warnings]
    if report is not None:
        payload["samples"] = report.as_json()
    return payload


@router.get(
    "/subjects/{subject}/versions/{version}",
    dependencies=[requires(READ)],
    response_model=SchemaObject,
    response_model_exclude_none=True,
)
async def get_version(
    registry: Registry,
    usage: Usage,
    request: Request,
    subject: Subject,
    version: Version,
    deleted: Flag = False,
    format: str | None = None,
    referenceFormat: str | None = None,
    reference_format: str | None = None,
    includeArchived: Flag = False,
) -> dict[str, Any]:
    found = await registry.version(subject, version, deleted=deleted, archived=includeArchived)
    usage.looked_up(found.subject, found.version)
    text = await registry.render(found.schema, format)
    return version_json(found, text, extras=wants_extras(request))


@router.get(
    "/subjects/{subject}/versions/{version}/schema",
    dependencies=[requires(READ)],
    response_class=Response,
    responses={
        200: {
            "content": {V1_JSON: {"schema": {"type": "string"}}},
            "description": "The schema text itself",
        }
    },
)
async def get_version_text(
    registry: Registry,
    usage: Usage,
    subject: Subject,
    version: Version,
    deleted: Flag = False,
    format: str | None = None,
) -> Response:
    found = await registry.version(subject, version, deleted=deleted)
    usage.looked_up(found.subject, found.version)
    return Response(await registry.render(found.schema, format), media_type=V1_JSON)


@router.delete(
    "/subjects/{subject}/versions/{version}",
    dependencies=[requires("schema.delete", mutation=True)],
    response_model=int,
)
async def delete_version(
    registry: Registry,
    cache: BodyCache,
    subject: Subject,
    version: Version,
    permanent: Flag = False,
) -> int:
    number = await registry.delete_version(subject, version, permanent=permanent)
    if permanent:
        cache.clear()
    return number


@router.get(
    "/subjects/{subject}/versions/{version}/referencedby",
    dependencies=[requires(READ)],
    response_model=list[int],
)
async def referenced_by(
    registry: Registry,
    subject: Subject,
    version: Version,
    deleted: Flag = False,
    offset: QueryInt = 0,
    limit: QueryInt = -1,
) -> list[int]:
    return list(page(await registry.referenced_by(subject, version), offset, limit))
