"""Versions, soft and permanent deletes, references."""

from __future__ import annotations

import json

import httpx
import pytest
from avro_samples import USER_V1, USER_V2, record

ADDRESS = record("Address", ("street", "string"))
CUSTOMER = json.dumps(
    {"type": "record", "name": "Customer", "fields": [{"name": "home", "type": "Address"}]}
)


async def two_versions(client: httpx.AsyncClient, subject: str = "s") -> None:
    for schema in (USER_V1, USER_V2):
        reply = await client.post(f"/subjects/{subject}/versions", json={"schema": schema})
        assert reply.status_code == 200, reply.text


async def test_versions_latest_and_minus_one_name_the_newest(client: httpx.AsyncClient) -> None:
    await two_versions(client)
    for spec in ("latest", "-1", "2"):
        body = (await client.get(f"/subjects/s/versions/{spec}")).json()
        assert body["version"] == 2 and body["subject"] == "s"
    raw = await client.get("/subjects/s/versions/1/schema")
    assert json.loads(raw.text) == json.loads(USER_V1)


@pytest.mark.parametrize("spec", ["0", "abc", "-2", "2147483648", "1.5"])
async def test_invalid_versions_are_42202(client: httpx.AsyncClient, spec: str) -> None:
    await two_versions(client)
    reply = await client.get(f"/subjects/s/versions/{spec}")
    assert (reply.status_code, reply.json()["error_code"]) == (422, 42202)


async def test_missing_version_is_40402_and_missing_subject_40401(
    client: httpx.AsyncClient,
) -> None:
    await two_versions(client)
    reply = await client.get("/subjects/s/versions/9")
    assert (reply.status_code, reply.json()["error_code"]) == (404, 40402)
    reply = await client.get("/subjects/none/versions/1")
    assert (reply.status_code, reply.json()["error_code"]) == (404, 40401)
    reply = await client.get("/subjects/none/versions")
    assert (reply.status_code, reply.json()["error_code"]) == (404, 40401)


async def test_soft_deleted_versions_hide_unless_asked(client: httpx.AsyncClient) -> None:
    await two_versions(client)
    assert (await client.delete("/subjects/s/versions/2")).json() == 2
    assert (await client.get("/subjects/s/versions")).json() == [1]
    assert (await client.get("/subjects/s/versions?deleted=true")).json() == [1, 2]
    assert (await client.get("/subjects/s/versions?deletedOnly=true")).json() == [2]
    assert (await client.get("/subjects/s/versions/latest")).json()["version"] == 1
    hidden = await client.get("/subjects/s/versions/2")
    assert hidden.json()["error_code"] == 40402
    assert (await client.get("/subjects/s/versions/2?deleted=true")).json()["version"] == 2
    # Schemas stay readable by id so old data can be decoded.
    assert (await client.get("/schemas/ids/2")).status_code == 200


async def test_deleting_a_deleted_version_is_40406_and_permanent_first_is_40407(
    client: httpx.AsyncClient,
) -> None:
    await two_versions(client)
    early = await client.delete("/subjects/s/versions/1?permanent=true")
    assert (early.status_code, early.json()["error_code"]) == (404, 40407)
    await client.delete("/subjects/s/versions/1")
    again = await client.delete("/subjects/s/versions/1")
    assert (again.status_code, again.json()["error_code"]) == (404, 40406)
    assert (await client.delete("/subjects/s/versions/1?permanent=true")).json() == 1
    assert (await client.get("/subjects/s/versions?deleted=true")).json() == [2]


async def test_subject_delete_soft_then_permanent(client: httpx.AsyncClient) -> None:
    await two_versions(client)
    early = await client.delete("/subjects/s?permanent=true")
    assert (early.status_code, early.json()["error_code"]) == (404, 40405)
    assert (await client.delete("/subjects/s")).json() == [1, 2]
    again = await client.delete("/subjects/s")
    assert (again.status_code, again.json()["error_code"]) == (404, 40404)
    assert (await client.get("/subjects")).json() == []
    assert (await client.get("/subjects?deleted=true")).json() == ["s"]
    assert (await client.get("/subjects?deletedOnly=true")).json() == ["s"]
    assert (await client.delete("/subjects/s?permanent=true")).json() == [1, 2]
    assert (await client.get("/subjects?deleted=true")).json() == []
    missing = await client.delete("/subjects/s")
    assert missing.json()["error_code"] == 40401


async def test_references_resolve_and_block_deletion(client: httpx.AsyncClient) -> None:
    address = (await client.post("/subjects/address/versions", json={"schema": ADDRESS})).json()
    unresolved = await client.post("/subjects/customer/versions", json={"schema": CUSTOMER})
    assert (unresolved.status_code, unresolved.json()["error_code"]) == (422, 42201)
    refs = [{"name": "Address", "subject": "address", "version": 1}]
    customer = await client.post(
        "/subjects/customer/versions", json={"schema": CUSTOMER, "references": refs}
    )
    assert customer.status_code == 200, customer.text
    customer_id = customer.json()["id"]
    by_id = (await client.get(f"/schemas/ids/{customer_id}")).json()
    assert by_id["references"] == refs
    assert (await client.get("/subjects/address/versions/1/referencedby")).json() == [customer_id]
    blocked = await client.delete("/subjects/address/versions/1")
    assert (blocked.status_code, blocked.json()["error_code"]) == (422, 42206)
    blocked = await client.delete("/subjects/address")
    assert blocked.json()["error_code"] == 42206
    resolved = await client.get(f"/schemas/ids/{customer_id}?format=resolved")
    assert "street" in resolved.json()["schema"]
    assert address["id"] != customer_id


async def test_a_reference_to_a_missing_version_is_42201(client: httpx.AsyncClient) -> None:
    refs = [{"name": "Address", "subject": "address", "version": 3}]
    reply = await client.post(
        "/subjects/customer/versions", json={"schema": CUSTOMER, "references": refs}
    )
    assert (reply.status_code, reply.json()["error_code"]) == (422, 42201)
    assert "address" in reply.json()["message"]


async def test_schema_listing_and_subject_listing(client: httpx.AsyncClient) -> None:
    await two_versions(client, "app.users")
    await two_versions(client, "billing.users")
    assert (await client.get("/subjects")).json() == ["app.users", "billing.users"]
    assert (await client.get("/subjects?subjectPrefix=app.")).json() == ["app.users"]
    assert (await client.get("/subjects?subject=billing")).json() == ["billing.users"]
    listed = (await client.get("/schemas?subjectPrefix=app.")).json()
    assert [(s["subject"], s["version"]) for s in listed] == [("app.users", 1), ("app.users", 2)]
    latest = (await client.get("/schemas?latestOnly=true")).json()
    assert [(s["subject"], s["version"]) for s in latest] == [
        ("app.users", 2),
        ("billing.users", 2),
    ]
    assert len((await client.get("/schemas?offset=1&limit=2")).json()) == 2
    assert len((await client.get("/schemas?limit=-1")).json()) == 4


async def test_guid_reads_and_max_id(client: httpx.AsyncClient) -> None:
    await two_versions(client)
    by_id = (await client.get("/schemas/ids/1")).json()
    by_guid = (await client.get(f"/schemas/guids/{by_id['guid']}")).json()
    assert by_guid["schema"] == by_id["schema"] and by_guid["id"] == 1
    assert (await client.get(f"/schemas/guids/{by_id['guid']}/ids")).json() == [
        {"context": ".", "id": 1}
    ]
    assert (await client.get("/schemas/ids/1?fetchMaxId=true")).json()["maxId"] == 2
    unknown = await client.get("/schemas/guids/00000000-0000-0000-0000-000000000000")
    assert unknown.json()["error_code"] == 40403


async def test_a_reference_target_outlives_soft_deleted_referrers(
    client: httpx.AsyncClient,
) -> None:
    await client.post("/subjects/address/versions", json={"schema": ADDRESS})
    refs = [{"name": "Address", "subject": "address", "version": 1}]
    await client.post("/subjects/customer/versions", json={"schema": CUSTOMER, "references": refs})
    await client.delete("/subjects/customer")  # soft: the referrer still exists
    assert (await client.delete("/subjects/address")).json() == [1]  # soft delete is fine
    erase = await client.delete("/subjects/address?permanent=true")
    assert (erase.status_code, erase.json()["error_code"]) == (422, 42206)
    await client.delete("/subjects/customer?permanent=true")
    assert (await client.delete("/subjects/address?permanent=true")).json() == [1]
