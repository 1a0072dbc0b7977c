"""`WatchEvents`: a registration made over REST streams to a gRPC watcher within 1 s; a watcher
that reconnects with the last sequence it saw gets every event it missed, once; filters,
scopes and bad requests behave as on `GET /events/stream`."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

import grpc
import pytest
from grpcsupport import failure, grpc_registry, make_key

from events.eventsupport import TcpProxy  # tests/events: a cuttable loopback TCP path
from llm_schema_registry.client import AsyncRegistryClient
from llm_schema_registry.rpc.v1 import registry_pb2 as pb

# Every registration a new version: the same record with one more optional field (BACKWARD).
SCHEMA = (
    '{"type":"record","name":"W","fields":[{"name":"a","type":"string"},'
    '{"name":"f%s","type":"string","default":""}]}'
)


async def _register(http: Any, subject: str, headers: dict[str, str] | None = None) -> float:
    reply = await http.post(
        f"/subjects/{subject}/versions",
        json={"schema": SCHEMA % uuid.uuid4().hex},
        headers=headers or {},
    )
    assert reply.status_code == 200, reply.text
    return time.monotonic()


async def test_a_rest_registration_arrives_within_a_second_and_resume_has_no_gaps(
    database_url: str,
) -> None:
    async with grpc_registry(database_url) as registry:
        subject = f"orders-{uuid.uuid4().hex[:6]}"
        watch = registry.stub.WatchEvents(pb.WatchEventsRequest(subjects=["orders-*"]))
        await watch.initial_metadata()  # the watch is established
        await _register(registry.http, "payments")  # filtered out
        committed = await _register(registry.http, subject)
        first = await asyncio.wait_for(watch.read(), 1.0)
        assert time.monotonic() - committed < 1.0
        assert (first.type, first.subject) == ("schema.registered", subject)
        assert json.loads(first.data)["subject"] == subject and first.time.endswith("Z")
        watch.cancel()  # the watcher goes away ...
        for _ in range(3):  # ... and misses these
            await _register(registry.http, subject)
        request = pb.WatchEventsRequest(subjects=[subject], after_sequence=first.sequence)
        again = registry.stub.WatchEvents(request)
        missed = [await asyncio.wait_for(again.read(), 5) for _ in range(3)]
        with pytest.raises(TimeoutError):  # and nothing more
            await asyncio.wait_for(again.read(), 1.0)
        again.cancel()
    sequences = [event.sequence for event in missed]
    assert sequences == sorted(set(sequences)) and sequences[0] > first.sequence
    assert {event.subject for event in missed} == {subject}


async def test_types_filter_scope_and_bad_requests(sqlite_url: str) -> None:
    team_a = (await make_key(sqlite_url, "consumer", ("team-a.*",)))[1]
    admin = {"X-API-Key": (await make_key(sqlite_url, "admin"))[1]}
    async with grpc_registry(sqlite_url, auth_enabled=True) as registry:
        for subject in ("team-b.x", "team-a.x"):
            await _register(registry.http, subject, admin)
        config = await registry.http.put(
            "/config/team-a.x", json={"compatibility": "NONE"}, headers=admin
        )
        assert config.status_code == 200
        metadata = (("x-api-key", team_a),)
        watch = registry.stub.WatchEvents(
            pb.WatchEventsRequest(after_sequence=0, types=["schema.registered"]), metadata=metadata
        )
        seen = await asyncio.wait_for(watch.read(), 5)
        assert (seen.subject, seen.type) == ("team-a.x", "schema.registered")
        with pytest.raises(TimeoutError):  # team-b's and the config change never come
            await asyncio.wait_for(watch.read(), 1.0)
        watch.cancel()
        bad = registry.stub.WatchEvents(pb.WatchEventsRequest(types=["nope"]), metadata=metadata)
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await bad.read()
        assert failure(refused.value) == (grpc.StatusCode.INVALID_ARGUMENT, 42282)
        anonymous = registry.stub.WatchEvents(pb.WatchEventsRequest())
        with pytest.raises(grpc.aio.AioRpcError) as unknown:
            await anonymous.read()
        assert failure(unknown.value) == (grpc.StatusCode.UNAUTHENTICATED, 40101)


async def test_the_sdk_over_grpc_follows_and_resumes_over_a_cut_connection(
    sqlite_url: str,
) -> None:
    async with grpc_registry(sqlite_url) as registry:
        host, port = registry.target.split(":")
        proxy = TcpProxy(host, int(port))
        await proxy.start()
        client = AsyncRegistryClient(f"grpc://127.0.0.1:{proxy.port}", retries=20, backoff=0.05)
        subject = f"sdk-watch-{uuid.uuid4().hex[:6]}"
        try:
            events = client.events(subjects=[subject])
            first = asyncio.ensure_future(anext(events))
            await asyncio.sleep(0.5)  # watching
            await _register(registry.http, subject)
            got = [await asyncio.wait_for(first, 5)]
            await proxy.stop()  # the link drops
            for _ in range(2):
                await _register(registry.http, subject)
            await proxy.start()  # the same port again
            got += [await asyncio.wait_for(anext(events), 10) for _ in range(2)]
            await events.aclose()  # type: ignore[attr-defined]
        finally:
            await client.close()
            await proxy.stop()
    sequences = [event.sequence for event in got]
    assert sequences == sorted(set(sequences)) and len(sequences) == 3
    assert got[0].cloudevent["source"] == "llm-schema-registry"
    assert got[0].cloudevent["data"]["subject"] == subject == got[2].subject
