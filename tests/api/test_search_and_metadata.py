"""Governance metadata, subject search at 10,000 subjects, the overview and bulk reads."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from governance_support import V1, avro_record, register, seed_subjects

from llm_schema_registry.api.app import create_app
from llm_schema_registry.settings import Settings

SUBJECTS = 10_000


@pytest.fixture
async def seeded(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=database_url))  # type: ignore[arg-type]
    async with LifespanManager(app) as manager:
        inner: Any = app
        while not hasattr(inner, "state"):
            inner = inner.app
        await seed_subjects(inner.state.store, SUBJECTS)
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://registry", headers={"Content-Type": V1}
        ) as client:
            yield client


async def names(client: httpx.AsyncClient, query: str) -> list[str]:
    response = await client.get(f"/subjects?{query}")
    assert response.status_code == 200, response.text
    found: list[str] = response.json()
    return found


async def test_search_among_ten_thousand_subjects(seeded: httpx.AsyncClient) -> None:
    client = seeded
    assert len(await names(client, "")) == SUBJECTS
    gold = await names(client, "tag=gold")
    assert len(gold) == 100 and "telemetry.svc0.events" in gold
    assert len(await names(client, "owner=team-3")) == 1000
    assert await names(client, "query=SERVICE%204242") == ["search.svc4242.events"]
    assert await names(client, "query=SVC77.") == ["billing.svc77.events"]
    telemetry = await names(client, "subjectPrefix=telemetry.*")
    assert len(telemetry) == 2500 and all(n.startswith("telemetry.") for n in telemetry)
    assert await names(client, "subjectPrefix=chat.svc1?.events") == [
        f"chat.svc{i}.events" for i in (11, 15, 19)
    ]
    # A plain prefix keeps Confluent's meaning.
    assert len(await names(client, "subjectPrefix=chat.svc1")) == 278
    both = await names(client, "tag=gold&owner=team-0&subjectPrefix=telemetry.*&limit=5")
    assert both == sorted(both) and len(both) == 5

    assert await names(client, "state=DEPRECATED") == []
    deprecate = {"state": "DEPRECATED", "sunset_date": "2999-01-01", "reason": "replaced"}
    response = await client.put("/subjects/chat.svc3.events/versions/1", json=deprecate)
    assert response.status_code == 200, response.text
    assert await names(client, "state=DEPRECATED") == ["chat.svc3.events"]
    assert len(await names(client, "state=ACTIVE")) == SUBJECTS - 1


async def test_metadata_set_at_registration_and_changed_in_place(
    client: httpx.AsyncClient,
) -> None:
    metadata = {
        "properties": {"owner": "ml-platform", "description": "LLM inference events"},
        "tags": {"$.prompt": ["PII"]},
    }
    first = await register(client, "llm.inference", avro_record(), metadata=metadata)
    assert await names(client, "owner=ml-platform") == ["llm.inference"]
    assert await names(client, "tag=PII") == ["llm.inference"]
    assert await names(client, "query=inference%20EVENTS") == ["llm.inference"]

    changed = {
        "properties": {
            "owner": "safety",
            "doc_url": "https://wiki/llm",
            "tags": "pii,gold",
        }
    }
    response = await client.put("/subjects/llm.inference/versions/1", json={"metadata": changed})
    assert response.status_code == 200 and response.json()["metadata"] == changed
    version = (await client.get("/subjects/llm.inference/versions/1")).json()
    assert version["metadata"] == changed and version["id"] == first["id"]
    assert json.loads(version["schema"]) == json.loads(avro_record())
    assert await names(client, "owner=ml-platform") == []
    assert await names(client, "tag=gold") == ["llm.inference"]

    overview = (await client.get("/subjects/llm.inference/overview")).json()
    assert overview["owner"] == "safety"
    assert overview["tags"] == ["gold", "pii"]
    assert overview["history"][-1]["kind"] == "metadata"


async def test_overview_shows_references_both_ways_and_validations(
    client: httpx.AsyncClient,
) -> None:
    address = json.dumps(
        {"type": "record", "name": "Address", "fields": [{"name": "city", "type": "string"}]}
    )
    await register(client, "address", address)
    user = json.dumps(
        {"type": "record", "name": "User", "fields": [{"name": "home", "type": "Address"}]}
    )
    refs = [{"name": "Address", "subject": "address", "version": 1}]
    await register(client, "user", user, references=refs)
    await client.post(
        "/validate",
        json={"subject": "address", "version": "latest", "records": [{"city": "x"}, {}]},
    )
    into = (await client.get("/subjects/address/overview")).json()
    assert into["referenced_by"] == [{"subject": "user", "version": 1, "to_version": 1}]
    assert into["validations"] == {"valid": 1, "invalid": 1}
    out = (await client.get("/subjects/user/overview")).json()
    assert out["references"] == [
        {"name": "Address", "subject": "address", "version": 1, "from_version": 1}
    ]
    assert out["versions"] == [
        {"version": 1, "id": out["versions"][0]["id"], "state": "ACTIVE", "sunset_date": None}
        | {"reason": None}
    ]
    missing = await client.get("/subjects/nobody/overview")
    assert missing.status_code == 404 and missing.json()["error_code"] == 40401


async def test_bulk_schemas_by_id(client: httpx.AsyncClient) -> None:
    a = await register(client, "bulk-a", avro_record())
    p = await register(
        client, "bulk-p", 'syntax = "proto3";\nmessage M { int32 x = 1; }\n', schemaType="PROTOBUF"
    )
    response = await client.post("/schemas/bulk", json={"ids": [p["id"], 999, a["id"]]})
    body = response.json()
    assert [(s["id"], s["schemaType"], s["references"]) for s in body["schemas"]] == [
        (p["id"], "PROTOBUF", []),
        (a["id"], "AVRO", []),
    ]
    assert json.loads(body["schemas"][1]["schema"]) == json.loads(avro_record())
    assert body["missing"] == [999]
