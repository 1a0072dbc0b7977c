"""The registry service over a real SQLite store, with a clock the tests move."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from registry_support import MovableClock

from llm_schema_registry.registry.service import RegistryService
from llm_schema_registry.storage.sql import SqlStore


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
async def store(sqlite_url: str) -> AsyncIterator[SqlStore]:
    opened = SqlStore(sqlite_url)
    await opened.start()
    yield opened
    await opened.close()


@pytest.fixture
def registry(store: SqlStore, clock: MovableClock) -> RegistryService:
    return RegistryService(store, clock=clock)
