"""Contexts: qualified subjects, the `/contexts/{context}/…` prefix, one id space per context,
`GET /contexts`, config and mode per context."""

from __future__ import annotations

import json

import httpx
from avro_samples import USER_BREAKING, USER_V1, USER_V2

ORDER = json.dumps(
    {"type": "record", "name": "Order", "fields": [{"name": "id", "type": "string"}]}
)
CUSTOMER = json.dumps(
    {"type": "record", "name": "Customer", "fields": [{"name": "name", "type": "string"}]}
)


async def test_the_same_id_holds_different_schemas_in_two_contexts(
    client: httpx.AsyncClient,
) -> None:
    a = await client.post("/subjects/:.team-a:orders/versions", json={"schema": ORDER})
    b = await client.post(
        "/contexts/.team-b/subjects/customers/versions", json={"schema": CUSTOMER}
    )
    assert a.json()["id"] == b.json()["id"] == 1
    in_a = await client.get("/schemas/ids/1", params={"subject": ":.team-a:orders"})
    in_b = await client.get("/contexts/.team-b/schemas/ids/1")
    assert json.loads(in_a.json()["schema"])["name"] == "Order"
    assert json.loads(in_b.json()["schema"])["name"] == "Customer"
    # The default context is untouched: its id space is still empty.
    missing = await client.get("/schemas/ids/1")
    assert (missing.status_code, missing.json()["error_code"]) == (404, 40403)
    default = await client.post("/subjects/plain/versions", json={"schema": USER_V1})
    assert default.json()["id"] == 1
    assert json.loads((await client.get("/schemas/ids/1")).json()["schema"])["name"] == "User"
    # Same content again in a context reuses that context's id, not another's.
    again = await client.post("/contexts/team-a/subjects/orders2/versions", json={"schema": ORDER})
    assert again.json()["id"] == 1
    other = await client.post("/contexts/.team-a/subjects/users/versions", json={"schema": USER_V1})
    assert other.json()["id"] == 2


async def test_prefixed_and_qualified_requests_are_the_same_subject(
    client: httpx.AsyncClient,
) -> None:
    await client.post("/contexts/.team-a/subjects/orders/versions", json={"schema": ORDER})
    qualified = await client.get("/subjects/:.team-a:orders/versions/latest")
    prefixed = await client.get("/contexts/.team-a/subjects/orders/versions/latest")
    assert qualified.json() == prefixed.json()
    assert prefixed.json()["subject"] == ":.team-a:orders"
    assert (await client.get("/subjects")).json() == [":.team-a:orders"]
    assert (await client.get("/contexts/.team-a/subjects")).json() == [":.team-a:orders"]
    assert (await client.get("/contexts/.team-b/subjects")).json() == []
    assert (await client.get("/subjects", params={"subjectPrefix": ":*:ord"})).json() == [
        ":.team-a:orders"
    ]
    versions = await client.get("/contexts/.team-a/schemas/ids/1/versions")
    assert versions.json() == [{"subject": ":.team-a:orders", "version": 1}]
    looked_up = await client.post("/contexts/.team-a/subjects/orders", json={"schema": ORDER})
    assert (looked_up.json()["id"], looked_up.json()["version"]) == (1, 1)
    max_id = await client.get("/contexts/.team-a/schemas/ids/1", params={"fetchMaxId": "true"})
    assert max_id.json()["maxId"] == 1


async def test_get_contexts_lists_the_default_and_every_named_one(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.get("/contexts")).json() == ["."]
    await client.post("/subjects/:.zeta:s/versions", json={"schema": ORDER})
    await client.post("/contexts/.alpha/subjects/s/versions", json={"schema": ORDER})
    assert (await client.get("/contexts")).json() == [".", ".alpha", ".zeta"]
    assert (await client.get("/contexts", params={"contextPrefix": ".a"})).json() == [".alpha"]


async def test_config_and_mode_per_context(client: httpx.AsyncClient) -> None:
    await client.post("/contexts/.a/subjects/s/versions", json={"schema": USER_V1})
    await client.post("/contexts/.b/subjects/s/versions", json={"schema": USER_V1})
    put = await client.put("/contexts/.a/config", json={"compatibility": "NONE"})
    assert put.json() == {"compatibility": "NONE"}
    assert (await client.get("/config/:.a:")).json() == {"compatibilityLevel": "NONE"}
    assert (await client.get("/config")).json() == {"compatibilityLevel": "BACKWARD"}
    # NONE in context .a lets the breaking change through; .b still checks BACKWARD.
    breaking = {"schema": USER_BREAKING}
    assert (await client.post("/contexts/.a/subjects/s/versions", json=breaking)).status_code == 200
    refused = await client.post("/contexts/.b/subjects/s/versions", json=breaking)
    assert (refused.status_code, refused.json()["error_code"]) == (409, 40901)
    effective = await client.get("/contexts/.a/config/s", params={"defaultToGlobal": "true"})
    assert effective.json()["compatibilityLevel"] == "NONE"
    # Mode: READONLY for context .b only.
    assert (await client.put("/contexts/.b/mode", json={"mode": "READONLY"})).status_code == 200
    assert (await client.get("/mode/:.b:")).json() == {"mode": "READONLY"}
    assert (await client.get("/mode")).json() == {"mode": "READWRITE"}
    blocked = await client.post("/contexts/.b/subjects/t/versions", json={"schema": USER_V2})
    assert (blocked.status_code, blocked.json()["error_code"]) == (422, 42205)
    allowed = await client.post("/contexts/.a/subjects/t/versions", json={"schema": USER_V2})
    assert allowed.status_code == 200
    assert (await client.post("/subjects/t/versions", json={"schema": USER_V2})).status_code == 200


async def test_references_resolve_in_the_referring_subjects_context(
    client: httpx.AsyncClient,
) -> None:
    await client.post("/contexts/.a/subjects/customer/versions", json={"schema": CUSTOMER})
    order = {
        "type": "record",
        "name": "Order",
        "fields": [{"name": "customer", "type": "Customer"}],
    }
    body = {
        "schema": json.dumps(order),
        "references": [{"name": "Customer", "subject": "customer", "version": 1}],
    }
    reply = await client.post("/contexts/.a/subjects/order/versions", json=body)
    assert reply.status_code == 200, reply.text
    # No `customer` subject in the default context: the same body is refused there.
    refused = await client.post("/subjects/order/versions", json=body)
    assert refused.status_code == 422
    referrers = await client.get("/contexts/.a/subjects/customer/versions/1/referencedby")
    assert referrers.json() == [reply.json()["id"]]


async def test_bad_context_names_and_deleting_contexts(client: httpx.AsyncClient) -> None:
    bad = await client.get("/contexts/.a*b/subjects")
    assert (bad.status_code, bad.json()["error_code"]) == (422, 42290)
    await client.post("/contexts/.gone/subjects/s/versions", json={"schema": ORDER})
    busy = await client.delete("/contexts/.gone")
    assert (busy.status_code, busy.json()["error_code"]) == (422, 42211)
    await client.delete("/subjects/:.gone:s")
    await client.delete("/subjects/:.gone:s", params={"permanent": "true"})
    assert (await client.delete("/contexts/.gone")).status_code == 204
    assert (await client.get("/contexts")).json() == ["."]
    unknown = await client.delete("/contexts/.never")
    assert (unknown.status_code, unknown.json()["error_code"]) == (404, 40490)
    # A context made again starts its ids past every key the old one used.
    again = await client.post("/contexts/.gone/subjects/s/versions", json={"schema": ORDER})
    assert again.json()["id"] == 1
    assert (await client.get("/contexts/.gone/schemas/ids/1")).status_code == 200


async def test_search_is_context_aware(client: httpx.AsyncClient) -> None:
    owned = {"properties": {"owner": "shop", "description": "orders of the shop"}}
    for path in (
        "/contexts/.a/subjects/orders",
        "/contexts/.b/subjects/orders",
        "/subjects/orders",
    ):
        reply = await client.post(f"{path}/versions", json={"schema": ORDER, "metadata": owned})
        assert reply.status_code == 200, reply.text
    in_a = await client.get("/contexts/.a/subjects", params={"query": "shop"})
    assert in_a.json() == [":.a:orders"]
    everywhere = await client.get("/subjects", params={"owner": "shop"})
    assert everywhere.json() == [":.a:orders", ":.b:orders", "orders"]
    by_name = await client.get("/subjects", params={"subjectPrefix": ":*:ord", "owner": "shop"})
    assert by_name.json() == [":.a:orders", ":.b:orders", "orders"]
    globbed = await client.get("/subjects", params={"subjectPrefix": ":.b:*"})
    assert globbed.json() == [":.b:orders"]


async def test_import_mode_on_a_context_needs_it_empty_or_force(client: httpx.AsyncClient) -> None:
    assert (await client.put("/contexts/.new/mode", json={"mode": "IMPORT"})).status_code == 200
    await client.post("/contexts/.full/subjects/s/versions", json={"schema": ORDER})
    refused = await client.put("/contexts/.full/mode", json={"mode": "IMPORT"})
    assert (refused.status_code, refused.json()["error_code"]) == (422, 42205)
    forced = await client.put("/contexts/.full/mode?force=true", json={"mode": "IMPORT"})
    assert forced.status_code == 200
    imported = await client.post(
        "/contexts/.full/subjects/t/versions", json={"schema": CUSTOMER, "id": 40}
    )
    assert imported.json()["id"] == 40
    after = await client.post("/contexts/.new/subjects/t/versions", json={"schema": CUSTOMER})
    assert after.json()["id"] == 1  # another context's explicit ids move only its own counter
