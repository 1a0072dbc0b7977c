"""Is this node fit to serve? One answer for every probe: REST's `/health/ready` and the gRPC
edge's `grpc.health.v1` status.

ok: storage answers (and the shared cache, when there is one). degraded (still serving):
storage answers but the shared cache does not, so peers' changes may reach this node late;
or storage is down but cached reads are served. down: storage is down and nothing is cached.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence, Sized
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from llm_schema_registry.observability import metrics

TIMEOUT_SECONDS = 2.0


class Breaker(Protocol):
    def reset(self) -> None: ...


class Storage(Protocol):
    """What the probe needs of the store (the edges import no storage implementation)."""

    @property
    def breaker(self) -> Breaker: ...

    async def ping(self) -> None: ...


@runtime_checkable
class SharedCache(Protocol):
    """A change feed through a cache server (Redis), which can be down on its own."""

    async def ping(self) -> None: ...


@dataclass(frozen=True)
class Readiness:
    status: str  # "ok" | "degraded" | "down"
    checks: dict[str, dict[str, Any]]  # name -> {status: up|down, duration_ms}

    @property
    def serving(self) -> bool:
        return self.status != "down"


async def _check(ping: Callable[[], Awaitable[None]]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        # Not `wait_for`: on Python 3.11 it swallows a cancellation that arrives as the ping
        # finishes (CPython gh-86296), and a ping on the embedded SQLite driver finishes in
        # one step, so a probe cancelled at shutdown would carry on.
        async with asyncio.timeout(TIMEOUT_SECONDS):
            await ping()
        status = "up"
    except Exception:  # any failure: unreachable
        status = "down"
    return {"status": status, "duration_ms": round((time.perf_counter() - started) * 1000, 2)}


async def readiness(store: Storage, feed: object, caches: Sequence[Sized]) -> Readiness:
    """Pings storage (and `feed`, when it is a shared cache); `caches`: what this node can
    still answer from while storage is down."""
    checks = {"storage": await _check(store.ping)}
    storage_up = checks["storage"]["status"] == "up"
    if storage_up:
        store.breaker.reset()
    else:
        metrics.STORAGE_UP.set(0)
    if isinstance(feed, SharedCache):
        checks["cache"] = await _check(feed.ping)
    if storage_up:
        cache_up = checks.get("cache", {}).get("status", "up") == "up"
        return Readiness("ok" if cache_up else "degraded", checks)
    return Readiness("degraded" if any(len(c) for c in caches) else "down", checks)
