"""A server killed with SIGKILL right after a registration's 201 delivers the event once it
is back: the event row committed with the change, the relay's claim ran out, another run of
the relay picked it up."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import httpx
from eventsupport import Receiver, closed_port, running
from flowsupport import V1, delivered, eventually, schema

from support import ServerProcess

ENV = {
    "REGISTRY_WEBHOOK_ALLOW_PRIVATE": "true",
    "REGISTRY_EVENTS_LEASE_SECONDS": "2",  # the killed run's claims come back quickly
}


async def test_an_event_committed_before_a_sigkill_is_delivered_after_restart(
    database_url: str, tmp_path: Path
) -> None:
    receiver = Receiver(port=closed_port())  # down: the first run cannot deliver in time
    server = await asyncio.to_thread(ServerProcess, database_url, tmp_path, ENV)
    try:
        async with httpx.AsyncClient(base_url=server.url, headers={"Content-Type": V1}) as http:
            hook = await http.post(
                "/webhooks", json={"url": receiver.url, "secret": receiver.secret}
            )
            assert hook.status_code == 201
            reply = await http.post("/subjects/crash/versions", json={"schema": schema("C")})
            assert reply.status_code == 200
            server.process.send_signal(signal.SIGKILL)  # right after the 201
    finally:
        server.process.wait()
        server.stop()
    async with running(receiver):
        again = await asyncio.to_thread(ServerProcess, database_url, tmp_path, ENV)
        try:
            await eventually(lambda: len(delivered(receiver.received)) >= 1, timeout=30)
            await asyncio.sleep(0.5)  # a duplicate, if any, would come now
        finally:
            await asyncio.to_thread(again.stop)
    got = delivered(receiver.received)
    assert {e["type"] for e in got} == {"schema.registered"}
    assert {e["data"]["subject"] for e in got} == {"crash"}
    assert len({e["id"] for e in got}) == 1  # at least once; any duplicate has the same id
    assert all(r.error is None for r in receiver.received)
