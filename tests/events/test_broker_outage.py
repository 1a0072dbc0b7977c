"""A broker that is down delays its events and loses none: NATS JetStream and RabbitMQ
consumers (nats-py, aio-pika) get an event registered while their broker was unreachable once
it is back.

"Down" is simulated, not by stopping the shared brokers of this machine (other work uses them
and they could not be restored reliably from a test), but by cutting a TCP path: the registry
reaches each broker through a loopback relay (`TcpProxy`) that the test closes, cutting every
open connection and refusing new ones, and then opens again on the same port.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from brokersupport import broker_taps
from eventsupport import TcpProxy, require_service
from flowsupport import eventually, registry_app, schema


async def test_events_registered_while_the_brokers_are_down_arrive_when_they_return(
    sqlite_url: str,
) -> None:
    nats_url = require_service("REGISTRY_TEST_NATS_URL", "nats://127.0.0.1:4222")
    amqp_url = require_service("REGISTRY_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
    proxies = {}
    for name, url in (("nats", nats_url), ("amqp", amqp_url)):
        parts = urlsplit(url)
        proxies[name] = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 0)
        await proxies[name].start()
    via_proxy = {
        "events_nats_url": f"nats://127.0.0.1:{proxies['nats'].port}",
        "events_amqp_url": f"amqp://guest:guest@127.0.0.1:{proxies['amqp'].port}/",
    }
    async with broker_taps(nats_url, amqp_url) as taps:
        names = {
            "events_nats_stream": taps.stream,
            "events_nats_subject_prefix": taps.prefix,
            "events_amqp_exchange": taps.exchange,
        }
        async with registry_app(sqlite_url, **via_proxy, **names) as (client, _app):

            def arrived() -> tuple[int, int]:
                return len(taps.nats), len(taps.amqp)

            await client.post("/subjects/up/versions", json={"schema": schema("Up")})
            await eventually(lambda: arrived() == (1, 1), status=arrived)
            for proxy in proxies.values():
                await proxy.stop()
            down = await client.post("/subjects/down/versions", json={"schema": schema("Dn")})
            assert down.status_code == 200  # the registration does not wait for brokers
            await asyncio.sleep(2.0)
            assert arrived() == (1, 1)
            for proxy in proxies.values():
                await proxy.start()  # the same port: the broker is back
            await eventually(lambda: arrived() == (2, 2), timeout=45, status=arrived)
            await asyncio.sleep(0.5)
    assert arrived() == (2, 2)
    for events in (taps.nats, taps.amqp):
        assert [e["subject"] for e in events] == ["up", "down"]
        assert events[1]["type"] == "schema.registered"
    assert taps.nats[1]["id"] == taps.amqp[1]["id"]
