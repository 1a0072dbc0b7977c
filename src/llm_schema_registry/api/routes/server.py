"""Server-level Confluent endpoints: ping, contexts, cluster metadata."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from llm_schema_registry import __version__
from llm_schema_registry.api.access import ADMIN_ONLY, PUBLIC, READ, requires
from llm_schema_registry.api.deps import QueryInt, Registry, page
from llm_schema_registry.api.models import ClusterId, ServerVersion

router = APIRouter(tags=["server"])


@router.get("/", dependencies=[requires(PUBLIC)], response_model=dict[str, Any])
async def root() -> dict[str, Any]:
    return {}


@router.post("/", dependencies=[requires(PUBLIC)], response_model=dict[str, Any])
async def root_post() -> dict[str, Any]:
    return {}


@router.get(
    "/contexts", dependencies=[requires(READ, listing="contexts")], response_model=list[str]
)
async def contexts(
    registry: Registry, contextPrefix: str = "", offset: QueryInt = 0, limit: QueryInt = -1
) -> list[str]:
    """Every context (`.` first), as Confluent lists them; a scoped key sees its own."""
    names = [name for name in await registry.contexts() if name.startswith(contextPrefix)]
    return list(page(names, offset, limit))


@router.delete(
    "/contexts/{context}", dependencies=[requires(ADMIN_ONLY, mutation=True)], status_code=204
)
async def delete_context(registry: Registry, context: str) -> Response:
    """Forget an empty context (42211 while it holds subjects)."""
    await registry.delete_context(context)
    return Response(status_code=204)


@router.get("/v1/metadata/id", dependencies=[requires(PUBLIC)], response_model=ClusterId)
async def cluster_id(request: Request) -> dict[str, Any]:
    cluster: str = request.app.state.settings.cluster_id
    return {"id": cluster, "scope": {"path": [], "clusters": {"schema-registry-cluster": cluster}}}


@router.get("/v1/metadata/version", dependencies=[requires(PUBLIC)], response_model=ServerVersion)
async def server_version() -> dict[str, str]:
    return {"version": __version__, "commitId": "llm-schema-registry"}
