"""The relay's pure rules: per-subject ordering groups, backoff for a down sink, the metrics.

The relay loop itself is tested in round two against the real SQL outbox (no stand-in here).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from eventsupport import sample_event
from prometheus_client import REGISTRY

from llm_schema_registry.events import metrics
from llm_schema_registry.events.metrics import Outcome
from llm_schema_registry.events.model import EventType, SinkKey
from llm_schema_registry.events.relay import RelayOptions, by_subject
from llm_schema_registry.events.store import Claim


def claim(subject: str | None, sequence: int) -> Claim:
    return Claim(sample_event(subject).sequenced(sequence), attempts=0)


def test_claims_are_grouped_per_subject_in_sequence_order() -> None:
    claims = [claim("b", 4), claim("a", 2), claim(None, 3), claim("a", 1), claim("b", 5)]
    groups = [[c.event.sequence for c in group] for group in by_subject(claims)]
    assert groups == [[1, 2], [3], [4, 5]]
    assert [group[0].event.subject for group in by_subject(claims)] == ["a", None, "b"]


def test_down_sink_backoff_doubles_with_attempts_within_bounds() -> None:
    options = RelayOptions(down_backoff=(1.0, 60.0))
    for attempts, ceiling in ((0, 1.0), (1, 2.0), (3, 8.0), (6, 60.0), (1000, 60.0)):
        waits = [options.retry_after(attempts) for _ in range(100)]
        assert all(timedelta(seconds=1) <= w <= timedelta(seconds=ceiling) for w in waits)


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_metrics_use_the_issue_names_and_sink_kinds() -> None:
    before = sample("schema_registry_events_total", type="mode.changed")
    metrics.count_committed([sample_event(None, EventType.MODE_CHANGED, new="READONLY")] * 2)
    assert sample("schema_registry_events_total", type="mode.changed") == before + 2

    delivered = sample("schema_registry_event_deliveries_total", sink="nats", outcome="delivered")
    metrics.count_delivery("nats", Outcome.DELIVERED)
    metrics.count_delivery("nats", Outcome.RETRIED, 0)  # nothing to count: no series change
    assert (
        sample("schema_registry_event_deliveries_total", sink="nats", outcome="delivered")
        == delivered + 1
    )

    metrics.set_dead_letters({SinkKey("webhook:a"): 2, SinkKey("webhook:b"): 3})
    assert sample("schema_registry_dead_letters", sink="webhook") == 5
    assert sample("schema_registry_dead_letters", sink="amqp") == 0

    now = datetime(2026, 1, 1, tzinfo=UTC)
    metrics.set_lag(now - timedelta(seconds=42), now)
    assert sample("schema_registry_outbox_lag_seconds") == 42
    metrics.set_lag(None, now)
    assert sample("schema_registry_outbox_lag_seconds") == 0


def test_sink_kind_is_the_key_prefix() -> None:
    assert [metrics.kind_of(SinkKey(k)) for k in ("webhook:1f2e", "nats", "amqp")] == [
        "webhook",
        "nats",
        "amqp",
    ]
