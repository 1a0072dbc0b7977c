"""Webhook delivery to a real HTTP receiver on loopback that verifies with `standardwebhooks`."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from cloudevents.core.formats.json import JSONFormat
from eventsupport import Receiver, closed_port, running, sample_event

from llm_schema_registry.events.model import EventType, Webhook, WebhookId
from llm_schema_registry.events.sink import Delivery
from llm_schema_registry.events.ssrf import UrlGuard
from llm_schema_registry.events.webhook import (
    RetryPolicy,
    WebhookClient,
    WebhookSink,
    webhook_client,
)
from llm_schema_registry.webhooks import generate_secret

FAST = RetryPolicy(retries=3, min_delay=0.01, max_delay=0.05)
LOOPBACK = UrlGuard(allow_private=True)  # the receiver is on loopback: allowed explicitly


@pytest.fixture
async def client() -> AsyncIterator[WebhookClient]:
    async with webhook_client(timeout=2.0) as shared:
        yield shared


async def test_delivery_is_a_signed_cloudevent_post(client: WebhookClient) -> None:
    event = sample_event().sequenced(11)
    async with running(Receiver()) as receiver:
        delivery = await WebhookSink(receiver.webhook(), client, guard=LOOPBACK).deliver(event)
    assert delivery.delivered and [a.status for a in delivery.attempts] == [200]
    [got] = receiver.received
    assert got.error is None, got.error
    assert got.path == "/hooks"
    assert got.headers["content-type"] == "application/cloudevents+json"
    assert got.headers["webhook-id"] == event.id
    assert got.headers["user-agent"].startswith("llm-schema-registry/")
    assert got.verified["id"] == event.id and got.verified["sequence"] == 11
    assert JSONFormat().read(None, got.body).get_type() == "schema.registered"


async def test_two_500s_then_delivered_on_the_third_attempt_with_the_same_id(
    client: WebhookClient,
) -> None:
    """The default policy (3 retries, 0.5 s to 5 s with jitter), as the issue specifies."""
    event = sample_event()
    async with running(Receiver(script=[500, 500])) as receiver:
        delivery = await WebhookSink(receiver.webhook(), client, guard=LOOPBACK).deliver(event)
    assert delivery.delivered
    assert [(a.number, a.status) for a in delivery.attempts] == [(1, 500), (2, 500), (3, 200)]
    assert [r.headers["webhook-id"] for r in receiver.received] == [event.id] * 3
    assert all(r.error is None for r in receiver.received)  # each attempt freshly signed
    gaps = [b.at - a.at for a, b in zip(receiver.received, receiver.received[1:], strict=False)]
    assert 0.45 <= gaps[0] <= 1.5 and 0.45 <= gaps[1] <= 2.5, gaps


async def test_receiver_down_gives_up_after_the_retries(client: WebhookClient) -> None:
    hook = Webhook(WebhookId("w"), f"http://127.0.0.1:{closed_port()}/", generate_secret())
    delivery = await WebhookSink(hook, client, guard=LOOPBACK, policy=FAST).deliver(sample_event())
    assert not delivery.delivered
    assert [a.number for a in delivery.attempts] == [1, 2, 3, 4]
    assert all(a.status is None and "ConnectError" in (a.error or "") for a in delivery.attempts)
    assert "ConnectError" in (delivery.error or "")


async def test_non_2xx_after_every_retry_is_given_up_with_its_status(
    client: WebhookClient,
) -> None:
    async with running(Receiver(script=[503] * 4)) as receiver:
        sink = WebhookSink(receiver.webhook(), client, guard=LOOPBACK, policy=FAST)
        delivery = await sink.deliver(sample_event())
    assert (delivery.delivered, delivery.error, len(receiver.received)) == (False, "HTTP 503", 4)


async def test_any_2xx_is_delivered(client: WebhookClient) -> None:
    async with running(Receiver(script=[204])) as receiver:
        sink = WebhookSink(receiver.webhook(), client, guard=LOOPBACK, policy=FAST)
        assert (await sink.deliver(sample_event())).delivered


async def test_redirects_are_not_followed(client: WebhookClient) -> None:
    async with running(Receiver(script=[307] * 4)) as receiver:
        sink = WebhookSink(receiver.webhook(), client, guard=LOOPBACK, policy=FAST)
        delivery = await sink.deliver(sample_event())
    assert not delivery.delivered
    assert {r.path for r in receiver.received} == {"/hooks"}


async def test_a_timed_out_attempt_is_retried() -> None:
    async with (
        webhook_client(timeout=0.2) as impatient,
        running(Receiver(delay=1.0, stall=1)) as receiver,
    ):
        sink = WebhookSink(receiver.webhook(), impatient, guard=LOOPBACK, policy=FAST)
        delivery: Delivery = await sink.deliver(sample_event())
    assert delivery.delivered
    assert "Timeout" in (delivery.attempts[0].error or "") and delivery.attempts[1].status == 200


async def test_loopback_receiver_is_refused_without_the_flag_and_never_called(
    client: WebhookClient,
) -> None:
    async with running(Receiver()) as receiver:
        sink = WebhookSink(receiver.webhook(), client, guard=UrlGuard(), policy=FAST)
        delivery = await sink.deliver(sample_event())
    assert not delivery.delivered and len(delivery.attempts) == 1  # no retry: it cannot help
    assert "REGISTRY_WEBHOOK_ALLOW_PRIVATE" in (delivery.error or "")
    assert receiver.received == []


async def test_sink_applies_the_webhook_filters(client: WebhookClient) -> None:
    hook = Webhook(
        WebhookId("w"),
        "https://hooks.example/",
        generate_secret(),
        types=frozenset({EventType.SCHEMA_REGISTERED}),
        subjects=("orders-*",),
    )
    sink = WebhookSink(hook, client, guard=UrlGuard())
    assert sink.key == "webhook:w" and sink.kind == "webhook"
    assert sink.accepts(sample_event("orders-value"))
    assert not sink.accepts(sample_event("users-value"))
    assert not sink.accepts(sample_event("orders-value", EventType.SUBJECT_DELETED))


def test_retry_delays_grow_within_bounds() -> None:
    policy = RetryPolicy()
    for retry, ceiling in ((1, 1.0), (2, 2.0), (3, 4.0), (4, 5.0), (9, 5.0)):
        delays = [policy.delay(retry) for _ in range(200)]
        assert min(delays) >= 0.5 and max(delays) <= ceiling
        assert len({round(d, 6) for d in delays}) > 1  # jittered


def test_body_is_the_same_json_for_every_attempt() -> None:
    event = sample_event()
    from llm_schema_registry.events.cloudevent import encode

    assert json.loads(encode(event)) == json.loads(encode(event))
