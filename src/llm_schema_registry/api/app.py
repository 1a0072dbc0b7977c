"""Builds the ASGI application: FastAPI for the API surface, behind the front layer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from llm_schema_registry import __version__
from llm_schema_registry.api import errors
from llm_schema_registry.api.front import FrontLayer, SchemaBodyCache
from llm_schema_registry.api.media import RegistryJSONResponse
from llm_schema_registry.api.routes import compatibility, config, schemas, server, subjects
from llm_schema_registry.registry.service import RegistryService
from llm_schema_registry.settings import Settings
from llm_schema_registry.storage.sql import SqlStore


def create_app(settings: Settings | None = None) -> FrontLayer:
    """The registry as an ASGI app; storage is opened (and migrated) at start-up."""
    settings = settings or Settings()
    store = SqlStore(settings.database_url.get_secret_value())
    body_cache = SchemaBodyCache()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await store.start()
        yield
        await store.close()

    api = FastAPI(
        title="LLM Schema Registry",
        version=__version__,
        description="Confluent Schema Registry compatible API, plus governance extensions.",
        default_response_class=RegistryJSONResponse,
        lifespan=lifespan,
    )
    api.state.settings = settings
    api.state.body_cache = body_cache
    api.state.registry = RegistryService(
        store,
        parsed_cache_size=settings.parsed_cache_size,
        max_schema_bytes=settings.max_schema_bytes,
    )
    errors.install(api)
    for router in (
        server.router,
        schemas.router,
        subjects.router,
        compatibility.router,
        config.router,
        config.mode_router,
    ):
        api.include_router(router)
    front = FrontLayer(api, body_cache, settings.max_body_bytes)
    return front
