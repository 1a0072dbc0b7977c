"""The SQL outbox on both engines: same-transaction writes, commit-order sequences, claims
with per-subject order and leases, retries, dead letters, replay, retention, idempotency."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from llm_schema_registry.events.filters import EVERYTHING, EventFilter
from llm_schema_registry.events.model import Attempt, EventType, SinkKey, Webhook, WebhookId
from llm_schema_registry.storage.events_sql import SqlEventStore
from llm_schema_registry.storage.sql import SqlStore

SINK = SinkKey("nats")
LEASE = timedelta(seconds=30)


@pytest.fixture
async def stores(database_url: str) -> AsyncIterator[tuple[SqlStore, SqlEventStore]]:
    registry = SqlStore(database_url)
    await registry.start()
    events = SqlEventStore(database_url)
    yield registry, events
    await events.close()
    await registry.close()


async def emit(store: SqlStore, subject: str | None, n: int = 1, **data: object) -> None:
    async with store.write(lock=subject) as tx:
        for _ in range(n):
            await tx.emit("schema.registered", subject, {"subject": subject, **data})


def everywhere(_event: object) -> list[SinkKey]:
    return [SINK]


async def test_a_rolled_back_change_emits_nothing_and_a_committed_one_is_sequenced(
    stores: tuple[SqlStore, SqlEventStore],
) -> None:
    registry, events = stores
    woken: list[int] = []
    registry.on_events.append(lambda: woken.append(1))
    with pytest.raises(RuntimeError):
        async with registry.write(lock="a") as tx:
            await tx.emit("schema.registered", "a", {"n": 0})
            raise RuntimeError("rolled back")
    await emit(registry, "a", n=1)
    assert woken == [1]
    fresh = await events.sequence(everywhere)
    assert [(e.subject, e.sequence, e.data) for e in fresh] == [("a", 1, {"subject": "a"})]
    assert await events.sequence(everywhere) == []
    assert await events.last_sequence() == 1


async def test_sequences_follow_commit_order_and_survive_a_purge(
    stores: tuple[SqlStore, SqlEventStore],
) -> None:
    registry, events = stores
    for subject in ("a", "b", "a", None):
        await emit(registry, subject)
    fresh = await events.sequence(everywhere, limit=2)
    fresh += await events.sequence(everywhere)
    assert [e.sequence for e in fresh] == [1, 2, 3, 4]
    assert [e.subject for e in fresh] == ["a", "b", "a", None]
    claims = await events.claim(SINK, owner="n1", limit=10, lease=LEASE)
    await events.delivered(SINK, [c.event.id for c in claims])
    assert await events.oldest_undelivered() is None
    assert await events.purge(older_than=timedelta(0)) == 4
    await emit(registry, "c")
    assert [e.sequence for e in await events.sequence(everywhere)] == [5]
    page = await events.events_after(0, limit=10, only=EVERYTHING)
    assert [e.sequence for e in page] == [5]


async def test_claims_keep_each_subject_in_order_across_nodes_and_leases(
    stores: tuple[SqlStore, SqlEventStore],
) -> None:
    registry, events = stores
    for subject in ("a", "a", "b", "a", "b"):
        await emit(registry, subject)
    await events.sequence(everywhere)
    first = await events.claim(SINK, owner="n1", limit=2, lease=LEASE)
    assert [(c.event.subject, c.event.sequence) for c in first] == [("a", 1), ("a", 2)]
    # Node 2 may not overtake subject a while node 1 holds its earlier events.
    second = await events.claim(SINK, owner="n2", limit=10, lease=LEASE)
    assert [(c.event.subject, c.event.sequence) for c in second] == [("b", 3), ("b", 5)]
    # Node 1 finds its sink down: the claim goes back, not before the retry time.
    await events.release(SINK, [first[0].event.id], owner="n1", retry_after=timedelta(hours=1))
    await events.delivered(SINK, [first[1].event.id])
    assert await events.claim(SINK, owner="n2", limit=10, lease=LEASE) == []
    await events.release(SINK, [first[0].event.id], owner="n1", retry_after=timedelta(0))
    # (n1 no longer holds it: nothing changed; it is still pending an hour.)
    assert await events.claim(SINK, owner="n2", limit=10, lease=LEASE) == []


async def test_an_expired_lease_hands_the_event_to_another_node(
    stores: tuple[SqlStore, SqlEventStore],
) -> None:
    registry, events = stores
    await emit(registry, "a")
    await events.sequence(everywhere)
    taken = await events.claim(SINK, owner="n1", limit=1, lease=timedelta(seconds=1))
    assert await events.claim(SINK, owner="n2", limit=1, lease=LEASE) == []
    await asyncio.sleep(1.2)
    again = await events.claim(SINK, owner="n2", limit=1, lease=LEASE)
    assert [c.event.id for c in again] == [taken[0].event.id]


async def test_dead_letters_are_replayed_with_their_ids_and_history(
    stores: tuple[SqlStore, SqlEventStore],
) -> None:
    registry, events = stores
    hook = Webhook(WebhookId("w1"), "http://127.0.0.1:1/h", "whsec_AAAA", frozenset(), ("a*",))
    await events.add_webhook(hook)
    assert [w.id for w in await events.webhooks()] == ["w1"]
    await emit(registry, "a")
    fresh = await events.sequence(lambda e: [hook.sink_key])
    claims = await events.claim(hook.sink_key, owner="n1", limit=5, lease=LEASE)
    event_id = claims[0].event.id
    tries = [Attempt(event_id, n, claims[0].event.time, status=500) for n in (1, 2)]
    await events.record_attempts(hook.sink_key, tries)
    await events.dead_letter(hook.sink_key, event_id, error="HTTP 500")
    assert await events.dead_letter_counts() == {hook.sink_key: 1}
    dead = await events.dead_letters(hook.sink_key, limit=10)
    assert [(d.event.id, d.attempts, d.error) for d in dead] == [(event_id, 2, "HTTP 500")]
    assert await events.purge(older_than=timedelta(0)) == 0  # dead letters are kept
    assert await events.replay(hook.sink_key) == 1
    again = await events.claim(hook.sink_key, owner="n2", limit=5, lease=LEASE)
    assert [(c.event.id, c.attempts) for c in again] == [(event_id, 2)]
    assert [a.number for a in await events.attempts(hook.sink_key, limit=10)] == [2, 1]
    assert fresh[0].id == event_id
    assert await events.remove_webhook(hook.id)
    assert not await events.remove_webhook(hook.id)
    assert await events.attempts(hook.sink_key, limit=10) == []


async def test_an_idempotency_key_writes_one_event_however_often_it_is_emitted(
    stores: tuple[SqlStore, SqlEventStore],
) -> None:
    registry, events = stores
    results = []
    for _ in range(3):
        async with registry.write(lock="a") as tx:
            results.append(await tx.emit("version.sunset_approaching", "a", {}, once="a:1:30"))
    assert results == [True, False, False]
    assert len(await events.sequence(everywhere)) == 1


async def test_the_log_filters_by_type_subject_and_scope(
    stores: tuple[SqlStore, SqlEventStore],
) -> None:
    registry, events = stores
    for subject in ("team-a.x", "team-b.y", None):
        await emit(registry, subject)
    await events.sequence(everywhere)
    scoped = EventFilter(scope=("team-a.*",))
    assert [e.subject for e in await events.events_after(0, limit=10, only=scoped)] == [
        "team-a.x",
        None,
    ]
    typed = EventFilter(types=frozenset({EventType.MODE_CHANGED}))
    assert await events.events_after(0, limit=10, only=typed) == []
    assert len(await events.events_after(1, limit=1, only=EVERYTHING)) == 1


async def test_events_can_be_turned_off(database_url: str) -> None:
    registry = SqlStore(database_url, events=False)
    await registry.start()
    events = SqlEventStore(database_url)
    try:
        await emit(registry, "a")
        assert await events.sequence(everywhere) == []
    finally:
        await events.close()
        await registry.close()
