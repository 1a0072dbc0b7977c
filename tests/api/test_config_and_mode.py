"""`/config`, `/mode` and what they change."""

from __future__ import annotations

import httpx
from avro_samples import USER_BREAKING, USER_V1, USER_V2, record


async def test_global_config_defaults_to_backward_and_can_change(client: httpx.AsyncClient) -> None:
    assert (await client.get("/config")).json() == {"compatibilityLevel": "BACKWARD"}
    reply = await client.put("/config", json={"compatibility": "full_transitive"})
    assert reply.json() == {"compatibility": "FULL_TRANSITIVE"}
    assert (await client.get("/config")).json()["compatibilityLevel"] == "FULL_TRANSITIVE"
    assert (await client.delete("/config")).json()["compatibilityLevel"] == "FULL_TRANSITIVE"
    assert (await client.get("/config")).json() == {"compatibilityLevel": "BACKWARD"}


async def test_subject_config_falls_back_only_when_asked(client: httpx.AsyncClient) -> None:
    missing = await client.get("/config/s")
    assert (missing.status_code, missing.json()["error_code"]) == (404, 40408)
    fallback = await client.get("/config/s?defaultToGlobal=true")
    assert fallback.json()["compatibilityLevel"] == "BACKWARD"
    await client.put("/config/s", json={"compatibility": "NONE", "normalize": True})
    assert (await client.get("/config/s")).json() == {
        "compatibilityLevel": "NONE",
        "normalize": True,
    }
    assert (await client.delete("/config/s")).json()["compatibilityLevel"] == "NONE"
    assert (await client.get("/config/s")).status_code == 404


async def test_an_invalid_level_is_42203(client: httpx.AsyncClient) -> None:
    reply = await client.put("/config", json={"compatibility": "SIDEWAYS"})
    assert (reply.status_code, reply.json()["error_code"]) == (422, 42203)
    assert (await client.get("/config")).json() == {"compatibilityLevel": "BACKWARD"}


async def test_level_none_lets_a_breaking_change_through(client: httpx.AsyncClient) -> None:
    await client.post("/subjects/s/versions", json={"schema": USER_V1})
    await client.put("/config/s", json={"compatibility": "NONE"})
    reply = await client.post("/subjects/s/versions", json={"schema": USER_BREAKING})
    assert reply.status_code == 200


async def test_compatibility_endpoints_report_with_and_without_verbose(
    client: httpx.AsyncClient,
) -> None:
    await client.post("/subjects/s/versions", json={"schema": USER_V1})
    good = await client.post("/compatibility/subjects/s/versions/latest", json={"schema": USER_V2})
    assert good.json() == {"is_compatible": True}
    bad = await client.post(
        "/compatibility/subjects/s/versions?verbose=true", json={"schema": USER_BREAKING}
    )
    body = bad.json()
    assert body["is_compatible"] is False
    assert any("READER_FIELD_MISSING_DEFAULT_VALUE" in m for m in body["messages"])
    assert "{oldSchemaVersion: 1}" in body["messages"]
    fresh = await client.post("/compatibility/subjects/new/versions", json={"schema": USER_V1})
    assert fresh.json() == {"is_compatible": True}
    unknown = await client.post("/compatibility/subjects/new/versions/1", json={"schema": USER_V1})
    assert unknown.json()["error_code"] == 40402  # as Confluent: the version is not found
    invalid = await client.post("/compatibility/subjects/s/versions/0", json={"schema": USER_V1})
    assert invalid.json()["error_code"] == 42202


async def test_transitive_levels_check_every_live_version(client: httpx.AsyncClient) -> None:
    await client.put("/config/s", json={"compatibility": "NONE"})
    await client.post("/subjects/s/versions", json={"schema": USER_V1})  # id
    await client.post("/subjects/s/versions", json={"schema": USER_BREAKING})  # id, email
    # Reads v2's data (email present, name defaulted) but not v1's (email missing).
    candidate = record("User", ("id", "long"), ("email", "string"), ("name", "string", ""))
    await client.put("/config/s", json={"compatibility": "BACKWARD"})
    latest_only = await client.post(
        "/compatibility/subjects/s/versions", json={"schema": candidate}
    )
    assert latest_only.json()["is_compatible"] is True
    await client.put("/config/s", json={"compatibility": "BACKWARD_TRANSITIVE"})
    every = await client.post(
        "/compatibility/subjects/s/versions?verbose=true", json={"schema": candidate}
    )
    assert every.json()["is_compatible"] is False
    assert "{oldSchemaVersion: 1}" in every.json()["messages"]
    refused = await client.post("/subjects/s/versions", json={"schema": candidate})
    assert refused.status_code == 409


async def test_mode_defaults_to_readwrite_and_readonly_blocks_writes(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.get("/mode")).json() == {"mode": "READWRITE"}
    missing = await client.get("/mode/s")
    assert (missing.status_code, missing.json()["error_code"]) == (404, 40409)
    assert (await client.get("/mode/s?defaultToGlobal=true")).json() == {"mode": "READWRITE"}
    await client.post("/subjects/s/versions", json={"schema": USER_V1})
    assert (await client.put("/mode/s", json={"mode": "READONLY"})).json() == {"mode": "READONLY"}
    refused = await client.post("/subjects/s/versions", json={"schema": USER_V2})
    assert (refused.status_code, refused.json()["error_code"]) == (422, 42205)
    refused = await client.delete("/subjects/s/versions/1")
    assert refused.json()["error_code"] == 42205
    assert (await client.delete("/mode/s")).json() == {"mode": "READONLY"}
    assert (await client.post("/subjects/s/versions", json={"schema": USER_V2})).status_code == 200


async def test_an_invalid_mode_is_42204(client: httpx.AsyncClient) -> None:
    reply = await client.put("/mode", json={"mode": "SOMETIMES"})
    assert (reply.status_code, reply.json()["error_code"]) == (422, 42204)


async def test_import_mode_needs_an_empty_scope_unless_forced(client: httpx.AsyncClient) -> None:
    await client.post("/subjects/s/versions", json={"schema": USER_V1})
    refused = await client.put("/mode", json={"mode": "IMPORT"})
    assert (refused.status_code, refused.json()["error_code"]) == (422, 42205)
    forced = await client.put("/mode?force=true", json={"mode": "IMPORT"})
    assert forced.json() == {"mode": "IMPORT"}


async def test_import_mode_keeps_explicit_ids_and_versions(client: httpx.AsyncClient) -> None:
    assert (await client.put("/mode", json={"mode": "IMPORT"})).status_code == 200
    imported = await client.post(
        "/subjects/s/versions", json={"schema": USER_V1, "id": 100, "version": 7}
    )
    assert imported.status_code == 200, imported.text
    assert (imported.json()["id"], imported.json()["version"]) == (100, 7)
    clash = await client.post(
        "/subjects/t/versions", json={"schema": USER_V2, "id": 100, "version": 1}
    )
    assert (clash.status_code, clash.json()["error_code"]) == (422, 42207)
    await client.put("/mode", json={"mode": "READWRITE"})
    after = (await client.post("/subjects/u/versions", json={"schema": USER_V2})).json()
    assert after["id"] > 100  # ids continue past imported ones
    refused = await client.post("/subjects/v/versions", json={"schema": USER_V1, "id": 5})
    assert refused.json()["error_code"] == 42205
