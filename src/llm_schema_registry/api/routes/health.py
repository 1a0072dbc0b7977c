"""Probes and metrics for operators: `/health/live`, `/health/ready`, `/metrics`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from llm_schema_registry.api.access import ADMIN_ONLY, PUBLIC, requires
from llm_schema_registry.api.media import RegistryJSONResponse
from llm_schema_registry.observability import metrics
from llm_schema_registry.observability.readiness import Readiness as Probe

router = APIRouter(tags=["operations"])


class _Storage(Protocol):
    """What the metrics need of the store `create_app` put on `app.state` (the edge imports no
    storage implementation)."""

    def read(self) -> AbstractAsyncContextManager[Any]: ...


class Check(BaseModel):
    status: str
    duration_ms: float


class Readiness(BaseModel):
    status: str  # "ok" | "degraded" | "down"
    checks: dict[str, Check]


@router.get("/health/live", dependencies=[requires(PUBLIC)], response_model=dict[str, str])
async def live() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/health/ready",
    dependencies=[requires(PUBLIC)],
    response_model=Readiness,
    responses={503: {"model": Readiness}},
)
async def ready(request: Request) -> Response:
    """ok: storage answers. degraded (still 200): storage is down but cached reads are served,
    so load balancers keep the node. down (503): storage is down and nothing is cached."""
    probe: Callable[[], Awaitable[Probe]] = request.app.state.readiness  # shared with gRPC
    found = await probe()
    return RegistryJSONResponse(
        {"status": found.status, "checks": found.checks}, status_code=200 if found.serving else 503
    )


@router.get(
    "/metrics",
    dependencies=[requires(ADMIN_ONLY)],
    response_class=Response,
    responses={
        200: {
            "content": {CONTENT_TYPE_LATEST: {"schema": {"type": "string"}}},
            "description": "Prometheus text exposition",
        }
    },
)
async def prometheus_metrics(request: Request) -> Response:
    await _refresh_schema_counts(request.app.state.store)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


async def _refresh_schema_counts(store: _Storage) -> None:
    """Set the schemas gauge from storage; keep the last values while storage is down."""
    try:
        async with store.read() as tx:
            counts: list[Any] = await tx.count_versions()
    except Exception:
        return
    metrics.SCHEMAS.clear()
    for schema_type, deleted, count in counts:
        metrics.SCHEMAS.labels(schema_type, "DELETED" if deleted else "ACTIVE").inc(count)
