"""Server-Sent Events: frame format, resume point, and the frame generator's wake-ups."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence

import pytest
from eventsupport import sample_event

from llm_schema_registry.events.model import Event
from llm_schema_registry.events.signal import Signal, wait
from llm_schema_registry.events.sse import HEARTBEAT, frame, resume_after, stream


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
    ("last_event_id", "after", "expected"),
    [(None, None, None), ("12", "3", 12), (None, "3", 3), ("", "4", 4), (" 5 ", None, 5)],
)
def test_last_event_id_wins_over_after(
    last_event_id: str | None, after: str | None, expected: int | None
) -> None:
    assert resume_after(last_event_id, after) == expected


@pytest.mark.parametrize("bad", ["abc", "-1", "1.5"])
def test_bad_resume_points_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        resume_after(bad, None)


class Feed:
    """The events a reader may see, in sequence order; `fetch` is what the edge passes."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def add(self, subject: str) -> Event:
        event = sample_event(subject).sequenced(len(self.events) + 1)
        self.events.append(event)
        return event

    async def fetch(self, after: int) -> Sequence[Event]:
        return [e for e in self.events if (e.sequence or 0) > after][:2]  # pages of two


async def test_stream_replays_after_the_resume_point_then_goes_live() -> None:
    feed, sequenced = Feed(), Signal()
    for subject in ("a", "b", "c"):
        feed.add(subject)
    frames = stream(feed.fetch, after=1, sequenced=sequenced, poll_seconds=30)
    assert [parse(await anext(frames))["id"] for _ in range(2)] == ["2", "3"]
    pending = asyncio.ensure_future(anext(frames))
    await asyncio.sleep(0.05)
    assert not pending.done()
    feed.add("d")
    sequenced.notify()  # the relay numbered new events
    got = await asyncio.wait_for(pending, 1)
    assert parse(got)["id"] == "4"
    await frames.aclose()


async def test_stream_polls_when_nobody_notifies() -> None:
    feed = Feed()
    frames = stream(feed.fetch, after=0, sequenced=Signal(), poll_seconds=0.05)
    pending = asyncio.ensure_future(anext(frames))
    await asyncio.sleep(0.02)
    feed.add("sequenced-on-another-node")
    assert parse(await asyncio.wait_for(pending, 1))["id"] == "1"
    await frames.aclose()


async def test_idle_stream_sends_heartbeat_comments() -> None:
    frames = stream(Feed().fetch, after=0, sequenced=Signal(), heartbeat_seconds=0.1)
    assert await asyncio.wait_for(anext(frames), 1) == HEARTBEAT
    assert await asyncio.wait_for(anext(frames), 1) == HEARTBEAT
    await frames.aclose()


async def test_signal_ticket_taken_before_notify_is_not_missed() -> None:
    signal = Signal()
    ticket = signal.ticket()
    signal.notify()
    assert await wait(ticket, 0.01)
    assert not await wait(signal.ticket(), 0.01)
