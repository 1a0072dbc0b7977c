"""Webhooks end to end: the real app, its relay, and a real receiver on loopback that verifies
every delivery with the `standardwebhooks` library."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from eventsupport import Receiver, closed_port, running
from flowsupport import delivered, eventually, registry_app, schema, state_of
from prometheus_client import REGISTRY

from llm_schema_registry.events.filters import EVERYTHING

FOUR = ["schema.registered", "version.state_changed", "config.changed", "version.deleted"]


async def add_webhook(client: httpx.AsyncClient, receiver: Receiver, **body: Any) -> str:
    reply = await client.post(
        "/webhooks", json={"url": receiver.url, "secret": receiver.secret, **body}
    )
    assert reply.status_code == 201, reply.text
    assert reply.json()["secret"] == receiver.secret
    return str(reply.json()["id"])


async def test_register_deprecate_configure_delete_arrive_in_order_with_their_data(
    database_url: str,
) -> None:
    async with running(Receiver()) as receiver, registry_app(database_url) as (client, _app):
        await add_webhook(client, receiver, events=FOUR, subjects=["orders*"])
        ok = await client.post("/subjects/orders/versions", json={"schema": schema("O")})
        assert ok.status_code == 200
        await client.post("/subjects/other/versions", json={"schema": schema("X")})  # filtered
        consumer = {"consumer_id": "billing", "version": 1}
        assert (await client.post("/subjects/orders/consumers", json=consumer)).status_code < 300
        deprecate = {"state": "DEPRECATED", "sunset_date": "2999-01-01", "reason": "use v2"}
        put = await client.put("/subjects/orders/versions/1", json=deprecate)
        assert put.status_code == 200, put.text
        config = await client.put("/config/orders", json={"compatibility": "FULL"})
        assert config.status_code == 200
        assert (await client.delete("/subjects/orders/versions/1")).status_code == 200
        await eventually(lambda: len(delivered(receiver.received)) >= 4)
    got = delivered(receiver.received)
    assert [e["type"] for e in got] == FOUR
    assert all(r.error is None for r in receiver.received)
    assert [e["sequence"] for e in got] == sorted(e["sequence"] for e in got)
    registered, deprecated, configured, deleted = (e["data"] for e in got)
    assert registered == {
        "subject": "orders",
        "version": 1,
        "id": registered["id"],
        "guid": registered["guid"],
        "schemaType": "AVRO",
        "state": "ACTIVE",
        "newId": True,
    }
    assert deprecated == {
        "subject": "orders",
        "version": 1,
        "from": "ACTIVE",
        "to": "DEPRECATED",
        "reason": "use v2",
        "sunset_date": "2999-01-01",
        "consumers": ["billing"],
    }
    assert configured == {
        "scope": "subject",
        "subject": "orders",
        "old": None,
        "new": {"compatibilityLevel": "FULL"},
    }
    assert deleted == {"subject": "orders", "version": 1, "permanent": False}
    first = got[0]
    assert first["specversion"] == "1.0" and first["subject"] == "orders"
    assert first["source"] == "llm-schema-registry" and first["time"].endswith("Z")


def deliveries(outcome: str) -> float:
    labels = {"sink": "webhook", "outcome": outcome}
    return REGISTRY.get_sample_value("schema_registry_event_deliveries_total", labels) or 0.0


async def test_two_failures_then_success_keep_one_webhook_id(database_url: str) -> None:
    before = deliveries("retried"), deliveries("delivered")
    async with (
        running(Receiver(script=[500, 500])) as receiver,
        registry_app(database_url) as (client, _app),
    ):
        hook = await add_webhook(client, receiver)
        await client.post("/subjects/a/versions", json={"schema": schema("A")})
        await eventually(lambda: deliveries("delivered") == before[1] + 1)
        history = (await client.get(f"/webhooks/{hook}/deliveries")).json()
    ids = {r.headers["webhook-id"] for r in receiver.received}
    assert len(receiver.received) == 3 and len(ids) == 1
    assert [r.verified["type"] for r in receiver.received] == ["schema.registered"] * 3
    assert [(h["attempt"], h["status"]) for h in history] == [(3, 200), (2, 500), (1, 500)]
    assert {h["event_id"] for h in history} == ids
    # The metrics saw it too: two retries, one delivery.
    assert deliveries("retried") == before[0] + 2


async def test_a_receiver_down_too_long_leaves_a_dead_letter_that_replays(
    database_url: str,
) -> None:
    receiver = Receiver(port=closed_port())
    async with registry_app(database_url) as (client, _app):
        hook = await add_webhook(client, receiver)
        await client.post("/subjects/a/versions", json={"schema": schema("A")})

        dead: list[Any] = []

        async def dead_letters() -> list[Any]:
            return list((await client.get(f"/webhooks/{hook}/dead-letters")).json())

        for _ in range(300):
            if dead := await dead_letters():
                break
            await asyncio.sleep(0.05)
        assert [d["type"] for d in dead] == ["schema.registered"]
        assert dead[0]["attempts"] == 4 and dead[0]["error"]
        history = (await client.get(f"/webhooks/{hook}/deliveries")).json()
        assert [h["attempt"] for h in history] == [4, 3, 2, 1]
        assert all(h["status"] is None and h["error"] for h in history)
        async with running(receiver):
            replay = await client.post(f"/webhooks/{hook}/dead-letters/replay")
            assert replay.json() == {"replayed": 1}
            await eventually(lambda: len(delivered(receiver.received)) == 1)
        assert await dead_letters() == []
    assert receiver.received[0].headers["webhook-id"] == dead[0]["event_id"]


async def test_webhook_requests_are_checked(sqlite_url: str) -> None:
    async with registry_app(sqlite_url, webhook_allow_private=False) as (client, _app):
        private = await client.post("/webhooks", json={"url": "http://127.0.0.1:9/h"})
        assert (private.status_code, private.json()["error_code"]) == (422, 42281)
        creds = await client.post("/webhooks", json={"url": "https://u:p@example.com/h"})
        assert creds.json()["error_code"] == 42281
        ftp = await client.post("/webhooks", json={"url": "ftp://example.com/h"})
        assert ftp.json()["error_code"] == 42281
    async with registry_app(sqlite_url) as (client, _app):
        kinds = await client.post(
            "/webhooks", json={"url": "http://127.0.0.1:9/h", "events": ["schema.eaten"]}
        )
        assert (kinds.status_code, kinds.json()["error_code"]) == (422, 42280)
        assert "schema.registered" in kinds.json()["message"]
        secret = await client.post(
            "/webhooks", json={"url": "http://127.0.0.1:9/h", "secret": "whsec_!!"}
        )
        assert secret.json()["error_code"] == 42280
        missing = await client.post("/webhooks", json={"events": []})
        assert missing.status_code == 422
        for path in ("/webhooks/nope", "/webhooks/nope/deliveries", "/webhooks/nope/dead-letters"):
            reply = await client.get(path)
            assert (reply.status_code, reply.json()["error_code"]) == (404, 40460)
        gone = await client.delete("/webhooks/nope")
        assert gone.json()["error_code"] == 40460
        made = await client.post("/webhooks", json={"url": "http://127.0.0.1:9/h"})
        assert made.status_code == 201 and made.json()["secret"].startswith("whsec_")
        hook = made.json()["id"]
        listed = (await client.get("/webhooks")).json()
        assert [h["id"] for h in listed] == [hook] and "secret" not in listed[0]
        assert "secret" not in (await client.get(f"/webhooks/{hook}")).json()
        assert (await client.delete(f"/webhooks/{hook}")).json() == {"id": hook, "deleted": True}
        assert (await client.get("/webhooks")).json() == []
        audit = (await client.get("/audit", params={"limit": 100})).json()
        trail = {e["action"]: e for e in audit if "webhooks" in e["action"]}
        created, deleted = trail["POST /webhooks"], trail["DELETE /webhooks/{webhook_id}"]
        assert created["after"]["id"] == hook and created["result"] == "success"
        assert deleted["before"]["id"] == hook and deleted["after"] is None
        assert made.json()["secret"] not in str(audit)
    async with registry_app(sqlite_url, events_enabled=False) as (client, _app):
        off = await client.get("/webhooks")
        assert (off.status_code, off.json()["error_code"]) == (409, 40960)


async def test_every_other_change_writes_its_event_with_its_data(database_url: str) -> None:
    async with registry_app(database_url) as (client, app):
        await client.post("/subjects/m/versions", json={"schema": schema("M")})
        again = await client.post("/subjects/m/versions", json={"schema": schema("M")})
        assert again.status_code == 200  # the same schema again: no change, no event
        shared = await client.post("/subjects/m2/versions", json={"schema": schema("M")})
        assert shared.status_code == 200  # stored content, a new subject: not a new id
        owned = {"properties": {"owner": "team-m"}}
        meta = await client.put("/subjects/m/versions/1", json={"metadata": owned})
        assert meta.status_code == 200, meta.text
        await client.post("/subjects/m/consumers", json={"consumer_id": "c1", "version": 1})
        await client.put("/mode/m", json={"mode": "READONLY"})
        await client.delete("/mode/m")
        await client.put("/mode", json={"mode": "READWRITE"})
        await client.delete("/subjects/m")
        await client.delete("/subjects/m?permanent=true")
        store = state_of(app).events.store
        found: list[Any] = []
        for _ in range(200):
            found = await store.events_after(0, limit=100, only=EVERYTHING)
            if len(found) >= 9:
                break
            await asyncio.sleep(0.05)
    got = [(str(e.type), e.subject, e.data) for e in found]
    assert [g[:2] for g in got] == [
        ("schema.registered", "m"),
        ("schema.registered", "m2"),
        ("version.metadata_changed", "m"),
        ("consumer.registered", "m"),
        ("mode.changed", "m"),
        ("mode.changed", "m"),
        ("mode.changed", None),
        ("subject.deleted", "m"),
        ("subject.deleted", "m"),
    ]
    assert [g[2]["newId"] for g in got[:2]] == [True, False]
    assert got[2][2] == {"subject": "m", "version": 1, "old": None, "new": owned}
    assert got[3][2] == {"subject": "m", "consumer_id": "c1", "version": 1}
    assert [g[2] for g in got[4:7]] == [
        {"scope": "subject", "subject": "m", "old": None, "new": "READONLY"},
        {"scope": "subject", "subject": "m", "old": "READONLY", "new": None},
        {"scope": "global", "subject": None, "old": None, "new": "READWRITE"},
    ]
    assert [g[2] for g in got[7:]] == [
        {"subject": "m", "versions": [1], "permanent": False},
        {"subject": "m", "versions": [1], "permanent": True},
    ]
    assert [e.sequence for e in found] == list(range(1, 10))
