"""`GET /subjects/{s}/versions/{v}/diff`: field-by-field changes and semver bumps per format."""

from __future__ import annotations

import json
from typing import Any

import httpx
from governance_support import avro_record, register


async def diff(client: httpx.AsyncClient, subject: str, version: int, against: int) -> Any:
    response = await client.get(f"/subjects/{subject}/versions/{version}/diff?against={against}")
    assert response.status_code == 200, response.text
    return response.json()


def kinds(result: Any) -> list[tuple[str, str, bool]]:
    return [(c["path"], c["kind"], c["breaking"]) for c in result["changes"]]


async def test_avro_field_changes_judged_under_the_subject_mode(
    sqlite_client: httpx.AsyncClient,
) -> None:
    client = sqlite_client
    await client.put("/config/avro", json={"compatibility": "NONE"})
    v1 = json.loads(avro_record("count"))
    v1["fields"].append({"name": "user_id", "type": "string"})
    v2 = json.loads(avro_record("count", "retries"))
    v2["fields"][1]["type"] = "long"  # count: int -> long (a promotion)
    v2["doc"] = "An event"
    await register(client, "avro", json.dumps(v1))
    await register(client, "avro", json.dumps(v2))

    await client.put("/config/avro", json={"compatibility": "BACKWARD"})
    backward = await diff(client, "avro", 2, 1)
    assert kinds(backward) == [
        ("$", "DOC_CHANGED", False),
        ("$.retries", "FIELD_ADDED", False),
        ("$.user_id", "FIELD_REMOVED", False),
        ("$.count", "TYPE_CHANGED", False),
    ]
    # Issue 11: the bump follows the changes, not the level (user_id's removal and the
    # promotion break old readers: major even though BACKWARD accepts both).
    assert backward["semver_bump"] == "major"

    await client.put("/config/avro", json={"compatibility": "FORWARD"})
    forward = await diff(client, "avro", 2, 1)
    assert [c["breaking"] for c in forward["changes"]] == [False, False, True, True]
    assert forward["changes"][2]["migration_note"] == (
        "field `user_id` removed: add it back with a default, or bump the major version"
    )
    assert forward["semver_bump"] == "major"

    back = await diff(client, "avro", 1, 2)  # the other way round, still under FORWARD
    assert ("$.user_id", "FIELD_ADDED", False) in kinds(back)


async def test_avro_documentation_only_is_a_patch(sqlite_client: httpx.AsyncClient) -> None:
    client = sqlite_client
    v1 = json.loads(avro_record("a"))
    v2 = json.loads(avro_record("a"))
    v2["fields"][1]["doc"] = "How many"
    await register(client, "doc", json.dumps(v1))
    await register(client, "doc", json.dumps(v2))
    result = await diff(client, "doc", 2, 1)
    assert kinds(result) == [("$.a", "DOC_CHANGED", False)]
    assert result["semver_bump"] == "patch"
    assert (await diff(client, "doc", 1, 1)) == {
        "version": 1,
        "against": 1,
        "changes": [],
        "semver_bump": "none",
    }


async def test_json_schema_changes(sqlite_client: httpx.AsyncClient) -> None:
    client = sqlite_client
    await client.put("/config/j", json={"compatibility": "NONE"})
    v1 = {
        "type": "object",
        "properties": {"user_id": {"type": "string"}, "n": {"type": "integer"}},
        "additionalProperties": False,
    }
    v2 = {
        "type": "object",
        "description": "An event",
        "properties": {"n": {"type": "integer"}, "email": {"type": "string"}},
        "additionalProperties": False,
    }
    for schema in (v1, v2):
        await register(client, "j", json.dumps(schema), schemaType="JSON")
    await client.put("/config/j", json={"compatibility": "BACKWARD"})
    result = await diff(client, "j", 2, 1)
    assert kinds(result) == [
        ("#/", "DESCRIPTION_CHANGED", False),
        ("#/properties/user_id", "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", True),
        ("#/properties/email", "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", False),
    ]
    assert result["changes"][1]["migration_note"] == (
        "field `user_id` removed: add it back with a default, or bump the major version"
    )
    assert result["semver_bump"] == "major"
    await client.put("/config/j", json={"compatibility": "NONE"})
    assert (await diff(client, "j", 2, 1))["semver_bump"] == "major"  # issue 11: not by level


async def test_protobuf_changes(sqlite_client: httpx.AsyncClient) -> None:
    client = sqlite_client
    await client.put("/config/p", json={"compatibility": "NONE"})
    v1 = 'syntax = "proto3";\nmessage Event {\n  string user_id = 1;\n  int32 n = 2;\n}\n'
    v2 = 'syntax = "proto3";\nmessage Event {\n  int32 user_id = 1;\n  string email = 3;\n}\n'
    for schema in (v1, v2):
        await register(client, "p", schema, schemaType="PROTOBUF")
    await client.put("/config/p", json={"compatibility": "FULL"})
    result = await diff(client, "p", 2, 1)
    assert kinds(result) == [
        ("#/Event/1", "FIELD_SCALAR_KIND_CHANGED", True),
        ("#/Event/2", "FIELD_REMOVED", False),
        ("#/Event/3", "FIELD_ADDED", False),
    ]
    assert result["changes"][0]["migration_note"].startswith("type of `")
    assert result["semver_bump"] == "major"
    await client.put("/config/p", json={"compatibility": "NONE"})
    assert (await diff(client, "p", 2, 1))["semver_bump"] == "major"  # issue 11: not by level


async def test_diff_of_unknown_versions(sqlite_client: httpx.AsyncClient) -> None:
    await register(sqlite_client, "u", avro_record())
    missing = await sqlite_client.get("/subjects/u/versions/1/diff?against=7")
    assert missing.status_code == 404 and missing.json()["error_code"] == 40402
