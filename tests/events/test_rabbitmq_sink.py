"""The RabbitMQ sink against the broker on this machine, read back with aio-pika consumers."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import aio_pika
import pytest
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractQueue
from eventsupport import TcpProxy, closed_port, require_service, sample_event

from llm_schema_registry.events.model import EventType
from llm_schema_registry.events.rabbitmq import EXCHANGE, RabbitMqSink
from llm_schema_registry.events.sink import SinkUnavailableError


@pytest.fixture
def amqp_url() -> str:
    return require_service("REGISTRY_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")


@dataclass
class Exchange:
    """An exchange of this test's own (declared by the sink) and a consumer channel."""

    name: str
    channel: AbstractChannel

    async def bind(self, routing_key: str = "#") -> AbstractQueue:
        # Declared as the sink declares it: a different type or durability would fail here.
        exchange = await self.channel.declare_exchange(
            self.name, aio_pika.ExchangeType.TOPIC, durable=True
        )
        queue = await self.channel.declare_queue(exclusive=True, auto_delete=True)
        await queue.bind(exchange, routing_key)
        return queue


async def drain(queue: AbstractQueue, count: int) -> list[AbstractIncomingMessage]:
    got: list[AbstractIncomingMessage] = []
    async with asyncio.timeout(5):
        while len(got) < count:
            message = await queue.get(fail=False)
            if message is None:
                await asyncio.sleep(0.02)
                continue
            await message.ack()
            got.append(message)
    await asyncio.sleep(0.1)
    assert await queue.get(fail=False) is None, "more messages than expected"
    return got


@pytest.fixture
async def exchange(amqp_url: str) -> AsyncIterator[Exchange]:
    connection = await aio_pika.connect(amqp_url)
    channel = await connection.channel()
    name = f"test-events-{uuid.uuid4().hex[:10]}"
    yield Exchange(name, channel)
    await channel.exchange_delete(name)
    await connection.close()


def test_default_exchange_name() -> None:
    assert EXCHANGE == "schema-registry.events"


async def test_consumers_receive_persistent_cloudevents_routed_by_type(
    amqp_url: str, exchange: Exchange
) -> None:
    sink = RabbitMqSink(amqp_url, exchange=exchange.name)
    registered, deleted = (
        sample_event("a-value"),
        sample_event("b-value", EventType.VERSION_DELETED),
    )
    try:
        await sink.deliver(registered)  # declares the exchange
        everything, only_registrations = (
            await exchange.bind("#"),
            await exchange.bind("schema.registered"),
        )
        for event in (registered, deleted):
            delivery = await sink.deliver(event)
            assert delivery.delivered and delivery.attempts[0].succeeded
    finally:
        await sink.aclose()
    got = await drain(everything, 2)
    assert [m.message_id for m in got] == [registered.id, deleted.id]
    assert [m.routing_key for m in got] == ["schema.registered", "version.deleted"]
    first = got[0]
    assert first.content_type == "application/cloudevents+json"
    assert first.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
    assert first.type == "schema.registered"
    body = json.loads(first.body)
    assert (body["specversion"], body["id"], body["type"]) == (
        "1.0",
        registered.id,
        "schema.registered",
    )
    assert [m.message_id for m in await drain(only_registrations, 1)] == [registered.id]


async def test_unreachable_broker_is_a_retryable_error() -> None:
    sink = RabbitMqSink(f"amqp://guest:guest@127.0.0.1:{closed_port()}/", timeout=1.0)
    with pytest.raises(SinkUnavailableError, match="amqp unavailable"):
        await sink.deliver(sample_event())
    await sink.aclose()


async def test_outage_raises_retryable_error_then_the_sink_reconnects(
    amqp_url: str, exchange: Exchange
) -> None:
    parts = urlsplit(amqp_url)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5672)
    await proxy.start()
    sink = RabbitMqSink(
        f"amqp://guest:guest@127.0.0.1:{proxy.port}/", exchange=exchange.name, timeout=2.0
    )
    before, during = sample_event("a-value"), sample_event("a-value")
    try:
        assert (await sink.deliver(before)).delivered
        queue = await exchange.bind()
        await proxy.stop()
        with pytest.raises(SinkUnavailableError):
            await sink.deliver(during)
        await proxy.start()
        assert (await sink.deliver(during)).delivered
    finally:
        await sink.aclose()
        await proxy.stop()
    assert [m.message_id for m in await drain(queue, 1)] == [during.id]
