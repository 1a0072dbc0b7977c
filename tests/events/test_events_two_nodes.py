"""Two nodes on one PostgreSQL: 200 concurrent registrations spread over both reach the
webhook, NATS JetStream and RabbitMQ exactly once each, every subject in commit order."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import httpx
import pytest
from brokersupport import broker_taps
from eventsupport import Receiver, require_service, running
from flowsupport import V1, delivered, eventually, schema

from support import ServerProcess, fresh_pg_database

SUBJECTS, VERSIONS = 20, 10  # 200 registrations, 10 per subject racing on both nodes


@pytest.fixture
def pg_url() -> object:
    with fresh_pg_database() as url:
        yield url


def duplicates(ids: list[str]) -> dict[str, int]:
    return {i: n for i, n in Counter(ids).items() if n > 1}


async def test_two_nodes_deliver_each_of_200_events_once_per_sink(
    pg_url: str, tmp_path: Path
) -> None:
    nats_url = require_service("REGISTRY_TEST_NATS_URL", "nats://127.0.0.1:4222")
    amqp_url = require_service("REGISTRY_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
    async with broker_taps(nats_url, amqp_url) as taps, running(Receiver()) as receiver:
        env = {"REGISTRY_WEBHOOK_ALLOW_PRIVATE": "true", **taps.settings(nats_url, amqp_url)}
        nodes = [await asyncio.to_thread(ServerProcess, pg_url, tmp_path, env) for _ in "ab"]
        try:
            clients = [
                httpx.AsyncClient(base_url=n.url, headers={"Content-Type": V1}, timeout=60)
                for n in nodes
            ]
            hook = await clients[0].post(
                "/webhooks", json={"url": receiver.url, "secret": receiver.secret}
            )
            assert hook.status_code == 201

            async def register(n: int) -> int:
                subject, version = f"orders-{n % SUBJECTS}", n // SUBJECTS
                body = {"schema": schema("Order", f"f{version}")}
                reply = await clients[n % 2].post(f"/subjects/{subject}/versions", json=body)
                assert reply.status_code == 200, reply.text
                return int(reply.json()["id"])

            await asyncio.gather(*(register(n) for n in range(SUBJECTS * VERSIONS)))
            total = SUBJECTS * VERSIONS
            await eventually(
                lambda: min(len(receiver.received), len(taps.nats), len(taps.amqp)) >= total,
                timeout=90,
                status=lambda: (len(receiver.received), len(taps.nats), len(taps.amqp)),
            )
            await asyncio.sleep(1.5)  # duplicates, if any, would arrive now
            for client in clients:
                await client.aclose()
        finally:
            for node in nodes:
                await asyncio.to_thread(node.stop)
    hooked = delivered(receiver.received)
    seen = {
        "webhook": [e["id"] for e in hooked],
        "nats": [e["id"] for e in taps.nats],
        "amqp": [e["id"] for e in taps.amqp],
    }
    report = {sink: duplicates(ids) for sink, ids in seen.items()}
    print("duplicates per sink:", {sink: len(found) for sink, found in report.items()})
    assert report == {"webhook": {}, "nats": {}, "amqp": {}}
    assert {sink: len(set(ids)) for sink, ids in seen.items()} == dict.fromkeys(seen, 200)
    assert set(seen["webhook"]) == set(seen["nats"]) == set(seen["amqp"])
    assert taps.amqp_message_ids == seen["amqp"]
    for events in (hooked, taps.nats, taps.amqp):
        by_subject: dict[str, list[int]] = {}
        for event in events:
            by_subject.setdefault(event["subject"], []).append(event["data"]["version"])
        assert all(v == sorted(v) for v in by_subject.values()), by_subject
        assert sorted(len(v) for v in by_subject.values()) == [VERSIONS] * SUBJECTS
