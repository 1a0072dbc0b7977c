"""Samples: records that passed /validate kept per subject (PII-tagged fields never stored),
curated sets, and both replayed against a proposed version (`?samples=true`, `samplesGate`),
for every schema type."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from llm_schema_registry.storage.engine import async_url

CLOSED: dict[str, Any] = {"type": "object", "additionalProperties": False}


def answer_schema(required: list[str]) -> str:
    properties = {
        "answer": {"type": "string"},
        "note": {"type": "string"},
        "ssn": {"type": "string"},
        "contact": {"type": "object", "properties": {"email": {"type": "string"}}},
    }
    return json.dumps({**CLOSED, "properties": properties, "required": required})


PII_METADATA = {"tags": {"ssn": ["PII"], "**.email": ["pii", "CONTACT"]}}


async def ok(reply: Any) -> Any:
    response = await reply
    assert response.status_code == 200, response.text
    return response.json()


async def register(client: httpx.AsyncClient, subject: str, schema: str, **body: Any) -> Any:
    payload = {"schema": schema, "schemaType": "JSON", **body}
    return await ok(client.post(f"/subjects/{subject}/versions", json=payload))


async def test_a_new_required_field_reports_the_kept_records_lacking_it(
    client: httpx.AsyncClient,
) -> None:
    await ok(client.put("/config/answers", json={"compatibility": "NONE", "sampleRecords": 1000}))
    await register(client, "answers", answer_schema(["answer"]))
    records = [
        {"answer": f"a{i}"} if i % 100 < 3 else {"answer": f"a{i}", "note": "n"}
        for i in range(1000)
    ]
    for start in range(0, 1000, 250):
        batch = {"subject": "answers", "records": records[start : start + 250]}
        replies = await ok(client.post("/validate", json=batch))
        assert all(result["valid"] for result in replies["results"])
    stricter = {"schema": answer_schema(["answer", "note"]), "schemaType": "JSON"}

    checked = await ok(
        client.post("/compatibility/subjects/answers/versions?samples=true", json=stricter)
    )
    assert checked["is_compatible"] is True
    report = checked["samples"]
    assert (report["checked"], report["rejected"]) == (1000, 30)
    assert len(report["examples"]) == 5
    first = report["examples"][0]
    assert first["record"] == {"answer": "a0"} and first["kind"] == "recent"
    assert first["errors"] and "note" in first["errors"][0]["message"]

    registered = await ok(client.post("/subjects/answers/versions?samples=true", json=stricter))
    assert (registered["version"], registered["samples"]["rejected"]) == (2, 30)
    listed = await ok(client.get("/subjects/answers/samples", params={"kind": "recent"}))
    assert listed["counts"] == {"recent": 1000, "curated": 0}


async def test_the_reservoir_keeps_the_newest_records_only(client: httpx.AsyncClient) -> None:
    await ok(client.put("/config/small", json={"sampleRecords": 3}))
    await register(client, "small", answer_schema(["answer"]))
    for i in range(5):
        await ok(client.post("/validate", json={"subject": "small", "data": {"answer": str(i)}}))
    await ok(client.post("/validate", json={"subject": "small", "data": {"answer": 7}}))  # invalid
    listed = await ok(client.get("/subjects/small/samples", params={"kind": "recent"}))
    assert [sample["record"]["answer"] for sample in listed["samples"]] == ["2", "3", "4"]


async def test_subjects_without_sample_records_keep_nothing(client: httpx.AsyncClient) -> None:
    await register(client, "plain", answer_schema(["answer"]))
    await ok(client.post("/validate", json={"subject": "plain", "data": {"answer": "x"}}))
    listed = await ok(client.get("/subjects/plain/samples", params={"kind": "all"}))
    assert listed == {"samples": [], "counts": {"recent": 0, "curated": 0}}


async def stored_rows(url: str) -> list[str]:
    engine = create_async_engine(async_url(url))
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT record_json FROM schema_samples"))
            return [str(row[0]) for row in rows]
    finally:
        await engine.dispose()


async def test_pii_tagged_fields_never_reach_the_table(
    client: httpx.AsyncClient, database_url: str
) -> None:
    await ok(client.put("/config/people", json={"sampleRecords": 10}))
    await register(client, "people", answer_schema(["answer"]), metadata=PII_METADATA)
    record = {"answer": "yes", "ssn": "123-45-6789", "contact": {"email": "a@example.com"}}
    await ok(client.post("/validate", json={"subject": "people", "records": [record] * 3}))
    reply = json.dumps({"answer": "ok", "ssn": "987-65-4321"})
    await ok(client.post("/validate", json={"subject": "people", "llm_output": reply}))
    await ok(client.post("/subjects/people/samples", json={"records": [record]}))
    listed = await ok(client.get("/subjects/people/samples", params={"kind": "all"}))
    assert listed["counts"] == {"recent": 4, "curated": 1}  # the queue is flushed by now

    rows = await stored_rows(database_url)
    assert len(rows) == 5
    for row in rows:
        assert "ssn" not in row and "email" not in row
        assert "123-45-6789" not in row and "a@example.com" not in row and "987-65" not in row
    assert {"answer": "yes", "contact": {}} in [json.loads(row) for row in rows]


async def test_the_gate_refuses_a_version_rejecting_a_curated_sample(
    client: httpx.AsyncClient,
) -> None:
    await ok(client.put("/config/gated", json={"compatibility": "NONE", "samplesGate": True}))
    await register(client, "gated", answer_schema(["answer"]))
    curated = [{"answer": "a", "note": "n"}, {"answer": "b"}]
    added = await ok(client.post("/subjects/gated/samples", json={"records": curated}))
    assert len(added["ids"]) == 2

    stricter = {"schema": answer_schema(["answer", "note"]), "schemaType": "JSON"}
    refused = await client.post("/subjects/gated/versions", json=stricter)
    assert (refused.status_code, refused.json()["error_code"]) == (409, 40961)
    samples = refused.json()["samples"]
    assert (samples["checked"], samples["rejected"]) == (2, 1)
    assert samples["examples"][0]["record"] == {"answer": "b"}
    assert await ok(client.get("/subjects/gated/versions")) == [1]

    await ok(client.delete("/subjects/gated/samples", params={"id": added["ids"][1]}))
    assert (await register(client, "gated", stricter["schema"]))["version"] == 2


async def test_curated_samples_are_listed_and_deleted(client: httpx.AsyncClient) -> None:
    await register(client, "kept", answer_schema(["answer"]))
    ids = (await ok(client.post("/subjects/kept/samples", json={"records": [{"a": 1}, 2]})))["ids"]
    listed = await ok(client.get("/subjects/kept/samples"))
    stored = [(s["id"], s["record"]) for s in listed["samples"]]
    assert stored == list(zip(ids, [{"a": 1}, 2], strict=True))
    assert await ok(client.delete("/subjects/kept/samples", params={"id": ids[0]})) == {
        "deleted": 1
    }
    assert await ok(client.delete("/subjects/kept/samples", params={"id": ids[0]})) == {
        "deleted": 0
    }
    assert await ok(client.delete("/subjects/kept/samples")) == {"deleted": 1}
    assert (await ok(client.get("/subjects/kept/samples")))["samples"] == []


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/subjects/kept/samples", {"records": []}, 422, 42270),
        ("/subjects/nobody/samples", {"records": [1]}, 404, 40401),
        ("/config/kept", {"sampleRecords": -1}, 422, 42253),
        ("/config/kept", {"sampleRecords": True}, 422, 422),
        ("/config/kept", {"samplesGate": "yes"}, 422, 422),
    ],
)
async def test_bad_samples_requests_are_refused(
    sqlite_client: httpx.AsyncClient, path: str, body: Any, status: int, code: int
) -> None:
    await register(sqlite_client, "kept", answer_schema(["answer"]))
    send = sqlite_client.put if path.startswith("/config") else sqlite_client.post
    reply = await send(path, json=body)
    assert (reply.status_code, reply.json()["error_code"]) == (status, code)


AVRO_V1 = {"type": "record", "name": "R", "fields": [{"name": "n", "type": "int"}]}
AVRO_V2 = {"type": "record", "name": "R", "fields": [{"name": "n", "type": "string"}]}
PROMPT_V1 = {
    "messages": [{"role": "user", "content": "Say {{ word }}"}],
    "variables": {"type": "object", "properties": {"word": {"type": "string"}}},
}
PROMPT_V2 = {
    "messages": [{"role": "user", "content": "Say {{ word }} in {{ tone }}"}],
    "variables": {
        "type": "object",
        "properties": {"word": {"type": "string"}, "tone": {"type": "string"}},
        "required": ["tone"],
    },
}
# schema type, v1, v2, curated samples (the last one is rejected by v2)
EVERY_TYPE = {
    "AVRO": (json.dumps(AVRO_V1), json.dumps(AVRO_V2), [{"n": "x"}, {"n": 1}]),
    "PROTOBUF": (
        'syntax = "proto3"; message M { string n = 1; }',
        'syntax = "proto3"; message M { int32 n = 1; }',
        [{"n": 5}, {"n": "not a number"}],
    ),
    "JSON": (answer_schema([]), answer_schema(["note"]), [{"note": "x"}, {"answer": "y"}]),
    "PROMPT": (json.dumps(PROMPT_V1), json.dumps(PROMPT_V2), [{"tone": "t"}, {"word": "w"}]),
}


@pytest.mark.parametrize("kind", list(EVERY_TYPE))
async def test_samples_replay_for_every_schema_type(
    sqlite_client: httpx.AsyncClient, kind: str
) -> None:
    v1, v2, curated = EVERY_TYPE[kind]
    await ok(sqlite_client.put("/config/typed", json={"compatibility": "NONE"}))
    await ok(
        sqlite_client.post("/subjects/typed/versions", json={"schema": v1, "schemaType": kind})
    )
    await ok(sqlite_client.post("/subjects/typed/samples", json={"records": curated}))
    checked = await ok(
        sqlite_client.post(
            "/compatibility/subjects/typed/versions",
            params={"samples": "true"},
            json={"schema": v2, "schemaType": kind},
        )
    )
    report = checked["samples"]
    assert (report["checked"], report["rejected"]) == (2, 1)
    assert report["examples"][0]["record"] == curated[1]
