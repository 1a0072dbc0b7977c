"""Our CloudEvents JSON is what the CloudEvents SDK reads and validates as a v1.0 event."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from eventsupport import sample_event
from opentelemetry.sdk.trace import TracerProvider

from llm_schema_registry.events.cloudevent import CONTENT_TYPE, encode, to_cloudevent
from llm_schema_registry.events.filters import EventFilter
from llm_schema_registry.events.model import Event, EventId, EventType


def read(body: bytes) -> CloudEvent:
    event = JSONFormat().read(None, body)  # validates every attribute per spec 1.0
    assert isinstance(event, CloudEvent)
    return event


def test_envelope_parses_with_the_cloudevents_sdk_with_every_attribute() -> None:
    event = Event(
        id=EventId("0b5f6c1e-3f0a-4d7e-9a53-3c2f1d2e4b5a"),
        type=EventType.VERSION_STATE_CHANGED,
        subject="orders-value",
        time=datetime(2026, 3, 1, 12, 30, 5, 123000, tzinfo=UTC),
        data={"version": 3, "from": "ACTIVE", "to": "DEPRECATED", "consumers": ["billing"]},
        sequence=42,
        traceparent="00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    )
    body = encode(event, source="https://registry.example/")
    parsed = read(body)
    assert parsed.get_specversion() == "1.0"
    assert parsed.get_id() == event.id
    assert parsed.get_source() == "https://registry.example/"
    assert parsed.get_type() == "version.state_changed"
    assert parsed.get_subject() == "orders-value"
    assert parsed.get_time() == event.time
    assert parsed.get_datacontenttype() == "application/json"
    assert parsed.get_extension("sequence") == 42
    assert parsed.get_extension("traceparent") == event.traceparent
    assert parsed.get_data() == event.data
    assert json.loads(body)["time"] == "2026-03-01T12:30:05.123Z"


def test_optional_attributes_are_left_out_when_unset() -> None:
    event = sample_event(subject=None, kind=EventType.CONFIG_CHANGED, old="BACKWARD", new="FULL")
    envelope = to_cloudevent(event)
    assert not {"subject", "sequence", "traceparent"} & set(envelope)
    parsed = read(encode(event))
    assert parsed.get_subject() is None
    assert parsed.get_data() == {"old": "BACKWARD", "new": "FULL"}


def test_structured_mode_content_type_and_one_line_body() -> None:
    event = sample_event(note="line one\nline two")
    assert CONTENT_TYPE == "application/cloudevents+json"
    assert b"\n" not in encode(event)


def test_new_events_have_fresh_uuid_ids_and_utc_millisecond_times() -> None:
    first, second = sample_event(), sample_event()
    assert first.id != second.id and len(first.id) == 36
    assert first.time.tzinfo is UTC and first.time.microsecond % 1000 == 0
    assert first.sequence is None and first.sequenced(5).sequence == 5


def test_new_event_inside_a_trace_carries_its_traceparent() -> None:
    tracer = TracerProvider().get_tracer("test")  # local provider: the global one stays as is
    with tracer.start_as_current_span("register") as span:
        event = sample_event()
    context = span.get_span_context()
    flags = int(context.trace_flags)
    assert flags & 1  # sampled
    assert event.traceparent == f"00-{context.trace_id:032x}-{context.span_id:016x}-{flags:02x}"
    assert read(encode(event)).get_extension("traceparent") == event.traceparent
    assert sample_event().traceparent is None


def test_every_type_is_one_of_the_documented_strings() -> None:
    assert {str(t) for t in EventType} == {
        "schema.registered",
        "version.deleted",
        "subject.deleted",
        "version.state_changed",
        "version.metadata_changed",
        "config.changed",
        "mode.changed",
        "consumer.registered",
        "version.sunset_approaching",
    }


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Event(EventId("x"), EventType.MODE_CHANGED, None, datetime(2026, 1, 1), {})


def test_an_event_in_a_named_context_carries_it_and_scopes_see_only_their_own() -> None:
    event = sample_event(subject=":.team-a:orders-value")
    parsed = read(encode(event))
    assert parsed.get_subject() == ":.team-a:orders-value"
    assert parsed.get_extension("context") == ".team-a"
    assert "context" not in to_cloudevent(sample_event(subject="orders-value"))
    team_a = EventFilter(scope=(":.team-a:*",))
    assert team_a.matches(event)
    assert not team_a.matches(sample_event(subject=":.team-b:orders-value"))
    assert not team_a.matches(sample_event(subject="orders-value"))
