"""Puts the security layer together for `create_app` (one call, so app.py stays small)."""

from __future__ import annotations

from fastapi import FastAPI

from llm_schema_registry.api.front import ASGIApp, Message, Receive, Scope, Send
from llm_schema_registry.security.apikeys import ApiKeyAuthenticator
from llm_schema_registry.security.audit import AuditLog
from llm_schema_registry.security.jwt_auth import JwtVerifier
from llm_schema_registry.security.middleware import SecurityLayer
from llm_schema_registry.security.ratelimit import (
    LocalRateLimiter,
    RateLimiter,
    RedisRateLimiter,
)
from llm_schema_registry.security.signing import Signer
from llm_schema_registry.security.store import SecurityStore
from llm_schema_registry.settings import Settings


class _Closing:
    """Closes the security store and limiter when the app's lifespan ends."""

    def __init__(self, app: SecurityLayer, store: SecurityStore) -> None:
        self.app = app
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return

        async def send_closing(message: Message) -> None:
            # Close before reporting shutdown complete: the server may cancel us right after.
            if message["type"] == "lifespan.shutdown.complete":
                await self.close()
            await send(message)

        await self.app(scope, receive, send_closing)

    async def close(self) -> None:
        if self.app.limiter is not None:
            await self.app.limiter.close()
        await self.store.close()


def install_security(
    api: FastAPI, front: ASGIApp, settings: Settings, store: SecurityStore
) -> ASGIApp:
    """Wraps `front` (the whole app) in the security layer over `store` (closed with the
    app); routes find their services on `api.state` (security_store, audit, signer)."""
    audit = AuditLog(store) if settings.audit_enabled else None
    api.state.security_store = store
    api.state.audit = audit or AuditLog(store)
    api.state.signer = (
        Signer.from_files(settings.signing_key_file, settings.signing_previous_key_files)
        if settings.signing_key_file is not None
        else None
    )
    limiter: RateLimiter | None = None
    if settings.auth_enabled:
        limiter = (
            RedisRateLimiter(settings.redis_url.get_secret_value())
            if settings.redis_url is not None
            else LocalRateLimiter()
        )
    layer = SecurityLayer(
        front,
        auth_enabled=settings.auth_enabled,
        audit=audit,
        keys=ApiKeyAuthenticator(store, ttl=settings.api_key_cache_seconds),
        tokens=JwtVerifier(settings),
        limiter=limiter,
        default_rate=settings.rate_limit_per_minute,
        role_rates=settings.rate_limit_per_role,
    )
    return _Closing(layer, store)
