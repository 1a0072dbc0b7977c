"""Probes and metrics for operators: `/health/live`, `/health/ready`, `/metrics`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sized
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol, runtime_checkable

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from llm_schema_registry.api.access import ADMIN_ONLY, PUBLIC, requires
from llm_schema_registry.api.media import RegistryJSONResponse
from llm_schema_registry.observability import metrics

router = APIRouter(tags=["operations"])
READY_TIMEOUT_SECONDS = 2.0


class _Breaker(Protocol):
    def reset(self) -> None: ...


class _Storage(Protocol):
    """What the probes need of the store `create_app` put on `app.state` (the edge imports no
    storage implementation)."""

    @property
    def breaker(self) -> _Breaker: ...

    @property
    def cache(self) -> Sized: ...

    async def ping(self) -> None: ...

    def read(self) -> AbstractAsyncContextManager[Any]: ...


@runtime_checkable
class _SharedCache(Protocol):
    """A change feed through a cache server (Redis), which can be down on its own."""

    async def ping(self) -> None: ...


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
    store: _Storage = request.app.state.store
    started = time.perf_counter()
    try:
        await asyncio.wait_for(store.ping(), timeout=READY_TIMEOUT_SECONDS)
        storage = "up"
        store.breaker.reset()
    except Exception:
        storage = "down"
        metrics.STORAGE_UP.set(0)
    checks = {
        "storage": {
            "status": storage,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
        }
    }
    feed = request.app.state.feed
    if isinstance(feed, _SharedCache):
        started = time.perf_counter()
        try:
            await asyncio.wait_for(feed.ping(), timeout=READY_TIMEOUT_SECONDS)
            cache = "up"
        except Exception:  # any failure: unreachable
            cache = "down"
        checks["cache"] = {
            "status": cache,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
        }
    if storage == "up" and checks.get("cache", {}).get("status", "up") == "up":
        status, code = "ok", 200
    elif storage == "up":
        status, code = "degraded", 200  # peers' changes may reach this node late
    elif len(store.cache) or len(request.app.state.body_cache):
        status, code = "degraded", 200
    else:
        status, code = "down", 503
    return RegistryJSONResponse({"status": status, "checks": checks}, status_code=code)


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
