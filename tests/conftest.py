"""Fixtures shared by every test: engines, the real app over HTTP, real server processes."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

sys.path.insert(0, str(Path(__file__).parent))
# Servers the tests start serve no gRPC unless a test gives them a port (ServerProcess(grpc=
# True)): several run at once, and the default port (9090) may be taken.
os.environ.setdefault("REGISTRY_GRPC_PORT", "0")
# Hundreds of apps start in one test process: frozen start-up heaps (Settings.gc_freeze) would
# pile up, their cycles never collected. tests/api/test_gc_freeze.py turns it on.
os.environ.setdefault("REGISTRY_GC_FREEZE", "false")

from llm_schema_registry.api.app import create_app
from llm_schema_registry.settings import Settings
from support import ServerProcess, fresh_pg_database

V1 = "application/vnd.schemaregistry.v1+json"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each storage-touching test runs on both engines (PostgreSQL via REGISTRY_TEST_PG_DSN)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/registry.db"
    else:
        with fresh_pg_database() as url:
            yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/registry.db"


async def _client(url: str, **settings: object) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=url, **settings))  # type: ignore[arg-type]
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://registry", headers={"Content-Type": V1}
        ) as client:
            yield client


@pytest.fixture
async def client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The real app over HTTP (ASGI), on both engines."""
    async for c in _client(database_url):
        yield c


@pytest.fixture
async def sqlite_client(sqlite_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The real app over HTTP on SQLite only, for tests where the engine does not matter."""
    async for c in _client(sqlite_url):
        yield c


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A real `llm-schema serve` process on SQLite, shared by a module's tests."""
    workdir = tmp_path_factory.mktemp("server")
    server = ServerProcess(f"sqlite:///{workdir}/registry.db", workdir)
    yield server
    server.stop()
