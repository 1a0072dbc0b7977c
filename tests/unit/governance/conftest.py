"""Governance over the real registry service and a real SQLite store, with a movable clock."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "registry"))  # registry_support

from registry_support import MovableClock

from llm_schema_registry.governance.service import GovernanceService
from llm_schema_registry.registry.service import RegistryService
from llm_schema_registry.storage.cached import CachedStore
from llm_schema_registry.storage.sql import SqlStore


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
async def store(sqlite_url: str) -> AsyncIterator[CachedStore]:
    """The store the app runs on: its change counter keys the search index."""
    opened = CachedStore(SqlStore(sqlite_url))
    await opened.start()
    yield opened
    await opened.close()


@pytest.fixture
def registry(store: CachedStore, clock: MovableClock) -> RegistryService:
    return RegistryService(store, clock=clock)


@pytest.fixture
def governance(store: CachedStore, registry: RegistryService) -> GovernanceService:
    return GovernanceService(store, registry)
