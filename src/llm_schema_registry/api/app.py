"""Builds the ASGI application: FastAPI for the API surface, behind the front layer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Protocol

from fastapi import FastAPI

from llm_schema_registry import __version__
from llm_schema_registry.api import docs, errors
from llm_schema_registry.api.access import declared_routes
from llm_schema_registry.api.cold_reads import ColdReads
from llm_schema_registry.api.front import FrontLayer, SchemaBodyCache
from llm_schema_registry.api.media import RegistryJSONResponse
from llm_schema_registry.api.observe import ObservabilityLayer
from llm_schema_registry.api.routes import (
    compatibility,
    config,
    export,
    governance,
    health,
    lineage,
    prompts,
    schemas,
    security,
    server,
    subjects,
    usage,
    validate,
)
from llm_schema_registry.asgi import ASGIApp
from llm_schema_registry.governance.catalog import Catalog
from llm_schema_registry.governance.impact import ImpactAnalysis
from llm_schema_registry.governance.lineage import Lineage
from llm_schema_registry.governance.service import GovernanceService
from llm_schema_registry.governance.sweeper import SunsetSweeper
from llm_schema_registry.grpc_api.server import GrpcServer
from llm_schema_registry.grpc_api.service import RegistryServices
from llm_schema_registry.llm.profiles import ProviderProfiles
from llm_schema_registry.observability.readiness import Readiness, readiness
from llm_schema_registry.observability.tracing import configure_tracing
from llm_schema_registry.registry.service import RegistryService
from llm_schema_registry.registry.usage import UsageRecorder
from llm_schema_registry.registry.validation import DataValidation
from llm_schema_registry.registry.versions import Clock
from llm_schema_registry.security.policy import Policies
from llm_schema_registry.security.setup import install_security
from llm_schema_registry.settings import Settings
from llm_schema_registry.storage.cached import CachedStore
from llm_schema_registry.storage.feed import PostgresChangeFeed, RedisChangeFeed
from llm_schema_registry.storage.security_sql import SqlSecurityStore
from llm_schema_registry.storage.sql import SqlStore
from llm_schema_registry.storage.usage_sql import SqlUsageStore
from llm_schema_registry.ui import PREFIX as UI_PREFIX
from llm_schema_registry.ui import refuse_page
from llm_schema_registry.ui import router as ui_router


class _Server(Protocol):
    """A server beside the HTTP API, started and stopped with it (the gRPC edge)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def create_app(
    settings: Settings | None = None, *, clock: Clock | None = None, serve_grpc: bool = False
) -> ASGIApp:
    """The registry as an ASGI app; storage is opened (and migrated) at start-up. `clock`:
    where lifecycle "now" comes from (sunset dates); tests pass a movable one. `serve_grpc`:
    also serve the gRPC API on `settings.grpc_port` (unless 0), as `llm-schema serve` does."""
    settings = settings or Settings()
    api = create_api(settings, clock=clock)
    configure_tracing(settings.otlp_endpoint)
    cold = ColdReads(api.state.registry, api.state.body_cache)
    front = FrontLayer(
        ObservabilityLayer(api), api.state.body_cache, settings.max_body_bytes, cold.body
    )
    # Outermost: authentication, rate limits, authorization and audit (security/middleware.py),
    # by the permissions the routes declare; refusals answered from the one error table.
    security_store = SqlSecurityStore(settings.database_url.get_secret_value())
    app = install_security(
        api,
        front,
        settings,
        security_store,
        declared_routes(api),
        errors.send_error,
        pages=(UI_PREFIX, refuse_page),  # the dashboard: session cookies, CSRF, HTML refusals
    )
    if serve_grpc and settings.grpc_port:
        api.state.servers.append(_grpc_server(api, settings))
    return app


def _grpc_server(api: FastAPI, settings: Settings) -> GrpcServer:
    """The gRPC edge over the very services, caches and security guards of the HTTP API."""
    state = api.state
    services = RegistryServices(state.registry, state.validation, state.governance)
    server = GrpcServer(services, state.guards, state.readiness, settings, _error_code)
    state.store.on_ids_removed.append(server.forget_schemas)
    return server


def _error_code(error: Exception) -> int | None:
    """The Confluent code of an error the edges answer (the one table), None if unexpected."""
    return errors.code_for(error) if isinstance(error, errors.HANDLED) else None


def create_api(settings: Settings, *, clock: Clock | None = None) -> FastAPI:
    """The framework application: routes, their services on `state`, the lifespan."""
    read_url = settings.database_read_url.get_secret_value() if settings.database_read_url else None
    sql = SqlStore(settings.database_url.get_secret_value(), read_url=read_url)
    store = CachedStore(sql)
    feed: PostgresChangeFeed | RedisChangeFeed | None = None
    if settings.redis_url is not None:
        feed = RedisChangeFeed(settings.redis_url.get_secret_value(), store.invalidate)
        store.publish = feed.publish
    elif sql.dialect == "postgresql":
        feed = PostgresChangeFeed(sql.listen_dsn, store.invalidate)
    body_cache = SchemaBodyCache()
    store.on_ids_removed.append(body_cache.clear)  # permanent deletes, on any node
    servers: list[_Server] = []  # beside the HTTP API, in its event loop: the gRPC edge

    async def ready() -> Readiness:
        """Every probe's answer (REST `/health/ready`, gRPC health)."""
        return await readiness(store, feed, [store.cache, body_cache])

    usage_store = SqlUsageStore(settings.database_url.get_secret_value())
    recorder = UsageRecorder(usage_store, settings.usage_flush_seconds)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await store.start()
        if feed is not None:
            await feed.start()
        sweeper.start()
        recorder.start()
        for companion in servers:
            await companion.start()
        yield
        for companion in reversed(servers):  # before storage closes: calls in flight finish
            await companion.stop()
        await recorder.close()  # the counts since the last flush are written first
        await usage_store.close()
        await sweeper.close()
        if feed is not None:
            await feed.close()
        await store.close()

    api = FastAPI(
        title="LLM Schema Registry",
        version=__version__,
        description="Confluent Schema Registry compatible API, plus governance extensions.",
        default_response_class=RegistryJSONResponse,
        lifespan=lifespan,
        docs_url=None,  # served offline by api/docs.py instead of from a CDN
        redoc_url=None,
    )
    api.state.settings = settings
    api.state.store = store
    api.state.feed = feed
    api.state.body_cache = body_cache
    api.state.readiness = ready
    api.state.servers = servers
    policies = Policies.from_settings(settings)  # registration checks, run by the registry
    api.state.registry = RegistryService(
        store,
        parsed_cache_size=settings.parsed_cache_size,
        max_schema_bytes=settings.max_schema_bytes,
        clock=clock,
        checks=[policies] if policies.active else [],
        configured_checks=[ProviderProfiles()],  # `llmProfiles` in a subject's config
    )
    api.state.usage = recorder
    api.state.validation = DataValidation(api.state.registry, recorder)
    api.state.governance = GovernanceService(store, api.state.registry)
    api.state.lineage = Lineage(api.state.registry, api.state.governance.consumers)
    api.state.impact = ImpactAnalysis(api.state.registry, api.state.governance.consumers)
    api.state.catalog = Catalog(api.state.registry)
    sweeper = SunsetSweeper(api.state.governance)
    errors.install(api)
    for router in (
        server.router,
        schemas.router,
        subjects.router,
        compatibility.router,
        config.router,
        config.mode_router,
        health.router,
        validate.router,
        governance.router,
        export.router,
        prompts.router,
        security.router,
        lineage.router,
        usage.router,
        docs.router,
        ui_router,
    ):
        api.include_router(router)
    return api
