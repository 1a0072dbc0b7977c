"""`REGISTRY_GC_FREEZE`: a started app's heap is frozen out of the cyclic collector's sight,
and the app still answers (the conftest turns it off for the rest of the suite)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from llm_schema_registry.api.app import create_app
from llm_schema_registry.settings import Settings

V1 = "application/vnd.schemaregistry.v1+json"


@pytest.fixture
def thawed() -> Iterator[None]:
    """This test process starts many apps: whatever this test froze is thawed after it."""
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.mark.parametrize("freeze", [True, False])
async def test_the_start_up_heap_is_frozen_only_when_asked(
    tmp_path: Path, thawed: None, freeze: bool
) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/registry.db", gc_freeze=freeze)  # type: ignore[arg-type]
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        frozen = gc.get_freeze_count()
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://registry") as http:
            schema = '{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}]}'
            reply = await http.post(
                "/subjects/s/versions", json={"schema": schema}, headers={"Content-Type": V1}
            )
            assert reply.status_code == 200
            assert (await http.get(f"/schemas/ids/{reply.json()['id']}")).status_code == 200
    if freeze:
        assert frozen > 50_000  # the app's routes, models and modules, at least
    else:
        assert frozen == 0
