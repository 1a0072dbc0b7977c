"""Builds the ASGI application: FastAPI for the API surface, behind the front layer."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Protocol

from fastapi import FastAPI
from starlette.routing import Route

from llm_schema_registry import __version__
from llm_schema_registry.api import docs, errors
from llm_schema_registry.api.access import READ, declared_routes, requires
from llm_schema_registry.api.cold_reads import ColdReads
from llm_schema_registry.api.contexts import ContextLayer
from llm_schema_registry.api.front import FrontLayer, SchemaBodyCache
from llm_schema_registry.api.media import RegistryJSONResponse
from llm_schema_registry.api.observe import ObservabilityLayer
from llm_schema_registry.api.routes import (
    compatibility,
    config,
    event_feed,
    export,
    governance,
    health,
    lineage,
    prompts,
    samples,
    schemas,
    security,
    server,
    subjects,
    usage,
    validate,
    webhooks,
)
from llm_schema_registry.api.warmup import SchemaWarmup
from llm_schema_registry.asgi import ASGIApp
from llm_schema_registry.events.feed import EventFeed
from llm_schema_registry.events.relay import RelayOptions
from llm_schema_registry.events.service import EventsConfig, EventsService
from llm_schema_registry.events.ssrf import UrlGuard
from llm_schema_registry.events.webhook import RetryPolicy
from llm_schema_registry.governance.catalog import Catalog
from llm_schema_registry.governance.impact import ImpactAnalysis
from llm_schema_registry.governance.lineage import Lineage
from llm_schema_registry.governance.reminders import SunsetReminders, parse_lead_days
from llm_schema_registry.governance.service import GovernanceService
from llm_schema_registry.governance.sweeper import SunsetSweeper
from llm_schema_registry.grpc_api.server import GrpcServer
from llm_schema_registry.grpc_api.service import RegistryServices
from llm_schema_registry.llm.profiles import ProviderProfiles
from llm_schema_registry.observability.readiness import Readiness, readiness
from llm_schema_registry.observability.tracing import configure_tracing
from llm_schema_registry.registry.sampling import SampleService
from llm_schema_registry.registry.service import RegistryService
from llm_schema_registry.registry.usage import UsageRecorder
from llm_schema_registry.registry.validation import DataValidation
from llm_schema_registry.registry.versions import Clock
from llm_schema_registry.security.policy import Policies
from llm_schema_registry.security.setup import install_security
from llm_schema_registry.settings import Settings
from llm_schema_registry.storage.cached import CachedStore
from llm_schema_registry.storage.events_sql import SqlEventStore
from llm_schema_registry.storage.feed import RedisChangeFeed, change_feed
from llm_schema_registry.storage.samples_sql import SqlSampleStore
from llm_schema_registry.storage.security_sql import SqlSecurityStore
from llm_schema_registry.storage.sql import SqlStore
from llm_schema_registry.storage.usage_sql import SqlUsageStore
from llm_schema_registry.ui import PREFIX as UI_PREFIX
from llm_schema_registry.ui import refuse_page
from llm_schema_registry.ui import router as ui_router

if TYPE_CHECKING:
    from llm_schema_registry.mcp_server import McpEndpoint


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
    if api.state.mcp is not None:  # MCP tool calls go through the security layer, as REST's
        api.state.mcp.bind(app)
    if serve_grpc and settings.grpc_port:
        api.state.servers.append(_grpc_server(api, settings))
    # Outside even that: `/contexts/{context}/X` is X with the context carried in the subject
    # (api/contexts.py), so security and routes see one request shape.
    return ContextLayer(app)


def _grpc_server(api: FastAPI, settings: Settings) -> GrpcServer:
    """The gRPC edge over the very services, caches and security guards of the HTTP API."""
    state = api.state
    services = RegistryServices(
        state.registry, state.validation, state.governance, state.event_feed
    )
    server = GrpcServer(services, state.guards, state.readiness, settings, _error_code)
    state.store.on_ids_removed.append(server.forget_schemas)
    return server


def _error_code(error: Exception) -> int | None:
    """The Confluent code of an error the edges answer (the one table), None if unexpected."""
    return errors.code_for(error) if isinstance(error, errors.HANDLED) else None


def events_service(settings: Settings) -> EventsService | None:
    """Change events from settings (docs/events.md); None when turned off."""
    if not settings.events_enabled:
        return None
    config = EventsConfig(
        source=settings.events_source,
        guard=UrlGuard(allow_private=settings.webhook_allow_private),
        policy=RetryPolicy(
            retries=settings.webhook_retries,
            min_delay=settings.webhook_retry_min_seconds,
            max_delay=max(settings.webhook_retry_min_seconds, settings.webhook_retry_max_seconds),
        ),
        timeout=settings.webhook_timeout_seconds,
        nats_url=settings.events_nats_url,
        nats_stream=settings.events_nats_stream,
        nats_subject_prefix=settings.events_nats_subject_prefix,
        amqp_url=settings.events_amqp_url.get_secret_value() if settings.events_amqp_url else None,
        amqp_exchange=settings.events_amqp_exchange,
        relay=RelayOptions(
            lease=dt.timedelta(seconds=settings.events_lease_seconds),
            retention=dt.timedelta(days=settings.events_retention_days),
            idle_seconds=settings.events_poll_seconds,
        ),
    )
    return EventsService(SqlEventStore(settings.database_url.get_secret_value()), config)


def freeze_startup_heap() -> None:
    """Collect start-up's garbage, then freeze what is left (see `Settings.gc_freeze`): the
    app holds ~360,000 tracked objects that live as long as the process, and every full
    collection walked them all (10-30 % of a 1,000-record `/validate` batch's CPU)."""
    gc.collect()
    gc.freeze()


def create_api(settings: Settings, *, clock: Clock | None = None) -> FastAPI:
    """The framework application: routes, their services on `state`, the lifespan."""
    read_url = settings.database_read_url.get_secret_value() if settings.database_read_url else None
    sql = SqlStore(
        settings.database_url.get_secret_value(),
        read_url=read_url,
        events=settings.events_enabled,
    )
    events = events_service(settings)
    # With an external relay (`llm-schema relay`) this process only writes the outbox and
    # serves the feed: its readers find new events by polling (EventFeed.poll_seconds).
    relay_here = events is not None and settings.events_relay == "inline"
    if events is not None and relay_here:
        sql.on_events.append(events.wake)  # a commit that wrote events: deliver now
    store = CachedStore(sql)
    redis_url = settings.redis_url.get_secret_value() if settings.redis_url else None
    feed = change_feed(redis_url, sql, store.invalidate)
    if isinstance(feed, RedisChangeFeed):
        store.publish = feed.publish  # Redis hears only what nodes publish after commit
    body_cache = SchemaBodyCache(settings.schema_body_cache_bytes)
    store.on_ids_removed.append(body_cache.clear)  # permanent deletes, on any node
    mcp = _mcp_endpoint()  # MCP over streamable HTTP at /mcp (mcp_server/)
    servers: list[_Server] = [mcp] if mcp else []  # beside the HTTP API: MCP, gRPC

    async def ready() -> Readiness:
        """Every probe's answer (REST `/health/ready`, gRPC health)."""
        return await readiness(store, feed, [store.cache, body_cache])

    usage_store = SqlUsageStore(settings.database_url.get_secret_value())
    recorder = UsageRecorder(usage_store, settings.usage_flush_seconds)
    sample_store = SqlSampleStore(settings.database_url.get_secret_value())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await store.start()
        if events is not None and relay_here:
            await events.start()
        if feed is not None:
            await feed.start()
        sweeper.start()
        recorder.start()
        api.state.samples.start()
        for companion in servers:
            await companion.start()
        if warmup is not None:
            warmup.start()  # in the background: readiness does not wait for it
        if settings.gc_freeze:
            freeze_startup_heap()
        yield
        if warmup is not None:
            await warmup.close()
        for companion in reversed(servers):  # before storage closes: calls in flight finish
            await companion.stop()
        await recorder.close()  # the counts since the last flush are written first
        await usage_store.close()
        await api.state.samples.close()  # the samples queued since the last flush first
        await sample_store.close()
        await sweeper.close()
        if events is not None:
            await events.close()
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
    api.state.events = events
    api.state.mcp = mcp
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
    warm = settings.warm_schema_cache
    if warm is None:
        warm = sql.dialect == "postgresql"
    connected = feed.connected if feed is not None else None
    warmup = (
        SchemaWarmup(api.state.registry, body_cache, feed_connected=connected) if warm else None
    )
    api.state.warmup = warmup
    if warmup is not None:
        store.on_ids_removed.append(warmup.refill)  # after the body cache's own clear
    api.state.samples = SampleService(
        api.state.registry, sample_store, settings.usage_flush_seconds
    )
    api.state.registry.add_gate(api.state.samples)  # samplesGate
    api.state.validation = DataValidation(api.state.registry, recorder, api.state.samples)
    # The change feed's readers (SSE, GET /events, gRPC WatchEvents, the dashboard), woken
    # when this node's relay numbers new events; None when events are turned off.
    api.state.event_feed = (
        EventFeed(events.store, events.sequenced, source=events.config.source)
        if events is not None
        else None
    )
    api.state.governance = GovernanceService(store, api.state.registry)
    api.state.lineage = Lineage(api.state.registry, api.state.governance.consumers)
    api.state.impact = ImpactAnalysis(api.state.registry, api.state.governance.consumers)
    api.state.catalog = Catalog(api.state.registry)
    reminders = SunsetReminders(
        store, api.state.registry.clock, parse_lead_days(settings.sunset_reminder_days)
    )
    api.state.reminders = reminders
    sweeper = SunsetSweeper(
        api.state.governance,
        settings.sunset_sweep_seconds,
        reminders if relay_here else None,  # else sent by the external relay
    )
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
        samples.router,
        security.router,
        event_feed.router,
        lineage.router,
        usage.router,
        webhooks.router,
        docs.router,
        ui_router,
    ):
        api.include_router(router)
    if mcp is not None:
        api.router.routes.append(_mcp_route(mcp))
    return api


def _mcp_endpoint() -> McpEndpoint | None:
    """The MCP endpoint, when the `mcp` extra is installed (else no `/mcp`)."""
    try:
        from llm_schema_registry.mcp_server import McpEndpoint
    except ImportError:
        return None
    return McpEndpoint()


def _mcp_route(endpoint: McpEndpoint) -> Route:
    """`/mcp`: any authenticated caller who may read; what each tool does is then authorized
    as the REST call it makes."""
    from llm_schema_registry.mcp_server import PATH

    route = Route(PATH, endpoint=endpoint, methods=["GET", "POST", "DELETE"])
    route.dependencies = [requires(READ)]  # type: ignore[attr-defined]  # read by declared_routes
    return route
