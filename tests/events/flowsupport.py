"""Helpers for end-to-end event tests: the real app in-process, and waiting for deliveries."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from eventsupport import Received

from llm_schema_registry.api.app import create_app
from llm_schema_registry.registry.versions import Clock
from llm_schema_registry.settings import Settings

V1 = "application/vnd.schemaregistry.v1+json"
FAST_RETRIES = {"webhook_retry_min_seconds": 0.05, "webhook_retry_max_seconds": 0.2}


def schema(name: str, *fields: str) -> str:
    return json.dumps(
        {
            "type": "record",
            "name": name,
            "fields": [{"name": f, "type": "string", "default": ""} for f in fields],
        }
    )


@asynccontextmanager
async def registry_app(
    database_url: str, *, clock: Clock | None = None, **settings: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    """The real app (lifespan, relay and all) over ASGI; yields the client and the app."""
    merged = {"webhook_allow_private": True, **FAST_RETRIES, **settings}
    app = create_app(Settings(database_url=database_url, **merged), clock=clock)  # type: ignore[arg-type]
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://registry", headers={"Content-Type": V1}
        ) as client:
            yield client, manager.app


def state_of(app: Any) -> Any:
    """The FastAPI app's state, through the ASGI layers in front of it."""
    while not hasattr(app, "state"):
        app = app.app
    return app.state


async def eventually(check: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.02)


def delivered(received: list[Received]) -> list[dict[str, Any]]:
    """The verified CloudEvents the receiver answered 2xx to, in arrival order (the receiver
    answers its script, then 200)."""
    return [r.verified for r in received if r.verified is not None]
