"""The storage the change-event feature needs, as protocols it owns (storage/ implements them).

Four narrow views of one transactional outbox:

- `OutboxWriter`: what a registry transaction offers, so an event is written in the same
  database transaction as its change (a rollback emits nothing; a commit loses nothing).
- `Outbox`: what the relay needs to move committed events to sinks, on any number of nodes.
- `EventLog`: what readers of the feed need (the live stream, `GET /events`).
- `WebhookStore`: the registered webhooks and their delivery history.

Ordering. Ids assigned at insert are not commit order on PostgreSQL (a transaction that took
id 7 may commit after the one that took id 8), so rows get their `sequence` only after commit:
`Outbox.sequence` numbers committed, unsequenced rows in insert order under one lock (e.g. a
transaction-scoped advisory lock on PostgreSQL, the write lock on SQLite). A row still
uncommitted is invisible to that step and is numbered by a later one, after every number
already given: a reader resuming after sequence N never misses a row that commits later.

Durations are passed, not instants: the store measures leases and retry times on its own
clock (the database's on PostgreSQL), so nodes with skewed clocks agree.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from llm_schema_registry.events.filters import EventFilter
from llm_schema_registry.events.model import (
    Attempt,
    DeadLetter,
    Event,
    EventId,
    SinkKey,
    Webhook,
    WebhookId,
)

Route = Callable[[Event], Collection[SinkKey]]  # the sinks that want an event


@dataclass(frozen=True, slots=True)
class Claim:
    """An event leased to one node for one sink; `attempts`: tries recorded before this claim."""

    event: Event
    attempts: int


class OutboxWriter(Protocol):
    """The outbox side of a registry transaction (the store's `Tx` implements it)."""

    async def append(self, event: Event, *, once: str | None = None) -> bool:
        """Write `event` (unsequenced) in the caller's transaction; it commits or rolls back
        with the change it describes.

        `once`: an idempotency key; when an event with the same key exists already nothing is
        written and False is returned (insert-if-absent, so two nodes' sunset sweeps emit one
        reminder per version and lead time without failing either transaction).
        """
        ...


class Outbox(Protocol):
    """What the relay drives: sequence, fan out, claim, and record how each delivery went.

    Every method runs in its own short transaction. A delivery is one (sink, event) pair; it is
    pending, claimed (leased to a node until the lease runs out), delivered or dead.
    """

    async def sequence(self, route: Route, *, limit: int = 500) -> list[Event]:
        """Number up to `limit` committed, unsequenced events in insert order (see the module
        docstring) and create a pending delivery for each sink `route` names for it, in the
        same transaction. Returns the events sequenced, in order (empty when none waited).

        A sink that appears later (a new webhook) gets only events sequenced after it exists.
        """
        ...

    async def claim(
        self, sink: SinkKey, *, owner: str, limit: int, lease: timedelta
    ) -> list[Claim]:
        """Lease up to `limit` pending deliveries of `sink` to `owner`, in sequence order.

        Skips rows other nodes hold (`FOR UPDATE SKIP LOCKED` semantics) and rows whose retry
        time has not come. Pending also covers claims whose lease expired, so a killed node's
        events return to the others. Per-subject commit order: an event is never returned while
        an earlier event of the same subject for this sink is still pending, claimed by another
        owner or waiting for a retry (events without a subject are ordered among themselves).
        """
        ...

    async def extend(
        self, sink: SinkKey, event_ids: Collection[EventId], *, owner: str, lease: timedelta
    ) -> None:
        """Renew `owner`'s leases on these deliveries (a slow webhook outlasting its lease)."""
        ...

    async def delivered(
        self,
        sink: SinkKey,
        event_ids: Collection[EventId],
        *,
        attempts: Sequence[Attempt] = (),
    ) -> None:
        """Mark deliveries done, with the `attempts` that got them there recorded (as
        `record_attempts`) in the same transaction. Idempotent; holds whoever owns the claim
        (a delivery finishing after its lease moved to another node is still done)."""
        ...

    async def release(
        self,
        sink: SinkKey,
        event_ids: Collection[EventId],
        *,
        owner: str,
        retry_after: timedelta,
    ) -> None:
        """Give `owner`'s claims back as pending, not to be claimed before `retry_after`
        (the sink is down). Claims `owner` no longer holds are left alone."""
        ...

    async def record_attempts(self, sink: SinkKey, attempts: Sequence[Attempt]) -> None:
        """Keep attempts for the delivery history and count them in `Claim.attempts`."""
        ...

    async def dead_letter(self, sink: SinkKey, event_id: EventId, *, error: str) -> None:
        """Move a delivery to the sink's dead letters (it leaves per-subject ordering)."""
        ...

    async def oldest_undelivered(self) -> datetime | None:
        """The `time` of the oldest event still pending or claimed at some sink, or not yet
        sequenced (the outbox lag); None when everything is delivered."""
        ...

    async def dead_letter_counts(self) -> Mapping[SinkKey, int]:
        """Dead letters per sink (sinks with none may be left out)."""
        ...

    async def purge(self, *, older_than: timedelta) -> int:
        """Delete events older than `older_than` whose deliveries are all done (none pending,
        claimed or dead), with their attempts; returns how many events went."""
        ...


class EventLog(Protocol):
    """The sequenced feed, for the live stream and pollers."""

    async def events_after(self, after: int, *, limit: int, only: EventFilter) -> list[Event]:
        """Up to `limit` sequenced events with `sequence > after` that `only` matches,
        ascending. The store may filter in SQL or in memory; the result is the same."""
        ...

    async def last_sequence(self) -> int:
        """The highest sequence given so far (0 before any): where a new live reader starts."""
        ...


class WebhookStore(Protocol):
    """Registered webhooks, their delivery history and dead letters (admin routes, relay)."""

    async def add_webhook(self, webhook: Webhook) -> None: ...

    async def webhooks(self) -> list[Webhook]:
        """Every webhook, oldest first (the relay builds its sinks from these)."""
        ...

    async def webhook(self, webhook_id: WebhookId) -> Webhook | None: ...

    async def remove_webhook(self, webhook_id: WebhookId) -> bool:
        """Delete a webhook with its deliveries, attempts and dead letters; False if unknown."""
        ...

    async def attempts(self, sink: SinkKey, *, limit: int) -> list[Attempt]:
        """The most recent attempts at `sink`, newest first."""
        ...

    async def dead_letters(self, sink: SinkKey, *, limit: int) -> list[DeadLetter]:
        """`sink`'s dead letters, oldest first."""
        ...

    async def replay(self, sink: SinkKey, event_ids: Collection[EventId] | None = None) -> int:
        """Make dead letters pending again (all of `sink`'s when `event_ids` is None), keeping
        their event ids so receivers can deduplicate; returns how many."""
        ...


class EventStore(Outbox, EventLog, WebhookStore, Protocol):
    """The whole feature's storage on one database (storage/events_sql.py)."""

    async def close(self) -> None: ...
