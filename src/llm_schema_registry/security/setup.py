"""Puts the security layer together for `create_app` (one call, so app.py stays small)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from llm_schema_registry.asgi import ASGIApp, Message, Receive, Scope, Send
from llm_schema_registry.security.apikeys import ApiKeyAuthenticator
from llm_schema_registry.security.audit import AuditLog
from llm_schema_registry.security.auditing import Auditor
from llm_schema_registry.security.authentication import Authenticator
from llm_schema_registry.security.authorization import Rule
from llm_schema_registry.security.jwt_auth import JwtVerifier
from llm_schema_registry.security.middleware import Refuse, SecurityLayer
from llm_schema_registry.security.pages import PageGuard, RefusePage
from llm_schema_registry.security.ratelimit import (
    LocalRateLimiter,
    RateLimiter,
    RateLimits,
    RedisRateLimiter,
)
from llm_schema_registry.security.route_table import RouteTable
from llm_schema_registry.security.sessions import Sessions, parse_keys
from llm_schema_registry.security.signing import Signer
from llm_schema_registry.security.store import SecurityStore
from llm_schema_registry.security.throttle import FailedLogins
from llm_schema_registry.settings import Settings


class _App(Protocol):
    """The web application, whose `state` the routes read their services from."""

    state: Any


@dataclass(frozen=True)
class SecurityGuards:
    """What every edge checks a call with, one of each per app, so a principal has one
    rate-limit bucket and one audit trail whichever API it calls. `authenticator` and `limits`
    are None when authentication is off."""

    authenticator: Authenticator | None
    limits: RateLimits | None
    auditor: Auditor


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
        if self.app.limits is not None:
            await self.app.limits.close()
        await self.store.close()


def install_security(
    api: _App,
    front: ASGIApp,
    settings: Settings,
    store: SecurityStore,
    routes: list[tuple[str, str, Rule]],
    refuse: Refuse,
    pages: tuple[str, RefusePage] | None = None,
) -> ASGIApp:
    """Wraps `front` (the whole app) in the security layer; routes find their services on
    `api.state` (security_store, audit, signer, authenticator, sessions), other edges the
    `guards`. `routes`: (method, path, rule) as the routes declare them; `refuse`: answers a
    refusal (the edge's one error renderer); `pages`: the dashboard's path prefix and how it
    answers refusals as pages. `store` is closed with the app."""
    audit = AuditLog(store) if settings.audit_enabled else None
    api.state.security_store = store
    api.state.audit = audit or AuditLog(store)
    api.state.signer = (
        Signer.from_files(settings.signing_key_file, settings.signing_previous_key_files)
        if settings.signing_key_file is not None
        else None
    )
    secret = settings.ui_session_keys.get_secret_value() if settings.ui_session_keys else None
    sessions = Sessions(parse_keys(secret), settings.ui_session_hours * 3600)
    api.state.sessions = sessions
    guards = SecurityGuards(
        authenticator=(
            Authenticator(
                ApiKeyAuthenticator(store, ttl=settings.api_key_cache_seconds),
                JwtVerifier(settings),
                FailedLogins(settings.auth_failures_per_minute),
            )
            if settings.auth_enabled
            else None
        ),
        limits=_limits(settings) if settings.auth_enabled else None,
        auditor=Auditor(audit),
    )
    api.state.guards = guards  # for the other edges (gRPC): the same keys, buckets and trail
    api.state.authenticator = guards.authenticator
    layer = SecurityLayer(
        front,
        routes=RouteTable(routes),
        refuse=refuse,
        authenticator=guards.authenticator,
        limits=guards.limits,
        auditor=guards.auditor,
        pages=PageGuard(pages[0], sessions, pages[1]) if pages is not None else None,
        max_body_bytes=settings.max_body_bytes,
    )
    return _Closing(layer, store)


def _limits(settings: Settings) -> RateLimits:
    limiter: RateLimiter = (
        RedisRateLimiter(settings.redis_url.get_secret_value())
        if settings.redis_url is not None
        else LocalRateLimiter()
    )
    return RateLimits(limiter, settings.rate_limit_per_minute, settings.rate_limit_per_role)
