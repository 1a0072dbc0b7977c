"""REGISTRY_EVENTS_RELAY=external: the server only writes the outbox and serves the feed, a
separate `llm-schema relay` process delivers. A registration reaches a webhook receiver
(verified with standardwebhooks) through the relay process, the server's own `GET /events`
and SSE stream still see it, and a relay killed with SIGKILL delivers what was pending once
restarted. On PostgreSQL the relay hears commits on the change feed (NOTIFY) and does not wait
for its poll."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from eventsupport import Receiver, closed_port, running
from flowsupport import V1, delivered, eventually, schema

from support import ServerProcess, fresh_pg_database

ENV = {
    "REGISTRY_WEBHOOK_ALLOW_PRIVATE": "true",
    "REGISTRY_EVENTS_LEASE_SECONDS": "2",  # a killed relay's claims come back quickly
}


class RelayProcess:
    """`llm-schema relay` in a child process, beside a server on the same database."""

    def __init__(
        self, database_url: str, workdir: Path, extra: dict[str, str] | None = None
    ) -> None:
        self.log = workdir / f"relay-{time.monotonic_ns()}.log"
        self._handle = self.log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "llm_schema_registry.cli.main", "relay"],
            env={**os.environ, "REGISTRY_DATABASE_URL": database_url, **ENV, **(extra or {})},
            cwd=workdir,
            stdout=self._handle,
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> int:
        """SIGTERM, as an orchestrator stops it; returns the exit status."""
        self.process.terminate()
        try:
            return self.process.wait(timeout=15)
        finally:
            self._handle.close()


async def external_server(database_url: str, tmp_path: Path) -> ServerProcess:
    """A server that only writes the outbox (REGISTRY_EVENTS_RELAY=external)."""
    env = {**ENV, "REGISTRY_EVENTS_RELAY": "external"}
    return await asyncio.to_thread(ServerProcess, database_url, tmp_path, env)


async def add_webhook(http: httpx.AsyncClient, receiver: Receiver) -> None:
    hook = await http.post("/webhooks", json={"url": receiver.url, "secret": receiver.secret})
    assert hook.status_code == 201


async def first_sse_event(url: str, subject: str) -> dict[str, object]:
    """The first event of `GET /events/stream` (from the start) on `subject`."""
    async with (
        httpx.AsyncClient(base_url=url, timeout=10) as http,
        http.stream("GET", "/events/stream", params={"subjects": subject, "after": 0}) as reply,
    ):
        async for line in reply.aiter_lines():
            if line.startswith("data:"):
                event: dict[str, object] = json.loads(line.removeprefix("data:"))
                return event
    raise AssertionError("stream ended")


async def test_an_external_relay_delivers_and_the_server_still_streams(
    database_url: str, tmp_path: Path
) -> None:
    receiver = Receiver()
    server = await external_server(database_url, tmp_path)
    relay = RelayProcess(database_url, tmp_path)
    try:
        async with (
            running(receiver),
            httpx.AsyncClient(base_url=server.url, headers={"Content-Type": V1}) as http,
        ):
            await add_webhook(http, receiver)
            reply = await http.post("/subjects/outside/versions", json={"schema": schema("O")})
            assert reply.status_code == 200
            await eventually(lambda: len(delivered(receiver.received)) >= 1, timeout=20)
            streamed = await asyncio.wait_for(first_sse_event(server.url, "outside"), 10)
            page = (await http.get("/events", params={"after": 0})).json()
        got = delivered(receiver.received)
        assert [e["type"] for e in got] == ["schema.registered"]
        assert all(r.error is None for r in receiver.received)  # standardwebhooks verified
        assert streamed["id"] == got[0]["id"]
        assert [e["id"] for e in page["events"]] == [got[0]["id"]]
    finally:
        assert relay.stop() == 0  # graceful on SIGTERM
        await asyncio.to_thread(server.stop)


async def test_a_relay_killed_with_sigkill_delivers_the_pending_event_after_restart(
    database_url: str, tmp_path: Path
) -> None:
    receiver = Receiver(port=closed_port())  # down while the first relay runs
    server = await external_server(database_url, tmp_path)
    try:
        relay = RelayProcess(database_url, tmp_path)
        async with httpx.AsyncClient(base_url=server.url, headers={"Content-Type": V1}) as http:
            await add_webhook(http, receiver)
            reply = await http.post("/subjects/pending/versions", json={"schema": schema("P")})
            assert reply.status_code == 200
        await asyncio.sleep(1.0)  # the relay claims it and fails against the closed port
        relay.process.send_signal(signal.SIGKILL)
        relay.process.wait()
        relay.stop()
        async with running(receiver):
            again = RelayProcess(database_url, tmp_path)
            try:
                await eventually(lambda: len(delivered(receiver.received)) >= 1, timeout=30)
                await asyncio.sleep(0.5)  # a duplicate, if any, would come now
            finally:
                assert again.stop() == 0
    finally:
        await asyncio.to_thread(server.stop)
    got = delivered(receiver.received)
    assert {e["data"]["subject"] for e in got} == {"pending"}
    assert len({e["id"] for e in got}) == 1
    assert all(r.error is None for r in receiver.received)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with fresh_pg_database() as url:
        yield url


async def test_on_postgresql_a_commit_wakes_the_external_relay_before_its_poll(
    postgres_url: str, tmp_path: Path
) -> None:
    """The relay polls only every 120 s here: a registration delivered within 20 s was heard
    on the change feed (the NOTIFY the server's write transaction sends anyway)."""
    receiver = Receiver()
    server = await external_server(postgres_url, tmp_path)
    relay = RelayProcess(postgres_url, tmp_path, {"REGISTRY_EVENTS_POLL_SECONDS": "120"})
    try:
        async with (
            running(receiver),
            httpx.AsyncClient(base_url=server.url, headers={"Content-Type": V1}) as http,
        ):
            await add_webhook(http, receiver)

            async def sequenced() -> int:
                return len((await http.get("/events", params={"after": 0})).json()["events"])

            # The relay is up once it has numbered a change (its first step, or a wake-up).
            deadline = time.monotonic() + 60
            while await sequenced() == 0:
                assert time.monotonic() < deadline, "the relay never sequenced an event"
                await http.put("/config/warmup", json={"compatibility": "NONE"})
                await asyncio.sleep(0.5)
            await asyncio.sleep(1.0)  # idle now, in its 120 s wait
            started = time.monotonic()
            reply = await http.post("/subjects/woken/versions", json={"schema": schema("W")})
            assert reply.status_code == 200
            await eventually(
                lambda: any(e["type"] == "schema.registered" for e in delivered(receiver.received)),
                timeout=20,
            )
            assert time.monotonic() - started < 20
        registered = [e for e in delivered(receiver.received) if e["type"] == "schema.registered"]
        assert [e["data"]["subject"] for e in registered] == ["woken"]
    finally:
        assert relay.stop() == 0
        await asyncio.to_thread(server.stop)


async def test_two_relay_processes_deliver_each_event_once_in_subject_order(
    postgres_url: str, tmp_path: Path
) -> None:
    """Relays scale out like nodes: two `llm-schema relay` processes over one outbox share the
    work through the claim locks and leases; 100 concurrent registrations reach the webhook
    once each, every subject's versions in order."""
    subjects, versions = 10, 10
    receiver = Receiver()
    server = await external_server(postgres_url, tmp_path)
    relays = [RelayProcess(postgres_url, tmp_path) for _ in "ab"]
    try:
        async with (
            running(receiver),
            httpx.AsyncClient(
                base_url=server.url, headers={"Content-Type": V1}, timeout=60
            ) as http,
        ):
            await add_webhook(http, receiver)

            async def register(n: int) -> None:
                subject, version = f"shared-{n % subjects}", n // subjects
                body = {"schema": schema("Shared", f"f{version}")}
                reply = await http.post(f"/subjects/{subject}/versions", json=body)
                assert reply.status_code == 200, reply.text

            await asyncio.gather(*(register(n) for n in range(subjects * versions)))
            await eventually(
                lambda: len(delivered(receiver.received)) >= subjects * versions,
                timeout=60,
                status=lambda: len(delivered(receiver.received)),
            )
            await asyncio.sleep(1.5)  # a duplicate, if any, would arrive now
    finally:
        assert [relay.stop() for relay in relays] == [0, 0]
        await asyncio.to_thread(server.stop)
    got = delivered(receiver.received)
    ids = [e["id"] for e in got]
    assert len(ids) == len(set(ids)) == subjects * versions
    by_subject: dict[str, list[int]] = {}
    for event in got:
        by_subject.setdefault(event["data"]["subject"], []).append(event["data"]["version"])
    assert all(v == sorted(v) for v in by_subject.values()), by_subject
    assert sorted(len(v) for v in by_subject.values()) == [versions] * subjects
