"""The change-event series (names from issue 12), on prometheus_client's default registry.

Updates are per event or per delivery, far off the request hot path, so the library's own
locked metrics are fine here (unlike observability.metrics' request counters). `sink` is the
sink's kind (webhook, nats, amqp), not a webhook id, to keep the label set small.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum

from prometheus_client import Counter, Gauge

from llm_schema_registry.events.model import Event, SinkKey

EVENTS = Counter("schema_registry_events_total", "Change events committed.", ["type"])
DELIVERIES = Counter(
    "schema_registry_event_deliveries_total",
    "Event deliveries by sink and outcome.",
    ["sink", "outcome"],
)
OUTBOX_LAG = Gauge(
    "schema_registry_outbox_lag_seconds", "Age of the oldest undelivered event (0 when none)."
)
DEAD_LETTERS = Gauge("schema_registry_dead_letters", "Events in dead letters.", ["sink"])
SINK_KINDS = ("webhook", "nats", "amqp")


class Outcome(StrEnum):
    DELIVERED = "delivered"
    RETRIED = "retried"  # an attempt failed and another followed
    DEAD_LETTER = "dead_letter"
    DEFERRED = "deferred"  # the sink was down; the event waits in the outbox


def kind_of(sink: SinkKey) -> str:
    """`webhook:1f…` → `webhook`; broker keys are their kind."""
    return sink.split(":", 1)[0]


def count_committed(events: Iterable[Event]) -> None:
    for event in events:
        EVENTS.labels(type=str(event.type)).inc()


def count_delivery(kind: str, outcome: Outcome, amount: int = 1) -> None:
    if amount:
        DELIVERIES.labels(sink=kind, outcome=str(outcome)).inc(amount)


def set_lag(oldest: datetime | None, now: datetime) -> None:
    OUTBOX_LAG.set(0.0 if oldest is None else max(0.0, (now - oldest).total_seconds()))


def set_dead_letters(counts: Mapping[SinkKey, int]) -> None:
    """Totals per kind; kinds with none are set to 0 so a replay shows on the dashboard."""
    totals = dict.fromkeys(SINK_KINDS, 0)
    for sink, count in counts.items():
        kind = kind_of(sink)
        totals[kind] = totals.get(kind, 0) + count
    for kind, total in totals.items():
        DEAD_LETTERS.labels(sink=kind).set(total)
