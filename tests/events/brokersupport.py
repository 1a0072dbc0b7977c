"""Consumers of the real brokers for end-to-end tests: a JetStream stream and a RabbitMQ queue
of the test's own (unique names), read with nats-py and aio-pika."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aio_pika
import nats
import nats.errors
import orjson
from aio_pika.abc import AbstractIncomingMessage
from nats.js.api import StreamConfig

from llm_schema_registry.events.jetstream import DUPLICATE_WINDOW_SECONDS


@dataclass
class BrokerTaps:
    """What a test's brokers received: CloudEvents from JetStream and from RabbitMQ."""

    tag: str
    nats: list[dict[str, Any]] = field(default_factory=list)
    amqp: list[dict[str, Any]] = field(default_factory=list)
    amqp_message_ids: list[str] = field(default_factory=list)

    @property
    def stream(self) -> str:
        return f"TEST_EVENTS_{self.tag}"

    @property
    def prefix(self) -> str:
        return f"test-{self.tag}.events"

    @property
    def exchange(self) -> str:
        return f"test-{self.tag}.events"

    def settings(self, nats_url: str, amqp_url: str) -> dict[str, str]:
        return {
            "REGISTRY_EVENTS_NATS_URL": nats_url,
            "REGISTRY_EVENTS_NATS_STREAM": self.stream,
            "REGISTRY_EVENTS_NATS_SUBJECT_PREFIX": self.prefix,
            "REGISTRY_EVENTS_AMQP_URL": amqp_url,
            "REGISTRY_EVENTS_AMQP_EXCHANGE": self.exchange,
        }


@asynccontextmanager
async def broker_taps(nats_url: str, amqp_url: str) -> AsyncIterator[BrokerTaps]:
    """Consumers on a fresh stream and exchange, collecting until the block ends."""
    taps = BrokerTaps(uuid.uuid4().hex[:10])
    connection = await nats.connect(nats_url)
    js = connection.jetstream()
    await js.add_stream(
        StreamConfig(
            name=taps.stream,
            subjects=[f"{taps.prefix}.>"],
            duplicate_window=DUPLICATE_WINDOW_SECONDS,
        )
    )

    async def on_nats(msg: Any) -> None:
        taps.nats.append(orjson.loads(msg.data))
        await msg.ack()

    subscription = await js.subscribe(f"{taps.prefix}.>", stream=taps.stream, cb=on_nats)
    rabbit = await aio_pika.connect(amqp_url)
    channel = await rabbit.channel()
    exchange = await channel.declare_exchange(
        taps.exchange, aio_pika.ExchangeType.TOPIC, durable=True
    )
    queue = await channel.declare_queue(exclusive=True, auto_delete=True)
    await queue.bind(exchange, "#")

    async def on_amqp(message: AbstractIncomingMessage) -> None:
        async with message.process():
            taps.amqp.append(orjson.loads(message.body))
            taps.amqp_message_ids.append(str(message.message_id))

    await queue.consume(on_amqp)
    try:
        yield taps
    finally:
        await asyncio.sleep(0)
        await subscription.unsubscribe()
        await js.delete_stream(taps.stream)
        await connection.close()
        await exchange.delete()
        await rabbit.close()
