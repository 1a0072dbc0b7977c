"""The records of the change-event feature: events, webhooks, delivery attempts (no I/O)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, NewType

from opentelemetry import trace

EventId = NewType("EventId", str)  # a UUID, the same on every redelivery
WebhookId = NewType("WebhookId", str)
SinkKey = NewType("SinkKey", str)  # "webhook:<id>", "nats", "amqp": one delivery cursor each


class EventType(StrEnum):
    """The CloudEvents `type` of each change (exactly the strings of the public contract)."""

    SCHEMA_REGISTERED = "schema.registered"
    VERSION_DELETED = "version.deleted"
    SUBJECT_DELETED = "subject.deleted"
    VERSION_STATE_CHANGED = "version.state_changed"
    VERSION_METADATA_CHANGED = "version.metadata_changed"
    CONFIG_CHANGED = "config.changed"
    MODE_CHANGED = "mode.changed"
    CONSUMER_REGISTERED = "consumer.registered"
    VERSION_SUNSET_APPROACHING = "version.sunset_approaching"


def utc_now() -> datetime:
    """Now, in UTC, to the millisecond: the precision every store and the envelope keep."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def current_traceparent() -> str | None:
    """The W3C `traceparent` of the span in progress, or None outside a (sampled) trace."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{int(context.trace_flags):02x}"


@dataclass(frozen=True, slots=True)
class Event:
    """One committed change. `sequence` is None until the outbox orders it (commit order)."""

    id: EventId
    type: EventType
    subject: str | None
    time: datetime
    data: dict[str, Any]
    sequence: int | None = None
    traceparent: str | None = None

    def __post_init__(self) -> None:
        if self.time.tzinfo is None:  # a naive time would be read as local time downstream
            raise ValueError("Event.time must be timezone-aware (UTC).")

    @classmethod
    def new(
        cls,
        type: EventType,
        subject: str | None,
        data: dict[str, Any],
        *,
        time: datetime | None = None,
        traceparent: str | None = None,
    ) -> Event:
        """A fresh event: a new UUID, `time` now, the current trace's `traceparent` if any."""
        return cls(
            id=EventId(str(uuid.uuid4())),
            type=type,
            subject=subject,
            time=utc_now() if time is None else time,
            data=data,
            traceparent=current_traceparent() if traceparent is None else traceparent,
        )

    def sequenced(self, sequence: int) -> Event:
        return replace(self, sequence=sequence)


@dataclass(frozen=True, slots=True)
class Webhook:
    """A registered receiver. `scope`: subject globs its creator may read (empty = all)."""

    id: WebhookId
    url: str
    secret: str  # whsec_…; HMAC needs it back, so it is stored, and shown only on creation
    types: frozenset[EventType] = frozenset()  # empty = every type
    subjects: tuple[str, ...] = ()  # globs; empty = every subject
    scope: tuple[str, ...] = ()
    created_by: str = "anonymous"
    created_at: datetime = field(default_factory=utc_now)

    @property
    def sink_key(self) -> SinkKey:
        return SinkKey(f"webhook:{self.id}")

    def public(self) -> dict[str, Any]:
        """What listings show (never the secret)."""
        return {
            "id": self.id,
            "url": self.url,
            "events": sorted(self.types),
            "subjects": list(self.subjects),
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Attempt:
    """One try at handing an event to a sink: an HTTP status, or the error that prevented one."""

    event_id: EventId
    number: int  # 1 for the first try of this event at this sink
    time: datetime
    status: int | None = None
    error: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.error is None and (self.status is None or 200 <= self.status < 300)


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """An event a sink gave up on, kept until replayed (or purged with its webhook)."""

    event: Event
    sink: SinkKey
    attempts: int
    error: str
    time: datetime
