"""The feed's readers: SSE frame format, resume points, filters, and the follower's wake-ups."""

from __future__ import annotations

import asyncio
import json

import pytest
from eventsupport import sample_event

from llm_schema_registry.events.feed import (
    EventFeed,
    InvalidEventRequestError,
    reader_filter,
    sequence_of,
)
from llm_schema_registry.events.filters import EVERYTHING, EventFilter
from llm_schema_registry.events.model import Event, EventType
from llm_schema_registry.events.signal import Signal, wait
from llm_schema_registry.events.sse import HEARTBEAT, OPENING, frame, frames


def parse(raw: bytes) -> dict[str, str]:
    assert raw.endswith(b"\n\n")
    return dict(line.split(": ", 1) for line in raw.decode().strip("\n").split("\n"))


def test_frame_has_sequence_id_type_event_and_cloudevent_data() -> None:
    event = sample_event("orders-value").sequenced(17)
    fields = parse(frame(event, source="https://registry.example/"))
    assert (fields["id"], fields["event"]) == ("17", "schema.registered")
    data = json.loads(fields["data"])
    assert (data["id"], data["sequence"], data["source"]) == (
        event.id,
        17,
        "https://registry.example/",
    )


def test_unsequenced_event_has_no_frame() -> None:
    with pytest.raises(ValueError, match="no sequence"):
        frame(sample_event())


@pytest.mark.parametrize(
    ("given", "expected"), [(None, None), ("", None), ("12", 12), (" 5 ", 5), (3, 3)]
)
def test_resume_points(given: str | int | None, expected: int | None) -> None:
    assert sequence_of(given) == expected


@pytest.mark.parametrize("bad", ["abc", "-1", "1.5"])
def test_bad_resume_points_are_refused(bad: str) -> None:
    with pytest.raises(InvalidEventRequestError):
        sequence_of(bad)


def test_unknown_types_are_refused_and_lists_split() -> None:
    only = reader_filter(["schema.registered,subject.deleted"], ["team-a.*"], ())
    assert only.types == {EventType.SCHEMA_REGISTERED, EventType.SUBJECT_DELETED}
    assert only.subjects == ("team-a.*",)
    with pytest.raises(InvalidEventRequestError, match=r"schema\.exploded"):
        reader_filter(["schema.exploded"], [], ())


class Log:
    """An in-memory EventLog: the events in sequence order, served in pages of two."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def add(self, subject: str) -> Event:
        event = sample_event(subject).sequenced(len(self.events) + 1)
        self.events.append(event)
        return event

    async def events_after(self, after: int, *, limit: int, only: EventFilter) -> list[Event]:
        found = [e for e in self.events if (e.sequence or 0) > after and only.matches(e)]
        return found[: min(limit, 2)]

    async def last_sequence(self) -> int:
        return len(self.events)


def feed_of(log: Log, sequenced: Signal | None = None, poll_seconds: float = 30) -> EventFeed:
    return EventFeed(log, sequenced or Signal(), poll_seconds=poll_seconds)


async def test_stream_replays_after_the_resume_point_then_goes_live() -> None:
    log, sequenced = Log(), Signal()
    for subject in ("a", "b", "c"):
        log.add(subject)
    stream = frames(feed_of(log, sequenced), EVERYTHING, after=1)
    assert await anext(stream) == OPENING
    assert [parse(await anext(stream))["id"] for _ in range(2)] == ["2", "3"]
    pending = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0.05)
    assert not pending.done()
    log.add("d")
    sequenced.notify()  # the relay numbered new events
    got = await asyncio.wait_for(pending, 1)
    assert parse(got)["id"] == "4"
    await stream.aclose()


async def test_stream_skips_what_the_filter_refuses() -> None:
    log = Log()
    for subject in ("team-b.x", "team-a.x", "team-b.y", "team-a.y"):
        log.add(subject)
    only = reader_filter([], [], ["team-a.*"])
    follow = feed_of(log).follow(only, 0)
    assert [(await anext(follow)).subject for _ in range(2)] == ["team-a.x", "team-a.y"]  # type: ignore[union-attr]
    await follow.aclose()


async def test_stream_polls_when_nobody_notifies() -> None:
    log = Log()
    stream = frames(feed_of(log, poll_seconds=0.05), EVERYTHING, after=0)
    assert await anext(stream) == OPENING
    pending = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0.02)
    log.add("sequenced-on-another-node")
    assert parse(await asyncio.wait_for(pending, 1))["id"] == "1"
    await stream.aclose()


async def test_idle_stream_sends_heartbeat_comments() -> None:
    stream = frames(feed_of(Log()), EVERYTHING, after=0, heartbeat_seconds=0.1)
    assert await anext(stream) == OPENING
    assert await asyncio.wait_for(anext(stream), 1) == HEARTBEAT
    assert await asyncio.wait_for(anext(stream), 1) == HEARTBEAT
    await stream.aclose()


async def test_signal_ticket_taken_before_notify_is_not_missed() -> None:
    signal = Signal()
    ticket = signal.ticket()
    signal.notify()
    assert await wait(ticket, 0.01)
    assert not await wait(signal.ticket(), 0.01)
