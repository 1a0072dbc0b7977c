"""Registration checks run by `RegistryService` on the parsed schema (registry/checks.py),
with the security layer's policies as the check and a real SQLite store."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from llm_schema_registry.formats.base import SchemaFormat, SchemaType
from llm_schema_registry.registry.checks import RegistrationBlockedError, Violation, reporting
from llm_schema_registry.registry.model import JsonObject, RegisterRequest
from llm_schema_registry.registry.service import RegistryService
from llm_schema_registry.security.policy import Policies
from llm_schema_registry.storage.sql import SqlStore

USER = json.dumps(
    {
        "type": "record",
        "name": "User",
        "fields": [{"name": "id", "type": "string"}, {"name": "email", "type": "string"}],
    }
)
PERSON = 'syntax = "proto3";\nmessage Person {\n  string name = 1;\n  string phone = 2;\n}\n'


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqlStore]:
    opened = SqlStore(f"sqlite:///{tmp_path}/registry.db")
    await opened.start()
    yield opened
    await opened.close()


async def test_warnings_are_reported_and_the_schema_registered(store: SqlStore) -> None:
    registry = RegistryService(store, checks=[Policies(pii="warn")])
    with reporting() as report:
        found = await registry.register("users", RegisterRequest(USER))
    assert found.version == 1
    assert [(w.policy, w.path) for w in report.warnings] == [("pii", "email")]
    assert report.refused == []


async def test_a_block_refuses_before_anything_is_stored(store: SqlStore) -> None:
    registry = RegistryService(store, checks=[Policies(pii="block", required_metadata=("owner",))])
    with reporting() as report, pytest.raises(RegistrationBlockedError) as blocked:
        await registry.register("users", RegisterRequest(USER))
    assert {v.policy for v in blocked.value.violations} == {"pii", "required_metadata"}
    assert report.refused == list(blocked.value.violations)
    assert await registry.subjects() == []


async def test_checks_see_the_parsed_protobuf_schema(store: SqlStore) -> None:
    registry = RegistryService(store, checks=[Policies(pii="warn")])
    with reporting() as report:
        await registry.register("people", RegisterRequest(PERSON, SchemaType.PROTOBUF))
    assert [w.path for w in report.warnings] == ["Person.phone"]


class SubjectPrefix:
    """A check of another kind: the hook gets the subject and metadata too."""

    def check_registration(
        self, subject: str, fmt: SchemaFormat[Any], schema: Any, metadata: JsonObject | None
    ) -> list[Violation]:
        if not subject.startswith("team."):
            return [Violation("naming", "warn", "subject", f"{subject}: no team prefix")]
        return []


async def test_every_check_runs_and_no_report_is_needed(store: SqlStore) -> None:
    registry = RegistryService(store, checks=[SubjectPrefix(), Policies(pii="warn")])
    await registry.register("users", RegisterRequest(USER))  # no report open: still fine
    with reporting() as outer, reporting() as inner:
        await registry.register("more", RegisterRequest(USER))
    assert inner is outer
    assert [w.policy for w in outer.warnings] == ["naming", "pii"]


async def test_without_checks_nothing_is_reported(store: SqlStore) -> None:
    registry = RegistryService(store)
    with reporting() as report:
        await registry.register("users", RegisterRequest(USER))
    assert report.warnings == report.refused == []
