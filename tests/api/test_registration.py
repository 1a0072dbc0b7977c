"""Registration, lookup and the identity of schemas."""

from __future__ import annotations

import json

import httpx
from avro_samples import USER_BREAKING, USER_V1, USER_V2, record


async def register(
    client: httpx.AsyncClient, subject: str, schema: str, **extra: object
) -> httpx.Response:
    return await client.post(f"/subjects/{subject}/versions", json={"schema": schema, **extra})


async def test_registration_answers_the_full_registered_object(client: httpx.AsyncClient) -> None:
    reply = await register(client, "users-value", USER_V1)
    assert reply.status_code == 200
    body = reply.json()
    assert body["id"] == 1 and body["version"] == 1
    assert json.loads(body["schema"]) == json.loads(USER_V1)
    assert len(body["guid"]) == 36
    assert "schemaType" not in body  # AVRO is implied, as Confluent does
    # Only Confluent's fields for a client that did not ask for more (strict deserializers).
    assert set(body) == {"id", "version", "guid", "schema"}


async def test_registration_answers_extended_fields_to_clients_that_ask(
    client: httpx.AsyncClient,
) -> None:
    reply = await client.post(
        "/subjects/s/versions",
        json={"schema": USER_V1},
        headers={"Confluent-Accept-Unknown-Properties": "true"},
    )
    body = reply.json()
    assert isinstance(body["ts"], int) and body["state"] == "ACTIVE"
    assert "subject" not in body and "deleted" not in body


async def test_registering_the_same_schema_again_returns_the_same_id_and_version(
    client: httpx.AsyncClient,
) -> None:
    first = (await register(client, "s", USER_V1)).json()
    again = (await register(client, "s", USER_V1)).json()
    assert (again["id"], again["version"]) == (first["id"], first["version"])
    assert (await client.get("/subjects/s/versions")).json() == [1]


async def test_whitespace_and_key_order_do_not_make_a_new_schema(client: httpx.AsyncClient) -> None:
    first = (await register(client, "s", USER_V1)).json()
    spaced = json.dumps(
        {"fields": [{"type": "long", "name": "id"}], "name": "User", "type": "record"}, indent=4
    )
    again = (await register(client, "s", spaced)).json()
    assert again["id"] == first["id"] and again["version"] == 1


async def test_the_same_schema_under_another_subject_shares_its_id(
    client: httpx.AsyncClient,
) -> None:
    first = (await register(client, "a", USER_V1)).json()
    second = (await register(client, "b", USER_V1)).json()
    assert second["id"] == first["id"] and second["version"] == 1
    subjects = (await client.get(f"/schemas/ids/{first['id']}/subjects")).json()
    assert subjects == ["a", "b"]
    pairs = (await client.get(f"/schemas/ids/{first['id']}/versions")).json()
    assert pairs == [{"subject": "a", "version": 1}, {"subject": "b", "version": 1}]


async def test_docs_and_defaults_make_a_different_schema(client: httpx.AsyncClient) -> None:
    await client.put("/config/s", json={"compatibility": "NONE"})
    plain = (await register(client, "s", USER_V1)).json()
    documented = json.loads(USER_V1)
    documented["doc"] = "A user of the platform"
    other = (await register(client, "s", json.dumps(documented))).json()
    assert other["id"] != plain["id"] and other["version"] == 2


async def test_a_compatible_evolution_gets_a_new_version_and_a_larger_id(
    client: httpx.AsyncClient,
) -> None:
    first = (await register(client, "s", USER_V1)).json()
    second = (await register(client, "s", USER_V2)).json()
    assert second["version"] == 2 and second["id"] > first["id"]


async def test_an_incompatible_schema_is_refused_with_40901_and_nothing_changes(
    client: httpx.AsyncClient,
) -> None:
    await register(client, "s", USER_V1)
    reply = await register(client, "s", USER_BREAKING)
    assert reply.status_code == 409
    body = reply.json()
    assert body["error_code"] == 40901
    assert "READER_FIELD_MISSING_DEFAULT_VALUE" in body["message"]
    assert "email" in body["message"]
    assert (await client.get("/subjects/s/versions")).json() == [1]


async def test_lookup_finds_the_version_holding_a_schema(client: httpx.AsyncClient) -> None:
    await register(client, "s", USER_V1)
    await register(client, "s", USER_V2)
    reply = await client.post("/subjects/s", json={"schema": USER_V1})
    assert reply.status_code == 200
    body = reply.json()
    assert (body["subject"], body["version"], body["id"]) == ("s", 1, 1)


async def test_lookup_of_an_unknown_schema_is_40403_and_of_an_unknown_subject_40401(
    client: httpx.AsyncClient,
) -> None:
    await register(client, "s", USER_V1)
    missing = await client.post("/subjects/s", json={"schema": USER_V2})
    assert (missing.status_code, missing.json()["error_code"]) == (404, 40403)
    nobody = await client.post("/subjects/nobody", json={"schema": USER_V1})
    assert (nobody.status_code, nobody.json()["error_code"]) == (404, 40401)


async def test_lookup_sees_soft_deleted_versions_only_when_asked(client: httpx.AsyncClient) -> None:
    await register(client, "s", USER_V1)
    await register(client, "s", USER_V2)
    await client.delete("/subjects/s/versions/1")
    hidden = await client.post("/subjects/s", json={"schema": USER_V1})
    assert hidden.status_code == 404
    shown = await client.post("/subjects/s?deleted=true", json={"schema": USER_V1})
    assert shown.json()["version"] == 1


async def test_normalize_folds_equivalent_spellings(client: httpx.AsyncClient) -> None:
    spelled = json.dumps(
        {"type": "record", "name": "User", "fields": [{"name": "id", "type": {"type": "long"}}]}
    )
    first = (await register(client, "s", USER_V1)).json()
    found = await client.post("/subjects/s?normalize=true", json={"schema": spelled})
    assert found.status_code == 200 and found.json()["id"] == first["id"]


async def test_ids_are_never_reused_after_a_permanent_delete(client: httpx.AsyncClient) -> None:
    first = (await register(client, "s", USER_V1)).json()
    await client.delete("/subjects/s")
    assert (await client.delete("/subjects/s?permanent=true")).json() == [1]
    gone = await client.get(f"/schemas/ids/{first['id']}")
    assert (gone.status_code, gone.json()["error_code"]) == (404, 40403)
    other = (await register(client, "t", record("Other", ("x", "int")))).json()
    assert other["id"] > first["id"]


async def test_version_numbers_keep_counting_after_soft_deletes(client: httpx.AsyncClient) -> None:
    await client.put("/config/s", json={"compatibility": "NONE"})
    await register(client, "s", USER_V1)
    await client.delete("/subjects/s/versions/1")
    again = (await register(client, "s", USER_V2)).json()
    assert again["version"] == 2


async def test_a_soft_deleted_schema_registered_again_gets_a_new_version_with_its_old_id(
    client: httpx.AsyncClient,
) -> None:
    first = (await register(client, "s", USER_V1)).json()
    await client.delete("/subjects/s/versions/1")
    again = (await register(client, "s", USER_V1)).json()
    assert (again["id"], again["version"]) == (first["id"], 2)


async def test_metadata_and_rule_set_are_stored_and_carried_over(client: httpx.AsyncClient) -> None:
    metadata = {"properties": {"owner": "team-llm"}}
    rules = {"domainRules": [{"name": "ok", "kind": "CONDITION", "type": "CEL", "expr": "true"}]}
    first = (await register(client, "s", USER_V1, metadata=metadata, ruleSet=rules)).json()
    assert first["metadata"] == metadata and first["ruleSet"] == rules
    second = (await register(client, "s", USER_V2)).json()
    assert second["metadata"] == metadata and second["ruleSet"] == rules
    found = await client.get("/subjects/s/metadata", params={"key": "owner", "value": "team-llm"})
    assert found.json()["version"] == 2


async def test_config_default_and_override_metadata_merge_into_registrations(
    client: httpx.AsyncClient,
) -> None:
    await client.put(
        "/config/s",
        json={
            "defaultMetadata": {"properties": {"owner": "default-team", "tier": "2"}},
            "overrideMetadata": {"properties": {"tier": "1"}},
        },
    )
    body = (
        await register(client, "s", USER_V1, metadata={"properties": {"owner": "me", "tier": "3"}})
    ).json()
    assert body["metadata"]["properties"] == {"owner": "me", "tier": "1"}


async def test_metadata_lookup_without_a_match_is_40403(client: httpx.AsyncClient) -> None:
    await register(client, "s", USER_V1)
    reply = await client.get("/subjects/s/metadata", params={"key": "owner", "value": "x"})
    assert (reply.status_code, reply.json()["error_code"]) == (404, 40403)
