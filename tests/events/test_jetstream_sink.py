"""The JetStream sink against the NATS server on this machine, read back with nats-py."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import nats
import nats.js.errors
import pytest
from eventsupport import TcpProxy, closed_port, require_service, sample_event
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from llm_schema_registry.events.jetstream import JetStreamSink, nats_subject
from llm_schema_registry.events.model import EventType
from llm_schema_registry.events.sink import SinkUnavailableError


@pytest.fixture
def nats_url() -> str:
    return require_service("REGISTRY_TEST_NATS_URL", "nats://127.0.0.1:4222")


@dataclass
class Stream:
    """A stream name and subject prefix of this test's own, so runs never overlap."""

    name: str
    prefix: str
    js: JetStreamContext

    def sink(self, url: str, timeout: float = 2.0) -> JetStreamSink:
        return JetStreamSink(url, stream=self.name, subject_prefix=self.prefix, timeout=timeout)

    async def messages(self) -> list[Msg]:
        consumer = await self.js.pull_subscribe(f"{self.prefix}.>", stream=self.name)
        try:
            found = await consumer.fetch(100, timeout=1.0)
        except nats.errors.TimeoutError:
            return []
        finally:
            await consumer.unsubscribe()
        return found


@pytest.fixture
async def stream(nats_url: str) -> AsyncIterator[Stream]:
    tag = uuid.uuid4().hex[:10]
    connection = await nats.connect(nats_url)
    js = connection.jetstream()
    yield Stream(f"TEST_EVENTS_{tag}", f"test-{tag}.events", js)
    with contextlib.suppress(nats.js.errors.NotFoundError):  # a test that never created it
        await js.delete_stream(f"TEST_EVENTS_{tag}")
    await connection.close()


def test_subject_is_schema_registry_events_dot_type() -> None:
    event = sample_event(kind=EventType.VERSION_STATE_CHANGED)
    assert nats_subject(event) == "schema-registry.events.version.state_changed"


async def test_stream_is_created_and_a_consumer_receives_the_cloudevents(
    nats_url: str, stream: Stream
) -> None:
    with pytest.raises(nats.js.errors.NotFoundError):
        await stream.js.stream_info(stream.name)
    sink = stream.sink(nats_url)
    first, second = sample_event("a-value"), sample_event(None, EventType.MODE_CHANGED, new="RO")
    try:
        for event in (first, second):
            delivery = await sink.deliver(event)
            assert delivery.delivered and delivery.attempts[0].succeeded
    finally:
        await sink.aclose()
    info = await stream.js.stream_info(stream.name)
    assert info.config.subjects == [f"{stream.prefix}.>"]
    assert info.config.duplicate_window and info.config.duplicate_window >= 600
    assert info.config.max_age == 7 * 24 * 3600
    got = await stream.messages()
    assert [m.subject for m in got] == [
        f"{stream.prefix}.schema.registered",
        f"{stream.prefix}.mode.changed",
    ]
    assert [m.headers and m.headers["Nats-Msg-Id"] for m in got] == [first.id, second.id]
    body = json.loads(got[0].data)
    assert (body["specversion"], body["id"], body["subject"]) == ("1.0", first.id, "a-value")


async def test_redelivered_event_is_stored_once(nats_url: str, stream: Stream) -> None:
    sink = stream.sink(nats_url)
    event = sample_event()
    try:
        for _ in range(3):
            assert (await sink.deliver(event)).delivered
    finally:
        await sink.aclose()
    assert (await stream.js.stream_info(stream.name)).state.messages == 1
    assert len(await stream.messages()) == 1


async def test_unreachable_server_is_a_retryable_error() -> None:
    sink = JetStreamSink(f"nats://127.0.0.1:{closed_port()}", timeout=1.0)
    with pytest.raises(SinkUnavailableError, match="nats unavailable"):
        await sink.deliver(sample_event())
    await sink.aclose()


async def test_outage_raises_retryable_error_then_the_sink_reconnects(
    nats_url: str, stream: Stream
) -> None:
    host, port = nats_url.removeprefix("nats://").split(":")
    proxy = TcpProxy(host, int(port))
    await proxy.start()
    sink = stream.sink(f"nats://127.0.0.1:{proxy.port}", timeout=1.0)
    before, during = sample_event("a-value"), sample_event("a-value")
    try:
        assert (await sink.deliver(before)).delivered
        await proxy.stop()
        with pytest.raises(SinkUnavailableError):
            await sink.deliver(during)
        await proxy.start()  # the broker is back, on the same address
        assert (await sink.deliver(during)).delivered
    finally:
        await sink.aclose()
        await proxy.stop()
    ids = [m.headers and m.headers["Nats-Msg-Id"] for m in await stream.messages()]
    assert ids == [before.id, during.id]
