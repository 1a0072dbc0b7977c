"""The RabbitMQ sink: persistent messages on a durable topic exchange, with publisher confirms."""

from __future__ import annotations

import asyncio
import contextlib

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractExchange
from aio_pika.exceptions import AMQPError

from llm_schema_registry.events.cloudevent import CONTENT_TYPE, DEFAULT_SOURCE, encode
from llm_schema_registry.events.model import Attempt, Event, SinkKey, utc_now
from llm_schema_registry.events.sink import Delivery, SinkUnavailableError, describe

EXCHANGE = "schema-registry.events"
FAILURES = (AMQPError, ConnectionError, OSError, asyncio.TimeoutError)


def amqp_message(event: Event, source: str = DEFAULT_SOURCE) -> aio_pika.Message:
    """The CloudEvent as a persistent message whose `message_id` is the event id."""
    return aio_pika.Message(
        encode(event, source),
        content_type=CONTENT_TYPE,
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        message_id=event.id,
        timestamp=event.time,
        type=str(event.type),
        app_id="llm-schema-registry",
    )


class RabbitMqSink:
    """Publishes to the durable topic exchange `schema-registry.events`, routing key = type.

    `deliver` returns once the broker confirmed the message (publisher confirms), so a message
    the broker did not take is never counted as delivered: a lost connection, a nack or no
    confirm in time raise `SinkUnavailableError` and the outbox keeps the event. Consumers
    deduplicate by `message_id` (the event id) should a confirm have been lost.
    """

    kind = "amqp"

    def __init__(
        self,
        url: str,
        *,
        exchange: str = EXCHANGE,
        source: str = DEFAULT_SOURCE,
        timeout: float = 5.0,
    ) -> None:
        self._url = url
        self._exchange_name = exchange
        self._source = source
        self._timeout = timeout
        self._connection: AbstractConnection | None = None
        self._channel: AbstractChannel | None = None
        self._exchange: AbstractExchange | None = None
        self._lock = asyncio.Lock()

    @property
    def key(self) -> SinkKey:
        return SinkKey("amqp")

    def accepts(self, event: Event) -> bool:
        return True

    async def deliver(self, event: Event) -> Delivery:
        started = utc_now()
        try:
            exchange = await self._connect()
            await exchange.publish(
                amqp_message(event, self._source),
                routing_key=str(event.type),
                mandatory=False,  # no bound queue is like a topic nobody reads, not a failure
                timeout=self._timeout,
            )
        except FAILURES as exc:
            await self.aclose()
            raise SinkUnavailableError("amqp", describe(exc)) from exc
        return Delivery(delivered=True, attempts=(Attempt(event.id, 1, started),))

    async def _connect(self) -> AbstractExchange:
        async with self._lock:
            if self._exchange is not None and self._channel is not None:
                if not self._channel.is_closed:
                    return self._exchange
                await self._drop()
            # Not connect_robust: its background reconnection hides outages we must report.
            connection = await aio_pika.connect(self._url, timeout=self._timeout)
            try:
                channel = await connection.channel(publisher_confirms=True)
                exchange = await channel.declare_exchange(
                    self._exchange_name,
                    aio_pika.ExchangeType.TOPIC,
                    durable=True,
                    timeout=self._timeout,
                )
            except BaseException:
                await connection.close()
                raise
            self._connection, self._channel, self._exchange = connection, channel, exchange
            return exchange

    async def _drop(self) -> None:
        connection = self._connection
        self._connection, self._channel, self._exchange = None, None, None
        if connection is not None and not connection.is_closed:
            with contextlib.suppress(*FAILURES):  # already gone; closing is best effort
                await connection.close()

    async def aclose(self) -> None:
        async with self._lock:
            await self._drop()
