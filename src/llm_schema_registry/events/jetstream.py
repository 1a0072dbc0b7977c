"""The NATS JetStream sink: one message per event, deduplicated by its id."""

from __future__ import annotations

import asyncio
import contextlib

import nats
import nats.errors
import nats.js.errors
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import StreamConfig

from llm_schema_registry.events.cloudevent import CONTENT_TYPE, DEFAULT_SOURCE, encode
from llm_schema_registry.events.model import Attempt, Event, SinkKey, utc_now
from llm_schema_registry.events.sink import Delivery, SinkUnavailableError, describe

SUBJECT_PREFIX = "schema-registry.events"
STREAM = "SCHEMA_REGISTRY_EVENTS"
# JetStream drops a repeated Nats-Msg-Id within this window: it must outlast a lost ack plus
# the relay's retry (a lease expiry at worst), so it is longer than the server's 2 minutes.
DUPLICATE_WINDOW_SECONDS = 600.0
MAX_AGE_SECONDS = 7 * 24 * 3600.0  # like the outbox's retention; operators may pre-create it
FAILURES = (nats.errors.Error, asyncio.TimeoutError, OSError)


def nats_subject(event: Event, prefix: str = SUBJECT_PREFIX) -> str:
    """`schema-registry.events.<type>`, e.g. `schema-registry.events.schema.registered`."""
    return f"{prefix}.{event.type}"


async def _quiet(_: Exception) -> None:
    """nats-py logs connection errors itself unless given a callback; we report them."""


class JetStreamSink:
    """Publishes CloudEvents to a JetStream stream, created with defaults when absent.

    Header `Nats-Msg-Id` = event id, so a redelivery after a lost acknowledgement is dropped
    by the server. Reconnection is ours, not nats-py's: a lost connection makes `deliver`
    raise `SinkUnavailableError` (the outbox keeps the event) and the next call connects anew.
    """

    kind = "nats"

    def __init__(
        self,
        url: str,
        *,
        stream: str = STREAM,
        subject_prefix: str = SUBJECT_PREFIX,
        source: str = DEFAULT_SOURCE,
        timeout: float = 5.0,
    ) -> None:
        self._url = url
        self._stream = stream
        self._prefix = subject_prefix
        self._source = source
        self._timeout = timeout
        self._connection: Client | None = None
        self._jetstream: JetStreamContext | None = None
        self._lock = asyncio.Lock()

    @property
    def key(self) -> SinkKey:
        return SinkKey("nats")

    def accepts(self, event: Event) -> bool:
        return True

    async def deliver(self, event: Event) -> Delivery:
        started = utc_now()
        try:
            jetstream = await self._connect()
            await jetstream.publish(
                nats_subject(event, self._prefix),
                encode(event, self._source),
                timeout=self._timeout,
                stream=self._stream,
                headers={"Nats-Msg-Id": event.id, "Content-Type": CONTENT_TYPE},
            )
        except FAILURES as exc:
            await self.aclose()
            raise SinkUnavailableError("nats", describe(exc)) from exc
        return Delivery(delivered=True, attempts=(Attempt(event.id, 1, started),))

    async def _connect(self) -> JetStreamContext:
        async with self._lock:
            if self._jetstream is not None and self._connection is not None:
                if self._connection.is_connected:
                    return self._jetstream
                await self._drop()
            connection = await nats.connect(
                self._url,
                allow_reconnect=False,
                # Even without reconnects nats-py retries the first connect, by default for
                # 60 times 2 s; a down server must be reported now, the outbox retries later.
                max_reconnect_attempts=1,
                reconnect_time_wait=0,
                connect_timeout=max(1, int(self._timeout)),
                error_cb=_quiet,
                name="llm-schema-registry events",
            )
            try:
                jetstream = connection.jetstream(timeout=self._timeout)
                await self._ensure_stream(jetstream)
            except BaseException:
                await connection.close()
                raise
            self._connection, self._jetstream = connection, jetstream
            return jetstream

    async def _ensure_stream(self, jetstream: JetStreamContext) -> None:
        try:
            await jetstream.stream_info(self._stream)
        except nats.js.errors.NotFoundError:
            await jetstream.add_stream(
                StreamConfig(
                    name=self._stream,
                    subjects=[f"{self._prefix}.>"],
                    duplicate_window=DUPLICATE_WINDOW_SECONDS,
                    max_age=MAX_AGE_SECONDS,
                )
            )

    async def _drop(self) -> None:
        connection, self._connection, self._jetstream = self._connection, None, None
        if connection is not None and not connection.is_closed:
            with contextlib.suppress(*FAILURES):  # already gone; closing is best effort
                await connection.close()

    async def aclose(self) -> None:
        async with self._lock:
            await self._drop()
