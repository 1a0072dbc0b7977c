"""Helpers for security tests: an auth-enabled app over ASGI and keys made in its database."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from asgi_lifespan import LifespanManager

from llm_schema_registry.api.app import create_app
from llm_schema_registry.security.apikeys import new_key
from llm_schema_registry.settings import Settings
from llm_schema_registry.storage.security_sql import SqlSecurityStore
from llm_schema_registry.storage.sql import SqlStore

V1 = "application/vnd.schemaregistry.v1+json"
AVRO_V1 = '{"type":"record","name":"E","fields":[{"name":"a","type":"string"}]}'
AVRO_V2 = (
    '{"type":"record","name":"E","fields":[{"name":"a","type":"string"},'
    '{"name":"b","type":"string","default":""}]}'
)


async def make_key(
    url: str,
    role: str,
    subjects: tuple[str, ...] = (),
    *,
    expires_ms: int | None = None,
    rate_limit_per_minute: int | None = None,
) -> tuple[str, str]:
    """(key_id, secret) stored in the database at `url` (migrated first)."""
    sql = SqlStore(url)
    await sql.start()
    await sql.close()
    key, secret = new_key(role, subjects, rate_limit_per_minute=rate_limit_per_minute)
    if expires_ms is not None:
        from dataclasses import replace

        key = replace(key, expires_ms=expires_ms)
    store = SqlSecurityStore(url)
    try:
        await store.add_key(key)
    finally:
        await store.close()
    return key.key_id, secret


def expired_ms() -> int:
    return int(time.time() * 1000) - 1000


def basic(key_id: str, secret: str) -> dict[str, str]:
    token = base64.b64encode(f"{key_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def api_key(secret: str) -> dict[str, str]:
    return {"X-API-Key": secret}


@asynccontextmanager
async def secured_client(url: str, **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The real app with authentication on, over ASGI."""
    app = create_app(Settings(database_url=url, auth_enabled=True, **settings))  # type: ignore[arg-type]
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app, client=("10.1.2.3", 5555))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://registry", headers={"Content-Type": V1}
        ) as client:
            yield client


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)
