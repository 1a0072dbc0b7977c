"""Where Confluent's server (read in its source) answers differently from what we did: each
case asserts the status, the error code and, where clients match on it, the exact message."""

from __future__ import annotations

import json

import httpx
from avro_samples import USER_V1, USER_V2

EXTRAS = {"Confluent-Accept-Unknown-Properties": "true"}


async def _register(client: httpx.AsyncClient, subject: str, schema: str) -> dict[str, object]:
    reply = await client.post(f"/subjects/{subject}/versions", json={"schema": schema})
    assert reply.status_code == 200, reply.text
    body: dict[str, object] = reply.json()
    return body


def _error(reply: httpx.Response) -> tuple[int, int, str]:
    body = reply.json()
    return reply.status_code, body["error_code"], body["message"]


# ---- compatibility against versions that are not there (CompatibilityResource) ----------


async def test_compatibility_against_latest_of_a_subject_without_versions_is_compatible(
    client: httpx.AsyncClient,
) -> None:
    # Confluent's RestApiTest.testCompatibilityNonExistentSubject: CI checks before registering.
    for version in ("latest", "-1"):
        reply = await client.post(
            f"/compatibility/subjects/nothing-yet/versions/{version}", json={"schema": USER_V1}
        )
        assert (reply.status_code, reply.json()) == (200, {"is_compatible": True})
    await _register(client, "gone", USER_V1)
    assert (await client.delete("/subjects/gone")).status_code == 200
    reply = await client.post(
        "/compatibility/subjects/gone/versions/latest", json={"schema": USER_V1}
    )
    assert (reply.status_code, reply.json()) == (200, {"is_compatible": True})


async def test_compatibility_against_a_missing_version_is_40402(
    client: httpx.AsyncClient,
) -> None:
    await client.put("/config/s", json={"compatibility": "NONE"})
    await _register(client, "s", USER_V1)
    await _register(client, "s", USER_V2)
    await _register(client, "s", json.dumps({"type": "record", "name": "Other", "fields": []}))
    assert (await client.delete("/subjects/s/versions/2")).status_code == 200  # soft
    assert (await client.delete("/subjects/s/versions/3")).status_code == 200
    assert (await client.delete("/subjects/s/versions/3?permanent=true")).status_code == 200
    cases = {"7": "unknown", "2": "soft-deleted", "3": "hard-deleted"}
    for version in cases:
        reply = await client.post(
            f"/compatibility/subjects/s/versions/{version}", json={"schema": USER_V1}
        )
        assert _error(reply) == (404, 40402, f"Version {version} not found."), cases[version]
    on_no_subject = await client.post(
        "/compatibility/subjects/nobody/versions/1", json={"schema": USER_V1}
    )
    assert _error(on_no_subject) == (404, 40402, "Version 1 not found.")
    still = await client.post("/compatibility/subjects/s/versions/1", json={"schema": USER_V2})
    assert still.json() == {"is_compatible": True}


# ---- messages in Confluent's words (Errors.java and the Rest*Exception classes) ----------


async def test_a_missing_version_says_so_in_confluents_words(client: httpx.AsyncClient) -> None:
    await _register(client, "s", USER_V1)
    reply = await client.get("/subjects/s/versions/5")
    assert _error(reply) == (404, 40402, "Version 5 not found.")


async def test_deleting_a_soft_deleted_subject_again_says_so_in_confluents_words(
    client: httpx.AsyncClient,
) -> None:
    await _register(client, "s", USER_V1)
    assert (await client.delete("/subjects/s")).status_code == 200
    reply = await client.delete("/subjects/s")
    assert _error(reply) == (
        404,
        40404,
        "Subject 's' was soft deleted.Set permanent=true to delete permanently",
    )


async def test_an_invalid_compatibility_level_says_so_in_confluents_words(
    client: httpx.AsyncClient,
) -> None:
    for path in ("/config", "/config/s"):
        reply = await client.put(path, json={"compatibility": "SIDEWAYS"})
        assert _error(reply) == (
            422,
            42203,
            "Invalid compatibility level. Valid values are none, backward, forward, full, "
            "backward_transitive, forward_transitive, and full_transitive",
        )


# ---- a body without `schema` (KafkaSchemaRegistry.maybePopulateFromPrevious) -------------


async def test_registering_no_schema_on_a_new_subject_is_an_empty_schema(
    client: httpx.AsyncClient,
) -> None:
    for body in ({}, {"schema": None}, {"schema": "  "}, {"metadata": {"properties": {}}}):
        reply = await client.post("/subjects/new/versions", json=body)
        assert _error(reply) == (422, 42201, "Empty schema"), body
    assert (await client.get("/subjects")).json() == []


async def test_registering_no_schema_on_a_subject_reuses_the_latest_schema(
    client: httpx.AsyncClient,
) -> None:
    first = await _register(client, "s", USER_V1)
    owned = {"properties": {"owner": "team-a"}}
    reply = await client.post("/subjects/s/versions", json={"metadata": owned})
    assert reply.status_code == 200, reply.text
    second = reply.json()
    assert second["version"] == 2 and second["id"] != first["id"]
    assert json.loads(second["schema"]) == json.loads(USER_V1)
    assert second["metadata"] == owned
    again = await client.post("/subjects/s/versions", json={"metadata": owned})
    assert (again.json()["version"], again.json()["id"]) == (2, second["id"])  # idempotent


async def test_checking_or_looking_up_no_schema_is_an_empty_schema(
    client: httpx.AsyncClient,
) -> None:
    await _register(client, "s", USER_V1)
    for path in ("/compatibility/subjects/s/versions/latest", "/subjects/s"):
        reply = await client.post(path, json={})
        assert _error(reply) == (422, 42201, "Empty schema"), path


# ---- no field Confluent never sends, unless the client asked ------------------------------


async def test_registration_sends_lifecycle_fields_only_to_clients_that_ask(
    client: httpx.AsyncClient,
) -> None:
    plain = await _register(client, "s", USER_V1)
    assert not {"state", "ts", "sunset_date", "reason", "deleted", "warnings"} & set(plain)
    asked = await client.post("/subjects/s/versions", json={"schema": USER_V1}, headers=EXTRAS)
    assert asked.json()["state"] == "ACTIVE" and isinstance(asked.json()["ts"], int)
    shown = await client.get("/subjects/s/versions/1")
    assert "state" not in shown.json()
    assert (await client.get("/subjects/s/versions/1", headers=EXTRAS)).json()["state"] == "ACTIVE"


# ---- content negotiation, as Jersey does it for Confluent's resources (api/media.py) ------


async def test_a_body_of_a_type_confluent_does_not_read_is_415(client: httpx.AsyncClient) -> None:
    body = json.dumps({"schema": USER_V1}).encode()
    for label in ("text/html", "text/plain; charset=utf-8", "application/xml", "multipart/x"):
        reply = await client.post(
            "/subjects/s/versions", content=body, headers={"Content-Type": label}
        )
        assert _error(reply) == (415, 415, "HTTP 415 Unsupported Media Type"), label
    assert (await client.get("/subjects")).json() == []
    for label in (
        "application/vnd.schemaregistry.v1+json",
        "application/vnd.schemaregistry+json",
        "application/json; charset=utf-8",
        "application/octet-stream",
        "application/*",
        "*/*",
    ):
        reply = await client.post(
            "/subjects/s/versions", content=body, headers={"Content-Type": label}
        )
        assert reply.status_code == 200, (label, reply.text)


async def test_accept_values_jersey_treats_as_wildcards_are_served(
    client: httpx.AsyncClient,
) -> None:
    v1 = "application/vnd.schemaregistry.v1+json"
    served = {
        "*": v1,
        "*/*": v1,
        "*/json": v1,  # any `*` type matches (MediaType.isCompatible)
        "application": v1,  # a bare type means type/*
        "application/*": v1,
        "APPLICATION/JSON": "application/json",
        "text/html, */*;q=0.1": v1,
        "text/html;q=0.9, application/json;q=0.5": "application/json",
    }
    for accept, media in served.items():
        reply = await client.get("/subjects", headers={"Accept": accept})
        assert reply.status_code == 200, (accept, reply.text)
        assert reply.headers["content-type"].startswith(media), accept
    for accept in ("text/html", "text/*", "text", "application/xml", "application/json;q=0"):
        reply = await client.get("/subjects", headers={"Accept": accept})
        assert _error(reply) == (406, 406, "HTTP 406 Not Acceptable"), accept
